"""The winners of the Method of Equal Shares at several voter budgets at once.

The budget increase ("add1") needs the outcome at consecutive voter budgets; on some
elections (Toulouse 2024) it changes at most steps, so hundreds of runs are needed, and a
single run spends most of its time in NumPy calls on small arrays. Here the runs at K
budgets advance together: every voter's budget is a row of K columns, and each price is
computed for the K budgets in one set of array operations. Each budget still follows its
own course (its own winner each round).

Floats decide only with the margins `EqualSharesRun` uses (1e-8 relatively, against errors
near 1e-13). Where a decision would need exact arithmetic for some budget (a near tie, a
supporter whose share is too close to its budget to tell, money too close to a cost), that
budget is given up and reported as None: the caller runs it exactly. So every outcome
returned is the one `EqualSharesRun` gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from votes.rules.equal_shares_run import TOLERANCE, EqualSharesInput

# Rounds of the fixed-point iteration that finds a price before giving a budget up.
PRICE_ITERATIONS = 12


def batch_winners(
    data: EqualSharesInput, voter_budgets: Sequence[Fraction]
) -> list[tuple[int, ...] | None]:
    """The winners, in order, of the method at each voter budget, or None for a budget
    whose run floats could not settle (run it with `EqualSharesRun`)."""
    return _Batch(data, np.array([float(b) for b in voter_budgets])).run()


class _Batch:
    def __init__(self, data: EqualSharesInput, voter_budgets: np.ndarray) -> None:
        self.data = data
        k = len(voter_budgets)
        self.budgets = np.repeat(voter_budgets[None, :], len(data), axis=0)
        self.tolerance = TOLERANCE * np.maximum(voter_budgets, 1.0)
        self.costs = np.asarray(data.profile.scaled_costs, dtype=float)
        m = len(self.costs)
        candidate = np.zeros(m, dtype=bool)
        candidate[list(data.candidates)] = True
        with np.errstate(divide="ignore", invalid="ignore"):
            lowest = np.where(candidate, self.costs / data.total_utility, np.inf)
        self.floor = np.repeat(lowest[:, None], k, axis=1)  # lower bounds on each rho
        self.running = np.ones(k, dtype=bool)
        self.given_up = np.zeros(k, dtype=bool)
        self.winners: list[list[int]] = [[] for _ in range(k)]

    def run(self) -> list[tuple[int, ...] | None]:
        while self.running.any():
            self._round()
        return [
            None if given_up else tuple(winners)
            for given_up, winners in zip(self.given_up, self.winners, strict=True)
        ]

    def _give_up(self, mask: np.ndarray) -> None:
        self.given_up |= mask & self.running
        self.running &= ~mask

    def _round(self) -> None:
        """Each running budget's cheapest project, found as `EqualSharesRun._cheapest`
        does: projects in order of their lowest possible rho, until that exceeds the best
        price found (rho only grows during a run, so old prices bound new ones)."""
        best_high = np.full(len(self.running), np.inf)
        prices: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        floors = np.where(self.running[None, :], self.floor, np.inf)
        lowest = floors.min(axis=1)
        for p in np.argsort(lowest, kind="stable").tolist():
            if lowest[p] == np.inf or lowest[p] > best_high[self.running].max(initial=0):
                break
            floor = self.floor[p]  # infinite once p is bought or unaffordable
            needed = self.running & (floor <= best_high) & (floor < np.inf)
            if not needed.any():
                continue
            rho, error, affordable = self._estimate(p, needed)
            self.floor[p] = np.where(affordable, np.maximum(rho - error, 0.0), self.floor[p])
            best_high = np.where(affordable, np.minimum(best_high, rho + error), best_high)
            prices[p] = (rho, error, affordable)
        self.running &= best_high < np.inf  # nothing affordable is left: the run is over
        winner = np.full(len(self.running), -1)
        near = {
            p: affordable & (rho - error <= best_high)
            for p, (rho, error, affordable) in prices.items()
        }
        near_count = np.zeros(len(self.running), dtype=int)
        for p, columns in near.items():
            winner[columns] = p
            near_count += columns
        if (near_count > 1).any():
            self._break_ties(near_count > 1, near, prices, winner)
        for p in np.unique(winner[self.running]).tolist():
            self._pay(p, self.running & (winner == p), prices[p][0])

    def _break_ties(self, tied: np.ndarray, near: dict, prices: dict, winner: np.ndarray) -> None:
        """Budgets for which several projects are too close to call in floats. When each
        of them is paid in full by every supporter with money left (an emptied budget is
        exactly zero: it paid all it had), its rho is exactly its cost over the utility of
        those supporters: the lowest wins, ties going by the tie-breaking order, as in
        `EqualSharesRun`. Otherwise the budget is given up (exact run)."""
        data = self.data
        exact: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for p, columns in near.items():
            columns = columns & tied
            if not columns.any():
                continue
            budgets = self.budgets[data.supporters[p]]
            gap = budgets - prices[p][0][None, :] * data.float_utilities[p][:, None]
            emptied = budgets == 0.0
            known = columns & ((gap > self.tolerance) | emptied).all(axis=0)
            self._give_up(columns & ~known)
            paying = (data.utilities[p][:, None] * ~emptied).sum(axis=0)
            exact[p] = (known, paying)
        costs = data.profile.scaled_costs
        for k in np.flatnonzero(tied & self.running).tolist():
            rhos = [
                (Fraction(costs[p], int(paying[k])), data.tie_order[p], p)
                for p, (known, paying) in exact.items()
                if known[k]
            ]
            winner[k] = min(rhos)[2]

    def _estimate(self, p: int, needed: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Project p's price for every budget (the needed ones count): (rho, error bound,
        affordable). Budgets whose money is too close to the cost are given up; those
        which cannot afford p never will again in this run (budgets only shrink)."""
        data = self.data
        supporters = data.supporters[p]
        budgets = self.budgets[supporters]
        cost = self.costs[p]
        money = budgets.sum(axis=0)
        margin = self.tolerance * (len(supporters) + 1)
        unaffordable = money < cost - margin
        self._give_up(needed & ~unaffordable & (money < cost + margin))
        self.floor[p, needed & unaffordable] = np.inf
        affordable = needed & self.running & ~unaffordable
        utilities = data.float_utilities[p][:, None]
        total = data.total_utility[p]
        rho = np.full(len(money), cost / total)
        full_utility = np.full(len(money), total)
        short = budgets < rho * utilities
        for _ in range(PRICE_ITERATIONS):
            if not short[:, affordable].any():
                break
            full_utility = total - (utilities * short).sum(axis=0)
            paid = (budgets * short).sum(axis=0)
            with np.errstate(divide="ignore", invalid="ignore"):
                rho = np.where(full_utility > 0, np.maximum(rho, (cost - paid) / full_utility), rho)
            now_short = budgets < rho * utilities
            changed = (now_short != short).any(axis=0)
            short = now_short
            if not changed[affordable].any():
                break
        else:
            self._give_up(affordable & changed)
        self._give_up(affordable & (full_utility <= 0))
        affordable &= self.running
        error = 1e-9 * (rho + cost / np.maximum(full_utility, 1.0))
        return rho, error, affordable

    def _pay(self, p: int, paying: np.ndarray, rho: np.ndarray) -> None:
        """The budgets in `paying` buy p: supporters pay rho * utility, or all they have
        left if that is less; a supporter too close to the line to tell gives the budget
        up (exact run)."""
        supporters = self.data.supporters[p]
        columns = np.flatnonzero(paying)
        every = len(columns) == len(paying)
        budgets = self.budgets[supporters] if every else self.budgets[np.ix_(supporters, columns)]
        shares = rho[columns][None, :] * self.data.float_utilities[p][:, None]
        gap = budgets - shares
        undecided = (np.abs(gap) <= self.tolerance[columns]).any(axis=0)
        if undecided.any():
            self._give_up(np.isin(np.arange(len(paying)), columns[undecided]))
        after = np.maximum(gap, 0.0)
        if every:
            self.budgets[supporters] = after
        else:
            self.budgets[np.ix_(supporters, columns)] = after
        self.floor[p, columns] = np.inf
        for k in columns[~undecided].tolist():
            self.winners[k].append(p)
