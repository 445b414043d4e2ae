"""Who may vote, record an assisted ballot, or run the vote of an axis — and when.

Each predicate answers for one actor and one axis; the services raise with the reason given by
``vote_refusal`` and the pages use the same predicates to show or hide an action.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from participation.models import Axis, Phase, Process, User
from participation.permissions import is_mediator, is_organiser, is_verified
from votes.models import CensusEntry, VotingState


def voting_phase(process: Process) -> Phase | None:
    """The process' voting phase, if planned (uses prefetched phases when there are)."""
    for phase in process.phases.all():
        if phase.kind == Phase.Kind.VOTING:
            return phase
    return None


def voting_state(axis: Axis) -> VotingState | None:
    """The axis' voting state row, if one was written."""
    try:
        return axis.voting_state
    except VotingState.DoesNotExist:
        return None


def voting_is_open(axis: Axis, now: datetime | None = None) -> bool:
    """Voting runs on this axis: its phase is open by the dates, and nobody closed it."""
    phase = voting_phase(axis.process)
    if phase is None or not phase.is_open(now or timezone.now()):
        return False
    state = voting_state(axis)
    return state is None or state.closed_at is None


def voting_is_closed(axis: Axis, now: datetime | None = None) -> bool:
    """Voting is over: closed by an organiser or by the periodic task at the phase's end."""
    state = voting_state(axis)
    if state is not None and state.closed_at is not None:
        return True
    phase = voting_phase(axis.process)
    return phase is not None and phase.ends_at <= (now or timezone.now())


def census_entry_of(user: User | None, process: Process) -> CensusEntry | None:
    """The residents-list entry this participant claimed in this process, if any."""
    if user is None or not user.is_authenticated:
        return None
    return CensusEntry.objects.filter(process=process, user=user).first()


def eligibility_refusal(user: User | None, process: Process) -> str | None:
    """Why this participant may not vote in this process (whatever the dates), or None."""
    if user is None or not user.is_authenticated:
        return _("Log in to vote.")
    if not is_verified(user):
        if user.is_blocked:
            return _("Your account is blocked: you cannot vote.")
        return _("Confirm your e-mail address to vote: follow the link we sent you.")
    if process.eligibility == Process.Eligibility.CENSUS and census_entry_of(user, process) is None:
        return _(
            "This vote is open to the residents on the list of the organisers: enter your "
            "identifier once to prove you are on it."
        )
    return None


def vote_refusal(user: User | None, axis: Axis, now: datetime | None = None) -> str | None:
    """Why this participant may not vote on this axis now, or None when they may."""
    if not voting_is_open(axis, now):
        return _("Voting on this axis is not open.")
    return eligibility_refusal(user, axis.process)


def can_vote(user: User | None, axis: Axis) -> bool:
    return vote_refusal(user, axis) is None


def can_record_assisted(user: User | None, axis: Axis) -> bool:
    """A mediator of the process, while voting on the axis is open."""
    return is_mediator(user, axis.process) and voting_is_open(axis)


def can_manage_voting(user: User | None, process: Process) -> bool:
    """Close the vote, upload the residents list, compute and publish results."""
    return is_organiser(user, process)
