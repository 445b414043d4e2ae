"""The input of every rule: projects with exact costs, a budget and the voters' ballots.

Money is kept exact: costs and budget are Fractions, and the rules work on integers obtained by
multiplying every amount by `money_scale` (the common denominator: 100 for costs in cents).
Ballots are stored once as NumPy arrays in compressed rows (one row per voter).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import chain
from typing import Literal

import numpy as np

from votes.pabulib import BallotArrays, Election, ballot_arrays

BallotKind = Literal["approval", "points", "ranking"]
Amount = int | Fraction | Decimal | str

# Pabulib vote types and the kind of ballot they carry.
_KIND_OF_VOTE_TYPE: dict[str, BallotKind] = {
    "approval": "approval",
    "choose-1": "approval",
    "cumulative": "points",
    "scoring": "points",
    "ordinal": "ranking",
}


def exact(amount: Amount | float) -> Fraction:
    """An amount as an exact Fraction (a float is read as the decimal it prints as)."""
    if isinstance(amount, float):
        return Fraction(repr(amount))
    return Fraction(amount)


@dataclass(frozen=True, eq=False)
class Profile:
    """Projects, budget and ballots. Build it with `make_profile` or `profile_from_election`.

    `ballot_starts[v]:ballot_starts[v + 1]` is voter v's slice of `ballot_projects` (project
    indices, in rank order for rankings) and of `ballot_points` (scaled integer points for
    points ballots, 1 otherwise).
    """

    project_ids: tuple[str, ...]
    costs: tuple[Fraction, ...]
    budget: Fraction
    kind: BallotKind
    ballot_starts: np.ndarray
    ballot_projects: np.ndarray
    ballot_points: np.ndarray
    points_scale: int = 1
    money_scale: int = field(init=False)
    scaled_costs: tuple[int, ...] = field(init=False)
    scaled_budget: int = field(init=False)

    def __post_init__(self) -> None:
        amounts = (*self.costs, self.budget)
        scale = math.lcm(*(amount.denominator for amount in amounts))
        object.__setattr__(self, "money_scale", scale)
        object.__setattr__(self, "scaled_costs", tuple(int(c * scale) for c in self.costs))
        object.__setattr__(self, "scaled_budget", int(self.budget * scale))

    @property
    def voter_count(self) -> int:
        """Number of voters, empty ballots included (they still receive a share in MES)."""
        return len(self.ballot_starts) - 1

    @property
    def project_count(self) -> int:
        """Number of projects."""
        return len(self.project_ids)

    def ballot_voters(self) -> np.ndarray:
        """For each entry of `ballot_projects`, the voter it belongs to."""
        lengths = np.diff(self.ballot_starts)
        return np.repeat(np.arange(self.voter_count, dtype=np.int64), lengths)

    def ballot_ranks(self) -> np.ndarray:
        """For each entry of `ballot_projects`, its 0-based position in the voter's ballot."""
        positions = np.arange(len(self.ballot_projects), dtype=np.int64)
        return positions - np.repeat(self.ballot_starts[:-1], np.diff(self.ballot_starts))

    def supporter_counts(self) -> np.ndarray:
        """Number of voters naming each project (with positive points, for points ballots)."""
        named = self.ballot_points > 0
        return np.bincount(self.ballot_projects[named], minlength=self.project_count)


def make_profile(
    *,
    projects: Sequence[tuple[str, Amount]],
    budget: Amount,
    ballots: Sequence[Sequence[str]],
    points: Sequence[Sequence[Amount]] | None = None,
    kind: BallotKind = "approval",
) -> Profile:
    """Build a profile from (project id, cost) pairs and ballots naming project ids.

    `points` (one list per ballot, aligned with it) is required for `kind="points"` and
    refused otherwise. For `kind="ranking"` each ballot lists projects best first.
    """
    project_ids = tuple(project_id for project_id, _ in projects)
    index = {project_id: i for i, project_id in enumerate(project_ids)}
    if len(index) != len(project_ids):
        raise ValueError("project ids must be unique")
    costs = tuple(exact(cost) for _, cost in projects)
    if any(cost < 0 for cost in costs) or exact(budget) < 0:
        raise ValueError("costs and budget must not be negative")
    if (points is None) == (kind == "points"):
        raise ValueError("points are required for points ballots, and only for them")
    starts = np.zeros(len(ballots) + 1, dtype=np.int64)
    np.cumsum(list(map(len, ballots)), out=starts[1:])
    flat = _project_indices(ballots, index, starts)
    scaled_points, points_scale = _scaled_points(points, ballots)
    return Profile(
        project_ids=project_ids,
        costs=costs,
        budget=exact(budget),
        kind=kind,
        ballot_starts=starts,
        ballot_projects=np.array(flat, dtype=np.int64),
        ballot_points=scaled_points,
        points_scale=points_scale,
    )


