"""Load the demo process (idempotent: a second run changes nothing)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from participation.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo process “Numérique en Commun[s] — Nantes” with its demo accounts."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even when DEBUG is off (the demo accounts have a public password).",
        )

    def handle(self, *args: object, allow_production: bool = False, **options: object) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to load the demo with DEBUG off: its accounts have a public password. "
                "Pass --allow-production if this really is a demonstration server."
            )
        process, created = load_demo()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo process loaded: {process.title}"))
        else:
            self.stdout.write(f"Demo process already present: {process.title} (nothing changed)")
