"""Computing results from a closed vote, and publishing them."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participation.errors import Conflict, NotAllowed
from participation.models import Axis, Process, User
from participation.notifications import notify_results_published
from participation.ratelimit import check_rate
from votes import permissions, results, selectors
from votes.models import Result, VotingState
from votes.services.locks import lock_axis


class CountMismatch(Conflict):
    """Voter records and ballots of an axis disagree: nothing may be computed or published."""

    code = "count_mismatch"


def _check_counts(axis: Axis) -> selectors.BallotCounts:
    counts = selectors.ballot_counts(axis=axis)
    if not counts.agree:
        raise CountMismatch(
            _(
                "%(voters)d people voted on this axis but there are %(ballots)d ballots: the "
                "results cannot be computed or published. Run `check_ballots` and contact the "
                "administrators."
            )
            % {"voters": counts.voters, "ballots": counts.ballots}
        )
    return counts


def _ensure_closed(axis: Axis) -> None:
    if not permissions.voting_is_closed(axis):
        raise Conflict(_("Voting on this axis is still open: close it first."))


def results_compute_request(*, actor: User, axis: Axis) -> None:
    """Queue the computation of an axis' results (an organiser's action, after the close)."""
    from votes.tasks import compute_results

    if not permissions.can_manage_voting(actor, axis.process):
        raise NotAllowed(_("Only an organiser of this process can compute the results."))
    check_rate(user_id=actor.pk, action="organiser")
    _ensure_closed(axis)
    _check_counts(axis)
    transaction.on_commit(lambda: compute_results.delay(axis.pk))


def result_compute(*, axis_id: int) -> Result:
    """Compute and store the result of a closed axis (idempotent: same input, same Result)."""
    axis = Axis.objects.select_related("process", "voting_state").get(pk=axis_id)
    _ensure_closed(axis)
    with transaction.atomic():
        # The axis lock waits for casts still writing (see the module docstring), and the
        # close is recorded if only the calendar had closed the vote so far.
        lock_axis(axis.pk)
        state, _created = VotingState.objects.get_or_create(axis=axis)
        if state.closed_at is None:
            state.closed_at = timezone.now()
            state.save(update_fields=["closed_at"])
        counts = _check_counts(axis)
        election = results.election_input(axis=axis)
        if len(election.ballots) != counts.ballots:
            raise CountMismatch(_("Ballots changed during the computation: try again."))
        digest = results.input_hash(election)
        existing = Result.objects.filter(axis=axis, rule=election.rule, input_hash=digest).first()
        if existing is not None:
            return existing
        outcome = results.outcome_compute(election)
        export = results.pabulib_text(axis=axis, election=election, winners=outcome["winners"])
        outcome["turnout"] = {
            "voters": counts.voters,
            "eligible": selectors.census_size(process=axis.process)
            if axis.process.eligibility == Process.Eligibility.CENSUS
            else None,
        }
        result, _created = Result.objects.get_or_create(
            axis=axis,
            rule=election.rule,
            input_hash=digest,
            defaults={
                "options": election.options,
                "outcome": outcome,
                "engine_version": results.ENGINE_VERSION,
                "export_sha256": hashlib.sha256(export.encode()).hexdigest(),
                "voter_count": counts.voters,
                "ballot_count": counts.ballots,
            },
        )
    return result


def rules_compare(*, actor: User, axis: Axis) -> dict:
    """Greedy and Equal Shares side by side on a closed axis, before publishing (organisers).

    Nothing is written: the comparison helps choose the axis' rule."""
    if not permissions.can_manage_voting(actor, axis.process):
        raise NotAllowed(_("Only an organiser of this process can compare the result rules."))
    _ensure_closed(axis)
    _check_counts(axis)
    election = results.election_input(axis=axis)
    return results.rules_comparison(election, completion=axis.completion)


def result_publish(*, actor: User, result: Result) -> Result:
    """Publish a reviewed result and notify the axis' voters (in the same transaction)."""
    axis = result.axis
    if not permissions.can_manage_voting(actor, axis.process):
        raise NotAllowed(_("Only an organiser of this process can publish the results."))
    with transaction.atomic():
        axis = lock_axis(axis.pk)
        result = Result.objects.select_for_update().get(pk=result.pk)
        if Result.objects.filter(axis=axis, published_at__isnull=False).exists():
            raise Conflict(_("The results of this axis are already published."))
        _ensure_closed(axis)
        counts = _check_counts(axis)
        election = results.election_input(axis=axis)
        if counts.voters != result.voter_count or results.input_hash(election) != result.input_hash:
            raise Conflict(_("The ballots changed since this result was computed: compute again."))
        result.published_at = timezone.now()
        result.published_by = actor
        result.save(update_fields=["published_at", "published_by"])
        # Voters, and followers of the process or of its proposals, each told once.
        notify_results_published(axis=axis)
    return result