def _project_indices(
    ballots: Sequence[Sequence[str]], index: dict[str, int], starts: np.ndarray
) -> np.ndarray:
    """All the ballots' projects as indices, in order; ValueError for an unknown project or a
    project named twice in a ballot.

    The checks run on whole arrays (ballots number up to 100,000); only when one fails are the
    ballots gone through one by one, to report the first faulty one.
    """
    try:
        named = map(index.__getitem__, chain.from_iterable(ballots))
        flat = np.fromiter(named, dtype=np.int64, count=int(starts[-1]))
    except (KeyError, TypeError):
        return _checked_project_indices(ballots, index)
    # A ballot names a project twice if a (voter, project) pair comes twice.
    voters = np.repeat(np.arange(len(ballots), dtype=np.int64), np.diff(starts))
    pairs = np.sort(voters * len(index) + flat)
    if (pairs[1:] == pairs[:-1]).any():
        return _checked_project_indices(ballots, index)
    return flat


def _checked_project_indices(ballots: Sequence[Sequence[str]], index: dict[str, int]) -> np.ndarray:
    flat: list[int] = []
    for ballot in ballots:
        if len(set(ballot)) != len(ballot):
            raise ValueError(f"a ballot names a project twice: {list(ballot)}")
        try:
            flat.extend(index[project_id] for project_id in ballot)
        except KeyError as error:
            raise ValueError(f"a ballot names an unknown project: {error.args[0]!r}") from None
    return np.array(flat, dtype=np.int64)


def _scaled_points(
    points: Sequence[Sequence[Amount]] | None, ballots: Sequence[Sequence[str]]
) -> tuple[np.ndarray, int]:
    """Points as integers times a common scale (1 point per entry when there are none)."""
    if points is None:
        return np.ones(sum(map(len, ballots)), dtype=np.int64), 1
    if list(map(len, points)) != list(map(len, ballots)):  # then find the first faulty ballot
        for ballot, ballot_points in zip(ballots, points, strict=True):
            if len(ballot) != len(ballot_points):
                raise ValueError("each ballot needs exactly one points value per project")
    return _scaled(list(chain.from_iterable(points)))


def _scaled(flat: list[Amount]) -> tuple[np.ndarray, int]:
    """Points as integers times their common scale; ValueError if one is negative."""
    try:  # the usual case, whole points, without building a Fraction per value
        whole = list(map(int, flat))
        if whole == flat:
            return _non_negative(np.array(whole, dtype=np.int64)), 1
    except (TypeError, ValueError):
        pass
    exact_points = [exact(value) for value in flat]
    scale = math.lcm(1, *{value.denominator for value in exact_points})
    scaled = np.array([int(value * scale) for value in exact_points], dtype=np.int64)
    return _non_negative(scaled), scale


def _non_negative(points: np.ndarray) -> np.ndarray:
    if (points < 0).any():
        raise ValueError("points must not be negative")
    return points


def profile_from_election(election: Election) -> Profile:
    """The profile of a Pabulib election: approval and choose-1 ballots are approvals,
    cumulative and scoring ballots are points, ordinal ballots are rankings."""
    kind = _KIND_OF_VOTE_TYPE[election.vote_type]
    arrays = ballot_arrays(election)
    if arrays is not None:
        return _profile_from_arrays(election, kind, arrays)
    with_points = kind == "points"
    return make_profile(
        projects=[(project.project_id, project.cost) for project in election.projects],
        budget=election.budget,
        ballots=[vote.projects for vote in election.votes],
        points=[vote.points or () for vote in election.votes] if with_points else None,
        kind=kind,
    )


def _profile_from_arrays(election: Election, kind: BallotKind, arrays: BallotArrays) -> Profile:
    """What `make_profile` gives, from the arrays the parser made while checking the file as
    `make_profile` does (unique project ids, known projects named once per ballot, costs and
    budget not negative), without building the votes."""
    if arrays.points is None:
        points, points_scale = np.ones(len(arrays.projects), dtype=np.int64), 1
    else:
        points, points_scale = _scaled(arrays.points)
    return Profile(
        project_ids=tuple(project.project_id for project in election.projects),
        costs=tuple(exact(project.cost) for project in election.projects),
        budget=exact(election.budget),
        kind=kind,
        # Copies: the election keeps its arrays for the next profile.
        ballot_starts=arrays.starts.copy(),
        ballot_projects=arrays.projects.copy(),
        ballot_points=points,
        points_scale=points_scale,
    )
