"""The greedy rule most cities use: most supported first, while the budget lasts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import groupby

from votes.rules.outcome import Outcome, ProjectResult, Round, Status, Tie, money
from votes.rules.profile import Amount, Profile, exact
from votes.rules.scores import (
    TIE_BREAKING_NAMES,
    RankPoints,
    TieBreaking,
    display_score,
    project_scores,
    tie_key,
)

SCORE_WORDS = {"approval": "supporters", "points": "points", "ranking": "rank points"}


def greedy(
    profile: Profile,
    *,
    rank_points: RankPoints = "descending",
    skip: bool = True,
    threshold: Amount | None = None,
    tie_breaking: TieBreaking = "lexicographic",
) -> Outcome:
    """Select projects by decreasing score (supporters, points, or rank points), each one
    that still fits the budget.

    With `skip=False` the selection stops at the first project that does not fit (Wrocław's
    "greedy-no-skip"). A project whose score is below `threshold` (in votes or points) is not
    eligible. Equal scores are ordered by `tie_breaking`; the default is pabutools' (project
    ids compared as strings), so that on approval ballots this equals pabutools'
    `greedy_utilitarian_welfare` with `Cost_Sat` (up to the place of zero-cost projects, which
    pabutools puts last and this rule ranks by their score like any other).
    """
    scores = project_scores(profile, rank_points)
    key = tie_key(profile, tie_breaking, profile.supporter_counts())
    order = sorted(range(profile.project_count), key=lambda p: (-int(scores[p]), *key(p)))
    minimum = None if threshold is None else exact(threshold)
    eligible = [
        minimum is None or display_score(profile, int(scores[p])) >= minimum
        for p in range(profile.project_count)
    ]
    groups = [list(group) for _, group in groupby(order, key=lambda p: int(scores[p]))]
    pass_ = FundingPass(profile, [display_score(profile, int(s)) for s in scores], skip)
    for group in groups:
        competing = [p for p in group if eligible[p]]
        if len(competing) > 1:
            pass_.tie(competing, TIE_BREAKING_NAMES[tie_breaking])
        for p in group:
            if eligible[p]:
                pass_.consider(p, "selected")
            else:
                pass_.reject(p, "below_threshold", f"below the threshold of {minimum}")
    name = "greedy" if skip else "greedy-no-skip"
    return pass_.outcome(name if minimum is None else f"{name} (threshold {minimum})")


@dataclass
class FundingPass:
    """Walks projects in order, funding each that fits; shared by greedy and completions."""

    profile: Profile
    scores: Sequence[Fraction]
    skip: bool = True

    def __post_init__(self) -> None:
        self.budget_left = self.profile.budget
        self.winners: list[str] = []
        self.rounds: list[Round] = []
        self.results: dict[str, ProjectResult] = {}
        self.ties: list[Tie] = []
        self.stopped_at: str | None = None
        self.word = SCORE_WORDS[self.profile.kind]

    def start_from(
        self, outcome_rounds: Sequence[Round], results: dict[str, ProjectResult]
    ) -> None:
        """Continue after projects already funded (the greedy fill after Equal Shares)."""
        self.rounds = list(outcome_rounds)
        self.winners = [r.project_id for r in outcome_rounds]
        self.results = dict(results)
        spent = sum((r.cost for r in outcome_rounds), Fraction(0))
        self.budget_left = self.profile.budget - spent

    def tie(self, projects: Sequence[int], broken_by: str) -> None:
        """Record that these projects tied, in the order chosen."""
        ids = tuple(self.profile.project_ids[p] for p in projects)
        self.ties.append(Tie(round=len(self.winners) + 1, projects=ids, broken_by=broken_by))

    def consider(self, p: int, status: Status) -> None:
        """Fund project p if it fits (and selection has not stopped), else record why not."""
        project_id, cost = self.profile.project_ids[p], self.profile.costs[p]
        if self.stopped_at is not None:
            reason = f"not reached: the selection stopped at project {self.stopped_at}"
            self.reject(p, "not_reached", reason)
        elif cost <= self.budget_left:
            self.budget_left -= cost
            self.winners.append(project_id)
            number = len(self.winners)
            stage = "greedy" if status == "selected" else "completion"
            self.rounds.append(Round(number, project_id, cost, self.budget_left, stage))
            self.results[project_id] = ProjectResult(
                project_id=project_id,
                cost=cost,
                status=status,
                score=self.scores[p],
                round=number,
                budget_left=self.budget_left + cost,
                explanation=(
                    f"{'selected' if status == 'selected' else 'added by the greedy completion'}"
                    f" in round {number} with {self.scores[p]} {self.word}: its cost"
                    f" {money(cost)} fitted the budget left, {money(self.budget_left + cost)}"
                ),
            )
        else:
            reason = f"did not fit the remaining budget of {money(self.budget_left)}"
            self.reject(p, "did_not_fit", reason)
            if not self.skip:
                self.stopped_at = project_id

    def reject(self, p: int, status: Status, reason: str) -> None:
        """Record why project p is not funded (after what an earlier stage said of it)."""
        project_id = self.profile.project_ids[p]
        previous = self.results.get(project_id)
        if previous is not None and previous.explanation:
            reason = f"{previous.explanation}; then {reason}"
        self.results[project_id] = ProjectResult(
            project_id=project_id,
            cost=self.profile.costs[p],
            status=status,
            score=self.scores[p] if previous is None else previous.score,
            budget_left=self.budget_left,
            supporters_money=None if previous is None else previous.supporters_money,
            explanation=f"{reason} (cost {money(self.profile.costs[p])})",
        )

    def outcome(self, rule: str, voter_budget: Fraction | None = None) -> Outcome:
        """The outcome so far, projects in the profile's order."""
        ordered = {
            pid: self.results[pid] for pid in self.profile.project_ids if pid in self.results
        }
        return Outcome(
            rule=rule,
            winners=tuple(self.winners),
            cost=self.profile.budget - self.budget_left,
            budget=self.profile.budget,
            rounds=tuple(self.rounds),
            projects=ordered,
            ties=tuple(self.ties),
            voter_budget=voter_budget,
        )
