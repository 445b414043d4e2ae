"""Check that every axis has as many ballots as voter records (exit status 1 when not)."""

from django.core.management.base import BaseCommand, CommandError

from participation.models import Axis
from votes import selectors


class Command(BaseCommand):
    help = "Check count(VoterRecord) == count(Ballot) for each axis; fail if any differs."

    def add_arguments(self, parser):
        parser.add_argument("--process", help="slug of one process (default: all)")
        parser.add_argument("--axis", type=int, help="id of one axis")

    def handle(self, *args, process=None, axis=None, **options):
        axes = Axis.objects.select_related("process").order_by("process__slug", "position", "pk")
        if process:
            axes = axes.filter(process__slug=process)
        if axis:
            axes = axes.filter(pk=axis)
        counts = selectors.ballot_counts_by_axis(axes=axes)
        failures = []
        for item in axes:
            count = counts[item.pk]
            line = (
                f"{item.process.slug}/{item.slug}: {count.voters} voter records, "
                f"{count.ballots} ballots"
            )
            if count.agree:
                self.stdout.write(f"ok    {line}")
            else:
                failures.append(line)
                self.stderr.write(f"FAIL  {line}")
        if failures:
            raise CommandError(
                f"{len(failures)} axis(es) with voter records and ballots out of step: do not "
                "publish their results."
            )
        self.stdout.write(self.style.SUCCESS(f"{len(counts)} axis(es) checked: all agree."))
