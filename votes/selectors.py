"""Reads about ballots, voter records and results that pages and API share."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from participation.models import Axis, Process, User
from proposals.models import Proposal
from votes.ballots import BallotProposal
from votes.census import identifier_hash
from votes.models import Ballot, CensusEntry, Result, VoterRecord
from votes.receipts import receipt_hash


def ballot_proposals(*, axis: Axis) -> dict[int, BallotProposal]:
    """The proposals on the axis' ballot (selected for the vote), by id, in title order."""
    proposals = (
        Proposal.objects.filter(axis=axis, selected_for_vote=True, status=Proposal.Status.PUBLISHED)
        .select_related("evaluation")
        .order_by("title", "pk")
    )
    return {
        proposal.pk: BallotProposal(id=proposal.pk, title=proposal.title, cost=proposal.vote_cost)
        for proposal in proposals
    }


def voter_record_get(*, axis: Axis, voter: User | None) -> VoterRecord | None:
    """This participant's record on the axis, online or recorded by a mediator via the census."""
    if voter is None or not voter.is_authenticated:
        return None
    condition = Q(voter=voter)
    entry = CensusEntry.objects.filter(process_id=axis.process_id, user=voter).first()
    if entry is not None:
        condition |= Q(person_hash=entry.identifier_hash)
    return VoterRecord.objects.filter(condition, axis=axis).first()


def ballot_by_receipt(*, code: str) -> Ballot | None:
    """The ballot this receipt code belongs to, with its axis and process (None if unknown)."""
    try:
        digest = receipt_hash(code)
    except ValueError:
        return None
    return Ballot.objects.select_related("axis__process").filter(receipt_hash=digest).first()


@dataclass(frozen=True)
class BallotCounts:
    """Voter records and ballots of an axis: they must always be equal."""

    voters: int
    ballots: int

    @property
    def agree(self) -> bool:
        return self.voters == self.ballots


def _count_of(model: type[VoterRecord] | type[Ballot]) -> Coalesce:
    rows = (
        model.objects.filter(axis=OuterRef("pk"))
        .order_by()
        .values("axis")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def ballot_counts_by_axis(*, axes: QuerySet[Axis]) -> dict[int, BallotCounts]:
    """Voter records and ballots per axis, counted in one statement (so in one snapshot: a
    ballot cast or changed meanwhile is either wholly in both counts or in neither)."""
    rows = (
        Axis.objects.filter(pk__in=axes.values("pk"))
        .annotate(n_voters=_count_of(VoterRecord), n_ballots=_count_of(Ballot))
        .values_list("pk", "n_voters", "n_ballots")
    )
    return {pk: BallotCounts(voters=voters, ballots=ballots) for pk, voters, ballots in rows}


def ballot_counts(*, axis: Axis) -> BallotCounts:
    """Voter records and ballots of one axis, counted in one snapshot."""
    counts = ballot_counts_by_axis(axes=Axis.objects.filter(pk=axis.pk))
    return counts.get(axis.pk, BallotCounts(voters=0, ballots=0))


def census_size(*, process: Process) -> int:
    return CensusEntry.objects.filter(process=process).count()


def census_entry_find(*, process: Process, identifier: str) -> CensusEntry | None:
    return CensusEntry.objects.filter(
        process=process, identifier_hash=identifier_hash(process, identifier)
    ).first()


def result_published(*, axis: Axis) -> Result | None:
    """The published result of an axis, if any."""
    return Result.objects.filter(axis=axis, published_at__isnull=False).first()


def results_published(*, process: Process) -> dict[int, Result]:
    """Published results of a process' axes, by axis id (one query)."""
    results = Result.objects.filter(axis__process=process, published_at__isnull=False)
    return {result.axis_id: result for result in results}


def results_of_axis(*, axis: Axis) -> QuerySet[Result]:
    """Every computed result of an axis, newest first (for the organisers' review)."""
    return Result.objects.filter(axis=axis).select_related("published_by").order_by("-computed_at")
