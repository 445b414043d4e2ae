"""Opening and closing the vote: organisers' decisions and the calendar (periodic task)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from participation.errors import Conflict, NotAllowed
from participation.models import Axis, Phase, Process, User
from participation.notifications import notify_followers_phase_opened
from votes import permissions
from votes.models import Result, VotingState
from votes.services.locks import lock_axis


def voting_close(*, actor: User, axis: Axis) -> VotingState:
    """Close the vote of an axis now (an organiser's decision, before the phase ends)."""
    if not permissions.can_manage_voting(actor, axis.process):
        raise NotAllowed(_("Only an organiser of this process can close the vote."))
    phase = permissions.voting_phase(axis.process)
    if phase is None or phase.starts_at > timezone.now():
        raise Conflict(_("Voting on this axis has not started yet."))
    with transaction.atomic():
        lock_axis(axis.pk)
        state, _created = VotingState.objects.get_or_create(axis=axis)
        if state.closed_at is not None:
            raise Conflict(_("Voting on this axis is already closed."))
        state.closed_at = timezone.now()
        state.closed_by = actor
        state.save(update_fields=["closed_at", "closed_by"])
    return state


def voting_reopen(*, actor: User, axis: Axis) -> VotingState:
    """Undo an early close while the phase still runs and no result was computed."""
    if not permissions.can_manage_voting(actor, axis.process):
        raise NotAllowed(_("Only an organiser of this process can reopen the vote."))
    phase = permissions.voting_phase(axis.process)
    if phase is None or not phase.is_open():
        raise Conflict(_("The voting phase is over: the vote cannot be reopened."))
    with transaction.atomic():
        lock_axis(axis.pk)
        state = VotingState.objects.filter(axis=axis, closed_at__isnull=False).first()
        if state is None:
            raise Conflict(_("Voting on this axis is not closed."))
        if Result.objects.filter(axis=axis).exists():
            raise Conflict(_("Results were computed: the vote cannot be reopened."))
        state.closed_at = None
        state.closed_by = None
        state.save(update_fields=["closed_at", "closed_by"])
    return state


@dataclass
class PhaseChanges:
    opened: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)


def _announce_opening(process: Process, axes: list[Axis], now: datetime) -> list[int]:
    opened = []
    with transaction.atomic():
        for axis in axes:
            lock_axis(axis.pk)
            state, _created = VotingState.objects.get_or_create(axis=axis)
            if state.opened_at is None and state.closed_at is None:
                state.opened_at = now
                state.save(update_fields=["opened_at"])
                opened.append(axis.pk)
        phase = permissions.voting_phase(process)
        if not opened or not process.is_published or phase is None:
            return opened
        # Followers of the process and of its proposals (authors follow theirs), told once
        # whichever task gets there first.
        notify_followers_phase_opened(process=process, phase=phase)
    return opened


def _close_at_phase_end(axis: Axis, now: datetime) -> bool:
    with transaction.atomic():
        lock_axis(axis.pk)
        state, _created = VotingState.objects.get_or_create(axis=axis)
        if state.closed_at is not None:
            return False
        state.closed_at = now
        state.save(update_fields=["closed_at"])
        return True


def voting_phases_update(*, now: datetime | None = None) -> PhaseChanges:
    """Notice voting phases that opened (announce them) or ended (close their axes)."""
    now = now or timezone.now()
    changes = PhaseChanges()
    voting = Q(process__phases__kind=Phase.Kind.VOTING)
    not_announced = Q(voting_state__isnull=True) | Q(
        voting_state__opened_at__isnull=True, voting_state__closed_at__isnull=True
    )
    opening = (
        Axis.objects.filter(
            voting,
            not_announced,
            process__phases__starts_at__lte=now,
            process__phases__ends_at__gt=now,
        )
        .select_related("process")
        .order_by("process", "pk")
    )
    by_process: dict[int, list[Axis]] = {}
    for axis in opening:
        by_process.setdefault(axis.process_id, []).append(axis)
    for axes in by_process.values():
        changes.opened += _announce_opening(axes[0].process, axes, now)
    ending = Axis.objects.filter(
        voting,
        Q(voting_state__isnull=True) | Q(voting_state__closed_at__isnull=True),
        process__phases__ends_at__lte=now,
    ).order_by("pk")
    changes.closed = [axis.pk for axis in ending if _close_at_phase_end(axis, now)]
    return changes
