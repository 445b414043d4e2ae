from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    """What every page's layout needs."""
    return {"LANGUAGE_CHOICES": settings.LANGUAGES, "SITE_NAME": "En Commun"}
