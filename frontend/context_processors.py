from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def site(request: HttpRequest) -> dict:
    """What every page's layout needs."""
    return {
        "LANGUAGE_CHOICES": settings.LANGUAGES,
        "SITE_NAME": "En Commun",
        **notifications(request),
    }


def notifications(request: HttpRequest) -> dict:
    """The signed-in person's unread notifications: one query, made only if a page shows it."""
    from participation.notifications import notification_unread_count

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: notification_unread_count(user=user))}
