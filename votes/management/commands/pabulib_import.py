"""Import a Pabulib .pb election as a new axis of a process, its vote closed."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from participation.errors import DomainError
from participation.models import Process
from votes import services


class Command(BaseCommand):
    help = (
        "Import a Pabulib .pb file as a new axis of a process: its projects become proposals "
        "on the ballot, its votes anonymous ballots, and the vote is closed, ready to compute."
    )

    def add_arguments(self, parser):
        parser.add_argument("process", help="slug of the process")
        parser.add_argument("path", help="the .pb file")
        parser.add_argument("--slug", required=True, help="slug of the new axis")
        parser.add_argument("--title", required=True, help="title of the new axis")

    def handle(self, *args, process, path, slug, title, **options):
        try:
            target = Process.objects.get(slug=process)
        except Process.DoesNotExist as error:
            raise CommandError(f"No process with the slug {process!r}.") from error
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        try:
            axis = services.axis_import_pabulib(
                actor=None, process=target, file=data, slug=slug, title=title
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Axis {axis.slug!r} created with {axis.proposals.count()} proposals and "
            f"{axis.ballots.count()} ballots; its vote is closed."
        )
