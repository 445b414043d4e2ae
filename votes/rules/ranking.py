"""A plain ranking by votes, points or Borda count, for consultations without a budget."""

from __future__ import annotations

from fractions import Fraction
from itertools import groupby
from typing import Literal

from votes.rules.greedy import SCORE_WORDS
from votes.rules.outcome import Outcome, ProjectResult, Round, Tie
from votes.rules.profile import Profile
from votes.rules.scores import (
    TIE_BREAKING_NAMES,
    TieBreaking,
    display_score,
    project_scores,
    tie_key,
)

RankingMethod = Literal["votes", "points", "borda"]


def ranking(
    profile: Profile,
    *,
    method: RankingMethod = "votes",
    tie_breaking: TieBreaking = "lexicographic",
) -> Outcome:
    """Every project, best first: by number of supporters ("votes"), by total points
    ("points": points ballots, or k, k-1, ..., 1 by rank), or by Borda count ("borda":
    m-1 points for a first place among m projects). The budget plays no part; `cost` is the
    total cost of all projects."""
    if method == "votes":
        scores = profile.supporter_counts()
        word = "supporters"
    elif method in ("points", "borda"):
        scores = project_scores(profile, "descending" if method == "points" else "borda")
        word = SCORE_WORDS[profile.kind] if method == "points" else "Borda points"
    else:
        raise ValueError(f"unknown ranking method {method!r}")
    key = tie_key(profile, tie_breaking, profile.supporter_counts())
    order = sorted(range(profile.project_count), key=lambda p: (-int(scores[p]), *key(p)))
    ids, costs = profile.project_ids, profile.costs
    ties, results, rounds = [], {}, []
    for _, tied in groupby(order, key=lambda p: int(scores[p])):
        group = list(tied)
        if len(group) > 1:
            ties.append(
                Tie(len(rounds) + 1, tuple(ids[p] for p in group), TIE_BREAKING_NAMES[tie_breaking])
            )
        for p in group:
            place = len(rounds) + 1
            score = (
                display_score(profile, int(scores[p]))
                if method == "points"
                else Fraction(int(scores[p]))
            )
            rounds.append(Round(place, ids[p], costs[p], profile.budget, "ranking"))
            results[ids[p]] = ProjectResult(
                ids[p],
                costs[p],
                "ranked",
                score,
                round=place,
                explanation=f"ranked {place} with {score} {word}",
            )
    return Outcome(
        rule=f"ranking ({method})",
        winners=tuple(ids[p] for p in order),
        cost=sum(costs, Fraction(0)),
        budget=profile.budget,
        rounds=tuple(rounds),
        projects={project_id: results[project_id] for project_id in ids},
        ties=tuple(ties),
    )
