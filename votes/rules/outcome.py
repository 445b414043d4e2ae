"""What a rule returns: the winners in selection order and why each project won or lost."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np

from votes.rules.profile import Profile

Status = Literal[
    "selected",  # chosen by the rule itself
    "selected_in_completion",  # added by the greedy fill after Equal Shares
    "did_not_fit",  # greedy: cost above the budget left when its turn came
    "below_threshold",  # greedy: score under the minimum to be eligible
    "not_reached",  # greedy without skipping: selection stopped before its turn
    "not_affordable",  # Equal Shares: its supporters had too little money left
    "ranked",  # ranking without budget: every project gets a place
]


@dataclass(frozen=True, slots=True)
class Tie:
    """A tie broken: `projects` were equal on the rule's criterion, listed in the order chosen."""

    round: int
    projects: tuple[str, ...]
    broken_by: str


@dataclass(frozen=True, slots=True)
class Round:
    """One selection: the project, what was left of the budget after it, and (Equal Shares)
    the price per unit of utility its supporters paid."""

    number: int
    project_id: str
    cost: Fraction
    budget_left: Fraction
    stage: str
    price: Fraction | None = None


@dataclass(frozen=True, slots=True)
class ProjectResult:
    """The fate of one project, with the figures that explain it.

    `score` is the rule's criterion (supporters, points or rank points; Equal Shares:
    supporters). `budget_left` is the budget remaining when a greedy rule considered it.
    For Equal Shares, `share` is what each supporter paying in full paid (per point for points
    ballots), `paid_all_left` how many supporters paid all they had left, and `supporters_money`
    what its supporters had left when it was rejected.
    """

    project_id: str
    cost: Fraction
    status: Status
    score: Fraction
    round: int | None = None
    budget_left: Fraction | None = None
    share: Fraction | None = None
    paid_all_left: int | None = None
    supporters_money: Fraction | None = None
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of a rule on a profile."""

    rule: str
    winners: tuple[str, ...]
    cost: Fraction
    budget: Fraction
    rounds: tuple[Round, ...]
    projects: Mapping[str, ProjectResult]
    ties: tuple[Tie, ...] = ()
    voter_budget: Fraction | None = None

    @property
    def budget_left(self) -> Fraction:
        """Budget not spent."""
        return self.budget - self.cost


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two outcomes side by side (first, second), on the same profile."""

    spent: tuple[Fraction, Fraction]
    winner_count: tuple[int, int]
    share_of_voters_with_a_winner: tuple[float, float]
    average_winners_per_voter: tuple[float, float]
    average_money_per_voter: tuple[float, float]
    only_in_first: tuple[str, ...]
    only_in_second: tuple[str, ...]


def money(amount: Fraction) -> str:
    """An amount for an explanation: whole units when exact, else two decimals."""
    if amount.denominator == 1:
        return f"{amount.numerator:,}".replace(",", " ")
    return f"{float(amount):,.2f}".replace(",", " ")


def compare_outcomes(profile: Profile, first: Outcome, second: Outcome) -> Comparison:
    """Compare two outcomes: money spent, winners, share of voters who supported at least one
    winner, average number of winners and average money spent per voter on what they
    supported, and the projects only one outcome funds."""
    index = {project_id: i for i, project_id in enumerate(profile.project_ids)}
    costs = np.array([float(cost) for cost in profile.costs])
    voters = profile.ballot_voters()
    supported = profile.ballot_points > 0
    stats = []
    for outcome in (first, second):
        won = np.zeros(profile.project_count, dtype=bool)
        won[[index[project_id] for project_id in outcome.winners]] = True
        hits = won[profile.ballot_projects] & supported
        per_voter = np.bincount(voters[hits], minlength=profile.voter_count)
        per_voter_money = np.bincount(
            voters[hits],
            weights=costs[profile.ballot_projects[hits]],
            minlength=profile.voter_count,
        )
        count = max(profile.voter_count, 1)
        stats.append(
            (
                float(np.count_nonzero(per_voter)) / count,
                float(per_voter.sum()) / count,
                float(per_voter_money.sum()) / count,
            )
        )
    first_set, second_set = set(first.winners), set(second.winners)
    return Comparison(
        spent=(first.cost, second.cost),
        winner_count=(len(first.winners), len(second.winners)),
        share_of_voters_with_a_winner=(stats[0][0], stats[1][0]),
        average_winners_per_voter=(stats[0][1], stats[1][1]),
        average_money_per_voter=(stats[0][2], stats[1][2]),
        only_in_first=tuple(p for p in first.winners if p not in second_set),
        only_in_second=tuple(p for p in second.winners if p not in first_set),
    )
