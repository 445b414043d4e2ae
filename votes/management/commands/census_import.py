"""Add identifiers to a process' residents list (stored as keyed hashes only)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from participation.models import Process
from votes import census, services


class Command(BaseCommand):
    help = (
        "Import a residents list for a process from a text or CSV file (first column, one "
        "identifier per line). Identifiers are stored only as keyed hashes (CENSUS_KEY)."
    )

    def add_arguments(self, parser):
        parser.add_argument("process", help="slug of the process")
        parser.add_argument("path", help="UTF-8 text or CSV file; '-' reads standard input")

    def handle(self, *args, process, path, **options):
        try:
            target = Process.objects.get(slug=process)
        except Process.DoesNotExist as error:
            raise CommandError(f"No process with the slug {process!r}.") from error
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        report = services.census_import(
            actor=None, process=target, identifiers=census.identifiers_parse(text)
        )
        self.stdout.write(
            f"{report.added} identifiers added, {report.already} already on the list, "
            f"{len(report.rejected)} rejected (empty or longer than "
            f"{census.MAX_IDENTIFIER_LENGTH} characters)."
        )
