"""Events told to many people: followers, voters, moderators.

Every payload written here holds only public facts (titles, counts, kinds), since many
people receive the same content: never a reason meant for an author, never someone's name.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from participation.models import Axis, Notification, Phase, PhaseAnnouncement, Process, Role, User
from participation.notifications.outbox import notification_create, notifications_create_many

if TYPE_CHECKING:
    from proposals.models import Proposal

Kind = Notification.Kind

ANNOUNCED_PHASES = (Phase.Kind.PROPOSALS, Phase.Kind.VOTING)
# Phases that opened longer ago than this are not announced any more (say, after an outage of
# the beat scheduler, or on the first run after an upgrade): late news is noise.
ANNOUNCE_WINDOW = timedelta(days=2)
MODERATION_QUEUE_INTERVAL = timedelta(hours=1)
# What followers of a proposal hear of; its rejection is for its author only.
FOLLOWER_KINDS = frozenset(
    {
        Kind.PROPOSAL_PUBLISHED,
        Kind.PROPOSAL_EVALUATED,
        Kind.PROPOSAL_SELECTED,
        Kind.PROPOSAL_MERGED,
        Kind.PROPOSAL_COMMENTED,
    }
)
PUBLIC_PROPOSAL_STATUSES = ("published", "merged")


def _reachable() -> QuerySet[User]:
    """People who may hear of a process' news: active, not blocked."""
    return User.objects.filter(is_active=True, blocked_at__isnull=True)


# --- Phases ---------------------------------------------------------------------------------


def _phase_recipients(process: Process, phase: Phase) -> QuerySet[User]:
    following = Q(follows__process=process)
    if phase.kind == Phase.Kind.VOTING:
        # Those following a proposal of the process want to hear that it can be voted for.
        following |= Q(follows__proposal__axis__process=process)
    # Someone may have told some of them already (the vote's own opening task does).
    told = Notification.objects.filter(
        kind=Kind.PHASE_OPENED, process=process, created_at__gte=phase.starts_at
    ).values("recipient_id")
    return _reachable().filter(following).exclude(pk__in=told).distinct().order_by("pk")


