"""Completing Equal Shares by raising every voter's budget one currency unit at a time.

pabutools' `voter_budget_increment=1` (equalshares.net's "add1"): run the method with budget
B/n per voter, then B/n + 1, B/n + 2, ...; stop at the first outcome that uses up the budget
(no further project fits) and return it, or at the first that overspends and return the one
before. The variant "until overspend" (Wieliczka 2023) only stops at the first overspending
outcome (or once every supported project is funded).

Stepping one unit at a time takes thousands of runs on a large city (Budapest: 22,000), yet
the outcome changes at few budgets. So after each exact run we *prove* that the next steps
give the same outcome, and skip them: the result is identical to stepping by one.

The proof, for an interval of voter budgets [x0, x1] and the winners w_1..w_T found at x0.
Suppose the winners of rounds before t are the same on the whole interval. Then, as the
voter budget grows, every voter's budget before round t grows (never shrinks), the price
`rho` of every round falls, and the set of voters short of a full share only shrinks. Where a
voter has money left, its budget grows at least as fast as the voter budget (slope >= 1).
Following the winners, one float run at x1 gives every budget and price at x1; slopes are
bounded round by round ([lo, hi] per voter, [q_lo, q_hi] for the price), so each budget and
each price lies within `chord + (hi - lo) * width / 4` of the straight line between its values
at x0 and x1. What the supporters of another project p can pay at round t, at the winner's
price, is then bounded by a concave piecewise-linear function of the voter budget whose
maximum is computed exactly; if it stays below p's cost, w_t still wins round t over the
whole interval. After the last round, no project becomes affordable while its supporters'
money at x1 stays below its cost. Floats are used with margins far above their errors; where
margins are too thin to decide (exact ties), nothing is skipped.

Where the outcome changes at almost every step (Toulouse 2024: at 511 of 669), proofs cost
more than they skip; then the runs at consecutive steps are made in batches
(`equal_shares_batch`), or one by one, whichever has cost least per step so far.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from votes.rules.equal_shares_batch import batch_winners
from votes.rules.equal_shares_run import (
    TOLERANCE,
    EqualSharesInput,
    EqualSharesRun,
    float_price,
    utility_sum,
)

# Sizing the proofs (these only change the speed, never the result): up to MAX_ATTEMPTS
# intervals are tried from one start; the next size is SIZE_FACTOR * size / ratio, within a
# factor MAX_SCALE, and an interval that used more than GOOD_ENOUGH of the margins is kept.
MAX_ATTEMPTS = 6
SIZE_FACTOR = 0.9
MAX_SCALE = 8
GOOD_ENOUGH = 0.6
MAX_JUMP = 2**40
# Rivals whose cheap bound used more than TIGHTEN of their margin get the exact bound.
TIGHTEN = 0.3
# When proofs cost more than they save, they are only tried again every RETRY_EVERY steps.
RETRY_EVERY = 16
# Batches of consecutive steps start with FIRST_BATCH budgets and double up to MAX_BATCH.
FIRST_BATCH = 16
MAX_BATCH = 64
# Margin for float errors (about 1e-13 relatively) in what supporters can pay.
RELATIVE_SLACK = 1e-9


@dataclass
class Completion:
    """The run chosen by the budget increase, `step` units above B/n, and the work it took:
    exact runs of the method and float runs used in proofs."""

    run: EqualSharesRun
    step: int
    runs: int
    proof_runs: int = 0


def raise_budgets(
    data: EqualSharesInput, *, until_overspend: bool = False, jump: bool = True
) -> Completion:
    """Raise every voter's budget one currency unit at a time, as pabutools does with
    `voter_budget_increment=1`; with `jump=False`, really step one unit at a time."""
    return _Increase(data, until_overspend).search(jump)


class _Increase:
    """The search over steps. Three ways to go on from a step, whichever costs least per
    step so far (`_Worth`): a recorded run and proofs that the next steps keep its outcome;
    runs in batches of consecutive steps (`batch_winners`); or one run per step."""

    def __init__(self, data: EqualSharesInput, until_overspend: bool) -> None:
        self.data, self.until_overspend = data, until_overspend
        profile = data.profile
        self.start = Fraction(profile.scaled_budget, max(len(data), 1))
        self.unit = profile.money_scale
        self.runs, self.proof_runs = 0, 0
        self.fitting: int | None = None  # the last step whose outcome fits the budget
        self.last_run: EqualSharesRun | None = None  # the exact run at that step, if any

    def budget(self, step: int) -> Fraction:
        return self.start + step * self.unit

    def exact(self, step: int, record: bool = False) -> EqualSharesRun:
        self.runs += 1
        return EqualSharesRun(self.data, self.budget(step), record=record).run()

    def search(self, jump: bool) -> Completion:
        step, size, batch = 0, 1, FIRST_BATCH
        worth = _Worth()
        while True:
            way = worth.way(step) if jump and len(self.data) else "run"
            started = time.perf_counter()
            if way == "batch":
                done = self._batch(step, batch)
                if done:
                    return done
                step += batch
                per_step = (time.perf_counter() - started) / batch
                larger = per_step <= worth.per_step("batch")  # larger batches still pay
                worth.count(way, per_step * batch, batch, step)
                batch = min(2 * batch, MAX_BATCH) if larger else batch
                continue
            run = self.exact(step, record=way == "prove")
            done = self._stop(step, run.winners, run)
            if done:
                return done
            same = 0
            if way == "prove":
                search = _StepSearch(self.data, run)
                same = search.steps_with_same_outcome(size)
                self.proof_runs += search.float_runs
                size = search.first_size or max(size // 2, 1)
            worth.count(way, time.perf_counter() - started, same + 1, step)
            self.fitting = step + same
            self.last_run = run if not same else None
            step += same + 1

    def _batch(self, first: int, count: int) -> Completion | None:
        """Steps first .. first + count - 1 from one batch of runs (exact runs for the
        budgets the batch gave up); the completion if one of them ends the search."""
        budgets = [self.budget(first + i) for i in range(count)]
        for i, winners in enumerate(batch_winners(self.data, budgets)):
            run = None if winners is not None else self.exact(first + i)
            done = self._stop(first + i, run.winners if run else winners, run)
            if done:
                return done
            self.fitting, self.last_run = first + i, run
        return None

    def _stop(
        self, step: int, winners: Sequence[int], run: EqualSharesRun | None
    ) -> Completion | None:
        """The completion if the outcome at `step` ends the search: an outcome that
        overspends gives the last one that fits (its run at the step before, the same
        winners); one that uses the budget up (or, until overspend, funds every supported
        project) is the answer. `run` is the exact run at `step`, if made already."""
        profile, data = self.data.profile, self.data
        spent = sum(profile.scaled_costs[p] for p in winners)
        if spent > profile.scaled_budget and self.fitting is not None:
            return self._completion(step - 1, self.last_run)
        chosen = set(winners)
        left = [p for p in data.candidates if p not in chosen]
        if self.until_overspend:
            finished = not left
        else:
            finished = all(profile.scaled_costs[p] > profile.scaled_budget - spent for p in left)
        if finished or not len(data):
            return self._completion(step, run)
        return None

    def _completion(self, step: int, run: EqualSharesRun | None) -> Completion:
        return Completion(run or self.exact(step), step, self.runs, self.proof_runs)


class _Worth:
    """Which way of going on costs least per step so far: proving, batches of runs or one
    run per step. Where the outcome changes at almost every step, runs are cheaper than
    recording runs and proving; where arrays are small, batches cost less per step than
    single runs. This only changes how fast the answer comes, never the answer. Proofs are
    retried every RETRY_EVERY steps; batches and single runs are each tried once."""

    def __init__(self) -> None:
        self.seconds = {"prove": 0.0, "batch": 0.0, "run": 0.0}
        self.steps = {"prove": 0, "batch": 0, "run": 0}
        self.last_proof = 0

    def way(self, step: int) -> str:
        if not self.steps["prove"] or step - self.last_proof >= RETRY_EVERY:
            return "prove"
        for way in ("batch", "run"):
            if not self.steps[way]:
                return way
        return min(self.steps, key=self.per_step)

    def per_step(self, way: str) -> float:
        return self.seconds[way] / self.steps[way] if self.steps[way] else np.inf

    def count(self, way: str, seconds: float, steps: int, step: int) -> None:
        self.seconds[way] += seconds
        self.steps[way] += steps
        if way == "prove":
            self.last_proof = step


class _BudgetHistory:
    """Every voter's budget before each round of a proof, rebuilt only when asked for: from
    the budgets after the last round, undoing each round's payments (a round only changes
    its winner's supporters). Most proofs fail or are superseded by a longer one, and copying
    every voter's budget at every round cost more than the proofs' arithmetic."""

    def __init__(self) -> None:
        self.changes: list[tuple[np.ndarray, np.ndarray]] = []  # (supporters, before)
        self.final: np.ndarray | None = None
        self.states: list[np.ndarray] | None = None

    def append_round(self, supporters: np.ndarray, before: np.ndarray) -> None:
        self.changes.append((supporters, before))

    def __getitem__(self, t: int) -> np.ndarray:
        if self.states is None:
            assert self.final is not None, "the budgets after the last round are not known"
            current, states = self.final.copy(), []
            for supporters, before in reversed(self.changes):
                current[supporters] = before
                states.append(current.copy())
            self.states = states[::-1]
        return self.states[t]


@dataclass
class _Trajectory:
    """Budgets and prices along the winners at one voter budget (one end of an interval),
    with lower bounds on each rival's margin (its cost minus what its supporters could pay
    at the round's price) and upper bounds on each project's money after the last round."""

    voter_budget: float
    rhos: list[float] = field(default_factory=list)
    budgets: list[np.ndarray] | _BudgetHistory = field(default_factory=_BudgetHistory)
    short: list[np.ndarray] = field(default_factory=list)  # may be short (over supporters)
    margins: list[np.ndarray] = field(default_factory=list)  # per round, over all projects
    final_money: np.ndarray | None = None
    # (round, project): its supporters' budgets before the round, and its exact margin
    near_ends: dict[tuple[int, int], tuple[np.ndarray, float]] = field(default_factory=dict)

    @classmethod
    def of_run(cls, run: EqualSharesRun) -> _Trajectory:
        """The trajectory of an exact, recorded run: margins from the supporters' money and
        from the tangent at a price evaluated earlier in the run (what supporters can pay is
        concave in the price, and budgets only shrink during a run)."""
        margins = []
        for record in run.records:
            by_money = run.costs - record.available
            with np.errstate(invalid="ignore"):  # projects nobody supports: inf * 0
                by_tangent = record.floor_slope * (record.price_floor - float(record.rho))
            margins.append(np.maximum(by_money, by_tangent))
        return cls(
            voter_budget=float(run.voter_budget),
            rhos=[float(record.rho) for record in run.records],
            budgets=[record.budgets for record in run.records],
            short=[~price.full for price in run.prices],
            margins=margins,
            final_money=run.available.copy(),
        )


class _StepSearch:
    """Finds how many steps after an exact run surely keep its outcome, chaining proofs."""

    def __init__(self, data: EqualSharesInput, run: EqualSharesRun) -> None:
        self.data, self.run = data, run
        self.winners = run.winners
        self.unit = float(data.profile.money_scale)
        self.costs = run.costs
        self.sizes = np.array([len(s) for s in data.supporters], dtype=float)
        self.float_runs = 0
        self.first_size = 0
        self.never = self._never_rounds()

    def _never_rounds(self) -> list[np.ndarray]:
        """Per round, the projects that can never undercut its winner: their lowest possible
        rho (everyone paying a full share) is above the winner's rho at the start, or equal
        but behind it in the tie order. Prices only fall as budgets grow."""
        data, lowest = (
            self.data,
            self.costs / np.where(self.data.total_utility > 0, self.data.total_utility, np.inf),
        )
        result = []
        for t, (rho, winner) in enumerate(zip(self.run.rhos, self.winners, strict=True)):
            never = lowest > rho * (1 + 1e-9)
            for p in np.flatnonzero(np.abs(lowest - rho) <= rho * 1e-9):
                exact = self.run.exact_rho(t)  # too close for floats
                floor = Fraction(data.profile.scaled_costs[p]) / int(data.utilities[p].sum())
                behind = data.tie_order[p] > data.tie_order[winner]
                never[p] = floor > exact or (floor == exact and behind)
            result.append(never)
        return result

    def steps_with_same_outcome(self, size: int) -> int:
        """Chain proofs from the run, the first over `size` steps: each proven interval's
        far end starts the next one, until no interval can be proven."""
        base, proven = _Trajectory.of_run(self.run), 0
        while True:
            jump, base = self._longest_proof(base, size)
            if not jump:
                return proven
            proven += jump
            self.first_size = self.first_size or jump
            size = jump

    def _longest_proof(self, base: _Trajectory, size: int) -> tuple[int, _Trajectory]:
        """The longest interval from `base` proven in a few attempts, and the trajectory at
        its far end. An attempt over `size` steps that used a share `ratio` of the rivals'
        margins suggests trying about size / ratio steps next (within a factor of 4)."""
        proven, far_end = 0, base
        for _ in range(MAX_ATTEMPTS):
            ratio, trajectory = _Proof(self, base, size).check()
            self.float_runs += 1
            if ratio < 1:
                proven, far_end = size, trajectory
                if ratio > GOOD_ENOUGH or size >= MAX_JUMP:
                    break
            scale = min(max(SIZE_FACTOR / max(ratio, 1e-9), 1 / MAX_SCALE), MAX_SCALE)
            size = min(int(size * scale), MAX_JUMP)
            if size <= proven:
                break
        return proven, far_end


class _Proof:
    """Checks one interval [base, base + size steps], following the winners in floats.

    A rival's supporters gain at most `self.gain`: every voter gains the width of the
    interval, plus, in each round it paid a full share in, the fall of that share (a voter
    short of a full share gains less); summed over the rival's supporters with the
    co-support counts, one vector operation per round.
    """

    def __init__(self, search: _StepSearch, base: _Trajectory, size: int) -> None:
        self.search, self.base, self.data = search, base, search.data
        self.width = size * search.unit
        far_budget = base.voter_budget + self.width
        self.far = _Trajectory(voter_budget=far_budget)
        n = len(self.data)
        self.budgets = np.full(n, far_budget)
        self.history = _BudgetHistory()  # the far end's budgets before each round
        self.far.budgets = self.history
        self.gain = self.width * search.sizes
        self.low_slope = np.ones(n)
        self.high_slope = np.ones(n)
        self.tolerance = TOLERANCE * max(far_budget, 1.0)
        self.slack = RELATIVE_SLACK * (search.costs + search.sizes * far_budget)

    def check(self) -> tuple[float, _Trajectory]:
        """Worst ratio of (what a rival could gain) to (what it lacks) over all rounds and
        rivals: below 1 the outcome is proven constant on the interval."""
        remaining = set(self.data.candidates)
        worst = 0.0
        for t, winner in enumerate(self.search.winners):
            remaining.discard(winner)
            rivals = np.array(sorted(remaining), dtype=np.int64)
            worst = max(worst, self._round(t, winner, rivals))
            if worst >= 1:
                return worst, self.far
        self.history.final = self.budgets  # no longer changes
        return max(
            worst, self._after_last_round(np.array(sorted(remaining), dtype=np.int64))
        ), self.far

    def _after_last_round(self, rivals: np.ndarray) -> float:
        """No project may become affordable after the last round."""
        money = self.base.final_money + self.gain
        self.far.final_money = money
        if not len(rivals):
            return 0.0
        lacking = self.search.costs[rivals] - self.base.final_money[rivals]
        gain = self.gain[rivals] + self.slack[rivals]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = np.where(lacking > 0, gain / lacking, np.inf)
        for j in np.flatnonzero(ratios >= 1):  # count their money exactly
            p = int(rivals[j])
            money[p] = float(self.budgets[self.data.supporters[p]].sum())
            ratios[j] = 0.0 if money[p] + self.slack[p] < self.search.costs[p] else np.inf
        return float(ratios.max())

    def _round(self, t: int, winner: int, rivals: np.ndarray) -> float:
        data = self.data
        supporters, utilities = data.supporters[winner], data.float_utilities[winner]
        before = self.budgets[supporters]
        cost = float(data.profile.scaled_costs[winner])
        near_short = self.base.short[t]  # short sets only shrink as budgets grow
        unit = data.unit_utility(winner)
        total = data.total_utility[winner]
        rho, _ = float_price(before, utilities, cost, total, near_short, unit)
        # Floats classify with a margin: short for sure only if clearly short at the far end
        # (then short on the whole interval); maybe short if it may be at the near end.
        per_rho = utilities if unit is None else unit  # a share is rho * per_rho
        shares = rho * per_rho  # computed once: the same floats as inline
        may_short_far = before < shares + self.tolerance
        sure_short = (before < shares - self.tolerance) & near_short
        may_short = near_short | may_short_far
        low, high = self.low_slope[supporters], self.high_slope[supporters]
        price_low, price_high = _price_slopes(
            utilities, unit, total, low, high, may_short, sure_short
        )
        self.far.rhos.append(rho)
        self.history.append_round(supporters, before)
        self.far.short.append(may_short_far)
        self.far.margins.append(self.base.margins[t] - self.gain)
        worst = self._rivals(t, rivals, rho, (price_high - price_low) * self.width / 4)
        # Carry the slope bounds through the round: a voter paying in full keeps more as the
        # share falls; one short at both ends keeps nothing; one changing side, anything.
        self.low_slope[supporters] = np.where(may_short, 0.0, low + price_low * per_rho)
        self.high_slope[supporters] = np.where(sure_short, 0.0, high + price_high * per_rho)
        self.budgets[supporters] = np.maximum(before - shares, 0.0)
        self.gain += max(self.base.rhos[t] - rho, 0.0) * self.data.co_support(winner)
        return worst

    def _rivals(self, t: int, rivals: np.ndarray, rho: float, price_deviation: float) -> float:
        """Worst ratio over this round's rivals; cheap bounds first, exact bound if needed."""
        rivals = rivals[~self.search.never[t][rivals]]
        if not len(rivals):
            return 0.0
        margins = self.base.margins[t][rivals]
        gain = self.gain[rivals] + self.slack[rivals]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = np.where(margins > 0, gain / margins, np.inf)
        # Rivals whose cheap bound is not comfortably small get the tight bound: proofs
        # fail less, and the ratio that sizes the next interval is more telling.
        for j in np.flatnonzero(ratios >= TIGHTEN):
            ratios[j] = self._exact_ratio(t, int(rivals[j]), rho, price_deviation)
            if ratios[j] >= 1:
                return float(ratios[j])
        return float(ratios.max())

    def _exact_ratio(self, t: int, p: int, rho_far: float, price_deviation: float) -> float:
        """Bound what p's supporters could pay at the winner's price over the interval (a
        concave piecewise-linear function of the voter budget) against p's cost."""
        data, base = self.data, self.base
        supporters, utilities = data.supporters[p], data.float_utilities[p]
        rho_near, cost = base.rhos[t], self.search.costs[p]
        known = base.near_ends.get((t, p))  # attempts from one base share its near end
        if known is None:
            near = base.budgets[t][supporters]
            lacking = cost - float(np.minimum(near, rho_near * utilities).sum())
            base.margins[t][p] = lacking
            known = base.near_ends[t, p] = (near, lacking)
        near, lacking = known
        far = self.budgets[supporters]
        self.far.margins[t][p] = cost - float(np.minimum(far, rho_far * utilities).sum())
        if lacking <= 0:
            return np.inf
        width = self.width
        deviation = (self.high_slope[supporters] - self.low_slope[supporters]) * width / 4
        most = _concave_maximum(
            near + deviation,
            (far - near) / width,
            (rho_near + price_deviation) * utilities,
            (rho_far - rho_near) / width * utilities,
            width,
        )
        return (most + self.slack[p] - (cost - lacking)) / lacking


