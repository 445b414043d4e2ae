"""The Method of Equal Shares (equalshares.net), with its completions."""

from __future__ import annotations

from fractions import Fraction
from itertools import groupby
from typing import Literal

import numpy as np

from votes.rules.budget_increase import raise_budgets
from votes.rules.equal_shares_run import EqualSharesInput, EqualSharesRun
from votes.rules.greedy import FundingPass
from votes.rules.outcome import Outcome, ProjectResult, Round, Tie, money
from votes.rules.profile import Profile
from votes.rules.scores import TIE_BREAKING_NAMES, RankPoints, TieBreaking, tie_key

Completion = Literal["none", "add1", "add1_until_overspend"]
Utility = Literal["cost", "points"]


def equal_shares(
    profile: Profile,
    *,
    completion: Completion = "add1",
    greedy_fill: bool | None = None,
    utility: Utility | None = None,
    rank_points: RankPoints = "descending",
    tie_breaking: TieBreaking = "lexicographic",
) -> Outcome:
    """The Method of Equal Shares: each voter gets an equal share of the budget and projects
    are bought, cheapest per unit of utility first, by the supporters who can still pay.

    `utility` defaults to "cost" (a supporter's utility for a project is its cost: pabutools'
    `Cost_Sat`; ranked projects count as approved) and to "points" for points ballots
    (`Additive_Cardinal_Sat`; rankings use `rank_points`). Completions: "add1" raises every
    voter's budget one currency unit at a time until the outcome uses the budget up, keeping
    the last one that fits (pabutools' `voter_budget_increment=1`); "add1_until_overspend"
    keeps raising while the outcome still fits (Wieliczka 2023). `greedy_fill` (default: on
    with a completion) then adds what still fits, by utility per cost, as equalshares.net
    does. Ties go to the first project in `tie_breaking` order (pabutools' default: ids).
    """
    chosen_utility: Utility = utility or ("points" if profile.kind == "points" else "cost")
    data = EqualSharesInput(profile, chosen_utility, tie_order(profile, tie_breaking), rank_points)
    if completion == "none":
        voter_budget = Fraction(profile.scaled_budget, max(profile.voter_count, 1))
        run = EqualSharesRun(data, voter_budget).run()
    elif completion in ("add1", "add1_until_overspend"):
        until_overspend = completion == "add1_until_overspend"
        run = raise_budgets(data, until_overspend=until_overspend).run
    else:
        raise ValueError(f"unknown completion {completion!r}")
    fill = completion != "none" if greedy_fill is None else greedy_fill
    name = "equal_shares" if completion == "none" else f"equal_shares/{completion}"
    return _outcome(run, tie_breaking, fill, name + ("+greedy" if fill else ""))


def tie_order(profile: Profile, tie_breaking: TieBreaking) -> tuple[int, ...]:
    """Each project's rank in the tie-breaking order (0 is chosen first)."""
    key = tie_key(profile, tie_breaking, profile.supporter_counts())
    order = sorted(range(profile.project_count), key=key)
    ranks = [0] * profile.project_count
    for rank, p in enumerate(order):
        ranks[p] = rank
    return tuple(ranks)


def _outcome(run: EqualSharesRun, tie_breaking: TieBreaking, fill: bool, name: str) -> Outcome:
    """Winners in order (projects costing nothing first, as pabutools funds them before the
    first round), each round's price, and why each project won or lost."""
    data, profile = run.data, run.data.profile
    scale = profile.money_scale
    supporters = profile.supporter_counts()
    scores = [Fraction(int(count)) for count in supporters]
    walk = FundingPass(profile, scores)
    walk.start_from(_rounds(run), _results(run, supporters))
    ties = [
        Tie(
            round=_round_of(run, tied[0]),
            projects=tuple(profile.project_ids[p] for p in tied),
            broken_by=TIE_BREAKING_NAMES[tie_breaking],
        )
        for tied in run.ties
    ]
    if fill:
        _fill(walk, data, tie_breaking)
    outcome = walk.outcome(name, voter_budget=run.voter_budget / scale)
    return Outcome(
        rule=outcome.rule,
        winners=outcome.winners,
        cost=outcome.cost,
        budget=outcome.budget,
        rounds=outcome.rounds,
        projects=outcome.projects,
        ties=tuple(ties) + outcome.ties,
        voter_budget=outcome.voter_budget,
    )


def _exact_rhos(run: EqualSharesRun) -> list[Fraction]:
    return [run.exact_rho(t) for t in range(len(run.winners))]