def notify_followers_phase_opened(*, process: Process, phase: Phase) -> int:
    """Tell the followers of a process that `phase` has opened, once; how many were told.

    The announcement row is unique per phase: a second call (a concurrent beat run, another
    service) finds it and tells nobody.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                announcement = PhaseAnnouncement.objects.create(phase=phase)
        except IntegrityError:
            return 0
        payload = {"title": process.title, "phase": phase.kind, "phase_title": phase.title}
        count = notifications_create_many(
            recipients=_phase_recipients(process, phase),
            kind=Kind.PHASE_OPENED,
            payload=payload,
            url=process.get_absolute_url(),
            process=process,
        )
        announcement.recipient_count = count
        announcement.save(update_fields=["recipient_count"])
    return count


def announce_opened_phases(*, now: datetime | None = None) -> int:
    """Announce the proposal and voting phases that opened lately and were not announced yet."""
    now = now or timezone.now()
    phases = Phase.objects.filter(
        kind__in=ANNOUNCED_PHASES,
        starts_at__lte=now,
        starts_at__gt=now - ANNOUNCE_WINDOW,
        ends_at__gt=now,
        process__is_published=True,
        announcement__isnull=True,
    ).select_related("process")
    return sum(
        notify_followers_phase_opened(process=phase.process, phase=phase) for phase in phases
    )


# --- Results --------------------------------------------------------------------------------


def notify_results_published(*, axis: Axis) -> int:
    """Tell the axis' voters and the followers of its process and proposals that its results
    are out; call it in the transaction that publishes them. Nobody is told twice."""
    process = axis.process
    url = reverse("frontend:axis_results", kwargs={"slug": process.slug, "axis": axis.slug})
    told = Notification.objects.filter(kind=Kind.RESULTS_PUBLISHED, url=url).values("recipient_id")
    recipients = (
        _reachable()
        .filter(
            Q(voter_records__axis=axis)
            | Q(follows__process=process)
            | Q(follows__proposal__axis=axis)
        )
        .exclude(pk__in=told)
        .distinct()
        .order_by("pk")
    )
    return notifications_create_many(
        recipients=recipients,
        kind=Kind.RESULTS_PUBLISHED,
        payload={"title": f"{process.title} — {axis.title}", "axis": axis.pk},
        url=url,
        process=process,
    )


# --- Proposals ------------------------------------------------------------------------------


def notify_proposal_followers(
    *, proposal: Proposal, kind: str, actor: User | None = None, url: str = ""
) -> int:
    """Tell the followers of a public proposal of an update; call it in the event's transaction.

    Its author (told personally, with any reason) and the actor are left out; so are kinds
    meant for the author only (a rejection) and proposals the public cannot see.
    """
    if kind not in FOLLOWER_KINDS or proposal.status not in PUBLIC_PROPOSAL_STATUSES:
        return 0
    excluded = [pk for pk in (proposal.author_id, getattr(actor, "pk", None)) if pk is not None]
    recipients = (
        _reachable().filter(follows__proposal=proposal).exclude(pk__in=excluded).order_by("pk")
    )
    return notifications_create_many(
        recipients=recipients,
        kind=kind,
        payload={"title": proposal.title, "proposal": proposal.pk, "following": True},
        url=url or proposal.get_absolute_url(),
        process=proposal.axis.process,
    )


# --- Moderation queue -----------------------------------------------------------------------


def _processes_with_queue() -> set[int]:
    from proposals.models import Comment, Proposal, Report

    pending = set(
        Proposal.objects.filter(status=Proposal.Status.PENDING).values_list(
            "axis__process_id", flat=True
        )
    )
    pending |= set(
        Comment.objects.filter(status=Comment.Status.PENDING).values_list(
            "proposal__axis__process_id", flat=True
        )
    )
    reports = Report.objects.filter(resolved_at__isnull=True)
    pending |= set(reports.values_list("proposal__axis__process_id", flat=True))
    pending |= set(reports.values_list("comment__proposal__axis__process_id", flat=True))
    pending.discard(None)
    return pending


def _notify_queue(process: Process, now: datetime) -> int:
    from proposals.moderation_queue import moderation_queue

    items = moderation_queue(process=process)
    if not items:
        return 0
    moderators = _reachable().filter(
        roles__process=process, roles__kind__in=(Role.Kind.MODERATOR, Role.Kind.ORGANISER)
    )
    last_told = dict(
        Notification.objects.filter(kind=Kind.MODERATION_QUEUE, process=process)
        .values("recipient_id")
        .annotate(last=Max("created_at"))
        .values_list("recipient_id", "last")
    )
    url = reverse("frontend:moderation_queue", kwargs={"slug": process.slug})
    count = 0
    for moderator in moderators.distinct().order_by("pk"):
        last = last_told.get(moderator.pk)
        if last is not None and last > now - MODERATION_QUEUE_INTERVAL:
            continue  # told less than an hour ago
        if last is not None and not any(item.queued_at > last for item in items):
            continue  # nothing new since they were last told
        notification_create(
            recipient=moderator,
            kind=Kind.MODERATION_QUEUE,
            payload={"title": process.title, "count": len(items)},
            url=url,
            process=process,
        )
        count += 1
    return count


def notify_moderators_of_queue(*, now: datetime | None = None) -> int:
    """Tell moderators and organisers of new items in their queue: at most once an hour per
    person and process, and only when something arrived since they were last told."""
    now = now or timezone.now()
    count = 0
    for process_id in sorted(_processes_with_queue()):
        with transaction.atomic():
            # The process row serialises two runs of the task, so nobody is told twice.
            process = Process.objects.select_for_update().get(pk=process_id)
            count += _notify_queue(process, now)
    return count