def _price_slopes(utilities, unit, total, low, high, may_short, sure_short) -> tuple[float, float]:
    """Bounds on how fast a round's rho falls per unit of voter budget: the short voters'
    budgets grow and cover more of the cost, shared by those paying in full."""
    full_utility_low = total - utility_sum(utilities, may_short, unit)
    full_utility_high = total - utility_sum(utilities, sure_short, unit)
    if full_utility_low <= 0:
        return 0.0, np.inf
    # Slopes may be infinite: select them (a masked product would give inf * 0 = nan).
    high_speed = float(high[may_short].sum()) / full_utility_low
    low_speed = float(low[sure_short].sum()) / full_utility_high
    return low_speed, high_speed


def _concave_maximum(a, b, c, e, width: float) -> float:
    """Maximum over x in [0, width] of sum(min(a + b x, c + e x)): concave and piecewise
    linear, so its maximum is where its slope turns negative."""
    first_is_lower = (a < c) | ((a == c) & (b <= e))
    slope = float(np.where(first_is_lower, b, e).sum())
    if slope <= 0:
        return float(np.minimum(a, c).sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing = (c - a) / (b - e)
    inside = np.isfinite(crossing) & (crossing > 0) & (crossing < width)
    points = crossing[inside]
    changes = np.where(first_is_lower, e - b, b - e)[inside]
    order = np.argsort(points)
    slopes = slope + np.cumsum(changes[order])
    turning = np.flatnonzero(slopes <= 0)
    x = float(points[order][turning[0]]) if len(turning) else width
    return float(np.minimum(a + b * x, c + e * x).sum())
