"""Project scores (supporters, points, rank points) and the tie-breaking orders."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Literal

import numpy as np

from votes.rules.profile import Profile

# How ranking ballots become points: "approval" gives 1 to every ranked project;
# "descending" gives k, k-1, ..., 1 where k is the longest ballot (Kraków: 3, 2, 1);
# "borda" gives m-1, m-2, ... where m is the number of projects; a sequence gives the points
# of rank 1, 2, ... explicitly (ranks beyond it get 0).
RankPoints = Literal["approval", "descending", "borda"] | Sequence[int]
TieBreaking = Literal["lexicographic", "cost_then_votes"]

TIE_BREAKING_NAMES: dict[str, str] = {
    "lexicographic": "project id, in lexicographic order",
    "cost_then_votes": "lowest cost, then most supporters, then project id",
}


def entry_points(profile: Profile, rank_points: RankPoints = "descending") -> np.ndarray:
    """The points each ballot entry gives its project (scaled integers for points ballots)."""
    if profile.kind != "ranking":
        return profile.ballot_points
    ranks = profile.ballot_ranks()
    if rank_points == "approval":
        return np.ones_like(ranks)
    if rank_points == "descending":
        longest = int(np.diff(profile.ballot_starts).max(initial=0))
        return longest - ranks
    if rank_points == "borda":
        return profile.project_count - 1 - ranks
    if isinstance(rank_points, str):
        raise ValueError(f"unknown rank points scheme {rank_points!r}")
    table = np.zeros(int(ranks.max(initial=0)) + 1, dtype=np.int64)
    given = np.asarray(list(rank_points), dtype=np.int64)[: len(table)]
    table[: len(given)] = given
    return table[ranks]


def project_scores(profile: Profile, rank_points: RankPoints = "descending") -> np.ndarray:
    """Each project's score: supporters (approval), total points, or total rank points.

    Exact integers; divide by `profile.points_scale` for points ballots.
    """
    # np.bincount would sum in float64; add.at keeps integers exact whatever their size.
    scores = np.zeros(profile.project_count, dtype=np.int64)
    np.add.at(scores, profile.ballot_projects, entry_points(profile, rank_points))
    return scores


def tie_key(
    profile: Profile, tie_breaking: TieBreaking, supporters: np.ndarray
) -> Callable[[int], tuple[object, ...]]:
    """Sort key on project indices that breaks ties, best first.

    "lexicographic" is pabutools' default: project ids compared as strings ("10" < "9").
    """
    ids = profile.project_ids
    if tie_breaking == "lexicographic":
        return lambda p: (ids[p],)
    if tie_breaking == "cost_then_votes":
        costs = profile.costs
        return lambda p: (costs[p], -int(supporters[p]), ids[p])
    raise ValueError(f"unknown tie-breaking {tie_breaking!r}")


def display_score(profile: Profile, score: int) -> Fraction:
    """A scaled integer score back in points."""
    return Fraction(score, profile.points_scale if profile.kind == "points" else 1)
