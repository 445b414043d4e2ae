"""Reads for moderators: the queue of items awaiting a decision, and the log of decisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Count, F, Min, Prefetch, Q, QuerySet, When
from django.db.models.functions import Coalesce

from participation.models import Process
from proposals.models import Comment, ModerationDecision, Proposal, Report


@dataclass(frozen=True)
class QueueItem:
    """A proposal or a comment waiting for a moderator, with why and since when."""

    kind: str  # "proposal" or "comment"
    item: Proposal | Comment
    queued_at: datetime
    open_reports: int

    @property
    def pending(self) -> bool:
        return self.item.status == "pending"


def _open_reports() -> Prefetch:
    return Prefetch(
        "reports",
        queryset=Report.objects.filter(resolved_at__isnull=True)
        .select_related("reporter")
        .order_by("created_at"),
        to_attr="open_reports",
    )


def _queued_proposals(process: Process) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(axis__process=process)
        .annotate(
            report_count=Count("reports", filter=Q(reports__resolved_at__isnull=True)),
            first_report=Min("reports__created_at", filter=Q(reports__resolved_at__isnull=True)),
        )
        .filter(Q(status=Proposal.Status.PENDING) | Q(report_count__gt=0))
        .exclude(status__in=(Proposal.Status.DRAFT, Proposal.Status.WITHDRAWN))
        .annotate(
            queued_at=Case(
                When(
                    status=Proposal.Status.PENDING,
                    then=Coalesce(F("submitted_at"), F("created_at")),
                ),
                default=F("first_report"),
            )
        )
        .select_related("axis__process", "author")
        .prefetch_related(_open_reports())
    )


def _queued_comments(process: Process) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(proposal__axis__process=process)
        .annotate(
            report_count=Count("reports", filter=Q(reports__resolved_at__isnull=True)),
            first_report=Min("reports__created_at", filter=Q(reports__resolved_at__isnull=True)),
        )
        .filter(Q(status=Comment.Status.PENDING) | Q(report_count__gt=0))
        .exclude(status=Comment.Status.DELETED)
        .annotate(
            queued_at=Case(
                When(status=Comment.Status.PENDING, then=F("created_at")),
                default=F("first_report"),
            )
        )
        .select_related("author", "proposal__axis__process")
        .prefetch_related(_open_reports())
    )


def moderation_queue(*, process: Process) -> list[QueueItem]:
    """New submissions (when pre-moderating) and reported items of a process, oldest first.

    Four queries whatever the length of the queue.
    """
    items = [
        QueueItem("proposal", p, p.queued_at, p.report_count) for p in _queued_proposals(process)
    ] + [QueueItem("comment", c, c.queued_at, c.report_count) for c in _queued_comments(process)]
    return sorted(items, key=lambda entry: (entry.queued_at, entry.kind, entry.item.pk))


def moderation_log(*, process: Process) -> QuerySet[ModerationDecision]:
    """The decisions taken in a process, newest first."""
    return (
        ModerationDecision.objects.filter(process=process)
        .select_related("moderator", "proposal__axis__process", "comment", "target_user")
        .order_by("-created_at", "-pk")
    )