def _round_of(run: EqualSharesRun, p: int) -> int:
    """Projects costing nothing take the first rounds, then the method's winners."""
    free = run.data.free_projects
    if p in free:
        return free.index(p) + 1
    return len(free) + run.winners.index(p) + 1


def _rounds(run: EqualSharesRun) -> list[Round]:
    profile = run.data.profile
    rounds: list[Round] = []
    left = profile.budget
    selected = [(p, None) for p in run.data.free_projects] + list(
        zip(run.winners, _exact_rhos(run), strict=True)
    )
    for number, (p, rho) in enumerate(selected, start=1):
        left -= profile.costs[p]
        price = None if rho is None else _price_in_money(run, rho)
        rounds.append(
            Round(number, profile.project_ids[p], profile.costs[p], left, "equal_shares", price)
        )
    return rounds


def _price_in_money(run: EqualSharesRun, rho: Fraction) -> Fraction:
    """rho in currency per unit of utility (per point, or per currency unit of cost)."""
    profile = run.data.profile
    if run.data.utility == "cost":
        return rho  # utility and money share the same scale: currency per currency
    return rho * profile.points_scale / profile.money_scale


def _results(run: EqualSharesRun, supporters: np.ndarray) -> dict[str, ProjectResult]:
    profile, data = run.data.profile, run.data
    scale = profile.money_scale
    results: dict[str, ProjectResult] = {}
    for p in data.free_projects:
        project_id = profile.project_ids[p]
        results[project_id] = ProjectResult(
            project_id,
            profile.costs[p],
            "selected",
            Fraction(int(supporters[p])),
            round=_round_of(run, p),
            share=Fraction(0),
            paid_all_left=0,
            explanation="selected first: it costs nothing and has supporters",
        )
    for p, rho, price in zip(run.winners, _exact_rhos(run), run.prices, strict=True):
        project_id = profile.project_ids[p]
        share = _price_in_money(run, rho)
        if data.utility == "cost":
            share = rho * profile.scaled_costs[p] / scale
        short = int((~price.full).sum())
        paying = len(price.full) - short
        unit = "" if data.utility == "cost" else " per point"
        results[project_id] = ProjectResult(
            project_id,
            profile.costs[p],
            "selected",
            Fraction(int(supporters[p])),
            round=_round_of(run, p),
            share=share,
            paid_all_left=short,
            explanation=(
                f"selected in round {_round_of(run, p)}: {_supporters(paying)} paid"
                f" {money(share)}{unit} each"
                + (f", {_supporters(short)} paid all they had left" if short else "")
            ),
        )
    selected = set(run.winners) | set(data.free_projects)
    for p in range(profile.project_count):
        if p in selected:
            continue
        project_id = profile.project_ids[p]
        supported = len(data.supporters[p]) > 0
        left = run.exact_total(data.supporters[p]) / scale if supported else Fraction(0)
        cost = money(profile.costs[p])
        results[project_id] = ProjectResult(
            project_id,
            profile.costs[p],
            "not_affordable",
            Fraction(int(supporters[p])),
            supporters_money=left,
            explanation=(
                f"its supporters had only {money(left)} left of the {cost} it costs"
                if supported
                else "nobody supports it"
            ),
        )
    return results


def _supporters(count: int) -> str:
    return f"{count} supporter" + ("s" if count != 1 else "")


def _fill(walk: FundingPass, data: EqualSharesInput, tie_breaking: TieBreaking) -> None:
    """Greedy completion by utility per cost, as pabutools' `greedy_utilitarian_welfare`
    with the same satisfaction: supporters for cost utilities, points per cost for points.
    A project costing nothing comes first if anyone gets utility from it (last otherwise,
    as its cost utility is zero)."""
    profile = data.profile
    selected = set(walk.winners)
    ranks = tie_order(profile, tie_breaking)

    def density(p: int) -> tuple[int, Fraction]:
        total = int(data.utilities[p].sum())
        cost = profile.scaled_costs[p]
        if total == 0:
            return (1, Fraction(0))
        if cost == 0:
            return (0, Fraction(0))
        return (1, -Fraction(total, cost))

    left = [p for p in range(profile.project_count) if profile.project_ids[p] not in selected]
    order = sorted(left, key=lambda p: (density(p), ranks[p]))
    for _, tied in groupby(order, key=density):
        group = list(tied)
        if len(group) > 1:
            walk.tie(group, TIE_BREAKING_NAMES[tie_breaking])
        for p in group:
            walk.consider(p, "selected_in_completion")
