"""One run of the Method of Equal Shares at a given budget per voter, exact and fast.

Every voter starts with the same budget. In each round the project whose supporters can pay
for it at the lowest price per unit of utility `rho` is selected: a supporter pays
`rho * utility`, or everything they have left if that is less. Ties on `rho` are broken by the
tie-breaking order. The run ends when no project can be paid for. This is pabutools'
`method_of_equal_shares` (same choices, same order).

Speed and exactness together: voters' budgets are float64 arrays that NumPy updates in bulk,
and every decision (which project wins, who pays in full, whether a project is affordable)
is taken by floats only when their margin is far above any float error (1e-8 relatively,
against errors near 1e-13); otherwise exact Fractions decide. A budget is known exactly as
`voter_budget - sum(rho_t * paid_t)` over the rounds t where the voter paid a full share
(`paid_t`, its utility, is an integer in `self.shares[t]`), or is exactly zero once
it paid all it had left; a round's exact rho follows from who paid what, and is computed only
when needed (near ties, undecided supporters, and the explanations of the outcome).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

import numpy as np

from votes.rules import run_kernel
from votes.rules.profile import Profile
from votes.rules.scores import RankPoints, entry_points

# Relative size of the float errors guarded against; actual errors are near 1e-13.
TOLERANCE = 1e-8


@dataclass(frozen=True, eq=False)
class EqualSharesInput:
    """A profile prepared for Equal Shares with a given utility: "cost" (a supporter's utility
    for a project is its cost: pabutools' `Cost_Sat`) or "points" (`Additive_Cardinal_Sat`)."""

    profile: Profile
    utility: str
    tie_order: tuple[int, ...]  # rank of each project in the tie-breaking order, 0 first
    rank_points: RankPoints = "descending"
    supporters: list[np.ndarray] = field(init=False)
    utilities: list[np.ndarray] = field(init=False)
    float_utilities: list[np.ndarray] = field(init=False)
    total_utility: np.ndarray = field(init=False)
    largest_utility: int = field(init=False)
    candidates: tuple[int, ...] = field(init=False)
    free_projects: tuple[int, ...] = field(init=False)
    voter_starts: np.ndarray = field(init=False)
    voter_projects: np.ndarray = field(init=False)
    voter_utilities: np.ndarray = field(init=False)  # aligned with voter_projects

    def __post_init__(self) -> None:
        profile = self.profile
        weights = self._weights()
        named = weights > 0
        projects, voters = profile.ballot_projects[named], profile.ballot_voters()[named]
        weights = weights[named]
        by_project = np.argsort(projects, kind="stable")
        bounds = np.searchsorted(projects[by_project], np.arange(profile.project_count + 1))
        slices = [by_project[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        supported = [p for p in range(profile.project_count) if len(slices[p])]
        costs = profile.scaled_costs
        set_ = object.__setattr__
        set_(self, "supporters", [voters[s] for s in slices])
        set_(self, "utilities", [weights[s] for s in slices])
        set_(self, "float_utilities", [weights[s].astype(float) for s in slices])
        set_(self, "total_utility", np.array([float(weights[s].sum()) for s in slices]))
        set_(self, "largest_utility", int(weights.max()) if len(weights) else 1)
        set_(self, "candidates", tuple(p for p in supported if costs[p] > 0))
        # pabutools funds supported projects that cost nothing before the first round.
        set_(self, "free_projects", tuple(p for p in supported if costs[p] == 0))
        by_voter = np.argsort(voters, kind="stable")  # by voter (a ballot's order is kept)
        set_(self, "voter_projects", projects[by_voter])
        set_(self, "voter_utilities", weights[by_voter].astype(float))
        set_(self, "voter_starts", np.searchsorted(voters[by_voter], np.arange(len(self) + 1)))

    def __len__(self) -> int:
        return self.profile.voter_count

    def _weights(self) -> np.ndarray:
        profile = self.profile
        if self.utility == "cost":
            named = (profile.ballot_points > 0).astype(np.int64)
            return named * np.asarray(profile.scaled_costs, dtype=np.int64)[profile.ballot_projects]
        if self.utility == "points":
            return entry_points(profile, self.rank_points).astype(np.int64)
        raise ValueError(f"unknown utility {self.utility!r}")

    @cached_property
    def supporter_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every project's supporters laid end to end: (offsets, voters, float utilities)."""
        counts = np.array([len(s) for s in self.supporters], dtype=np.int64)
        offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        voters = np.concatenate([np.zeros(0, dtype=np.int64), *self.supporters])
        utilities = np.concatenate([np.zeros(0), *self.float_utilities])
        return offsets, voters.astype(np.int64), utilities.astype(float)

    def unit_utility(self, p: int) -> float | None:
        """The utility every supporter of p has for it, when it is the same for all: its
        cost, for cost utilities."""
        return float(self.profile.scaled_costs[p]) if self.utility == "cost" else None

    @cached_property
    def co_support_matrix(self) -> np.ndarray:
        """Row p, column q: the utility for p summed over the voters supporting both p
        and q: what q's supporters save in all when p's rho falls by one (compiled)."""
        return run_kernel.co_support_matrix(
            self.voter_starts, self.voter_projects, self.voter_utilities, self.profile.project_count
        )


@dataclass
class Price:
    """The price of a project in a round, and who pays a full share of it. `rho` is exact
    when it had to be (near ties, undecided supporters); otherwise only the float is known and
    the exact value is derived when asked for (`EqualSharesRun.exact_rho`)."""

    rho: float
    full: np.ndarray  # mask over the project's supporters paying rho * utility
    emptied: np.ndarray  # mask over supporters left with exactly nothing
    exact: Fraction | None = None


@dataclass
class RoundRecord:
    """What the completion search needs to know about one round of a run."""

    winner: int
    rho: float
    available: np.ndarray  # float money of each project's supporters before the payment
    price_floor: np.ndarray  # lower bound on each project's rho this round
    floor_slope: np.ndarray  # utility paying in full at that floor (a supergradient)


NEVER = np.iinfo(np.int64).max


class EqualSharesRun:
    """The method at `voter_budget` (money scaled by `profile.money_scale`).

    Exactness is lazy: a round's exact rho is (cost - what its short supporters had left) /
    (utility of those paying in full); it is only computed when a decision needs it, which
    on real elections is rare (floats decide with margins a hundred thousand times their
    errors). With `record=True` the run also keeps, round by round, what `budget_increase`
    needs to prove that a larger budget would give the same outcome.
    """

    def __init__(self, data: EqualSharesInput, voter_budget: Fraction, record: bool = False):
        self.data = data
        self.voter_budget = voter_budget
        self.record = record
        n = len(data)
        self.budgets = np.full(n, float(voter_budget))
        self.emptied = np.zeros(n, dtype=bool)
        self.emptied_round = np.full(n, NEVER, dtype=np.int64)
        self.unit_shares = data.utility == "cost"
        self._shares: np.ndarray | None = None  # see `shares`, written when first needed
        self._shares_written = 0
        self.rhos: list[float] = []
        self._exact_rhos: dict[int, Fraction] = {}
        self._exact_cache: dict[int, tuple[int, Fraction]] = {}
        self.tolerance = TOLERANCE * max(float(voter_budget), 1.0)
        self.costs = np.asarray(data.profile.scaled_costs, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.floor = np.where(data.total_utility > 0, self.costs / data.total_utility, np.inf)
        self.floor_slope = data.total_utility.copy()
        self.available = float(voter_budget) * np.array([len(s) for s in data.supporters])
        self.remaining = set(data.candidates)
        self.winners: list[int] = []
        self.prices: list[Price] = []
        self.ties: list[tuple[int, ...]] = []
        self.records: list[RoundRecord] = []

    # --- exact values ----------------------------------------------------------------------

    @property
    def shares(self) -> np.ndarray:
        """Row t: who paid a full share in round t (cost utilities: a flag, the share being
        the project's cost; points: the voter's points). Written from the rounds' prices
        when exact values are first asked for: most runs never need them."""
        if self._shares is None:
            dtype = bool if self.unit_shares else np.min_scalar_type(self.data.largest_utility)
            self._shares = np.zeros((len(self.data.candidates), len(self.data)), dtype=dtype)
        for t in range(self._shares_written, len(self.rhos)):
            winner, full = self.winners[t], self.prices[t].full
            paying = self.data.supporters[winner][full]
            self._shares[t, paying] = (
                True if self.unit_shares else self.data.utilities[winner][full]
            )
        self._shares_written = len(self.rhos)
        return self._shares

    def share_unit(self, t: int) -> int:
        """Money per unit of `shares[t]` and of rho: the winner's cost for cost utilities."""
        return self.data.profile.scaled_costs[self.winners[t]] if self.unit_shares else 1

    def round_short(self, t: int) -> np.ndarray:
        """The voters who paid all they had left in round t (and had something left)."""
        supporters = self.data.supporters[self.winners[t]]
        short = ~self.prices[t].full
        return supporters[short][self.emptied_round[supporters[short]] == t]

    def round_full_utility(self, t: int) -> int:
        """The utility of the winner's supporters who paid a full share in round t."""
        return int(self.data.utilities[self.winners[t]][self.prices[t].full].sum())

    def exact_rho(self, t: int) -> Fraction:
        """Round t's exact rho, computing first those of the earlier rounds it depends on (the
        rounds where its short supporters paid)."""
        if t not in self._exact_rhos:
            for r in self._rounds_needed(t):
                known = self.prices[r].exact
                if known is None:
                    paid = self.exact_total(self.round_short(r), r)
                    cost = self.data.profile.scaled_costs[self.winners[r]]
                    known = Fraction(cost - paid) / self.round_full_utility(r)
                self._exact_rhos[r] = known
        return self._exact_rhos[t]

    def _rounds_needed(self, t: int) -> list[int]:
        needed, pending = {t}, [t]
        while pending:
            r = pending.pop()
            short = self.round_short(r)
            if self.prices[r].exact is not None or not len(short) or not r:
                continue
            for earlier in np.flatnonzero(self.shares[:r, short].any(axis=1)).tolist():
                if earlier not in needed and earlier not in self._exact_rhos:
                    needed.add(earlier)
                    pending.append(earlier)
        return sorted(needed)

    def exact_total(self, voters: np.ndarray, at: int | None = None) -> Fraction:
        """The exact money the given voters have left before round `at` (default: now)."""
        at = len(self.rhos) if at is None else at
        voters = voters[self.emptied_round[voters] >= at]
        if not len(voters) or not at:
            return self.voter_budget * len(voters)
        if at == len(self.rhos) and 2 * len(voters) <= at:  # few: follow each one's payments
            return sum((self._exact_budget(int(i)) for i in voters), Fraction(0))
        paid = self.shares[:at, voters].sum(axis=1, dtype=np.int64)
        return self.voter_budget * len(voters) - self._paid(paid, 0)

    def _paid(self, units: np.ndarray, first_round: int) -> Fraction:
        """Exact money paid for `units` of utility in each round from `first_round` on."""
        total = Fraction(0)
        for r in np.flatnonzero(units):
            round_ = first_round + int(r)
            total += self.exact_rho(round_) * (int(units[r]) * self.share_unit(round_))
        return total

    def _exact_budget(self, voter: int) -> Fraction:
        """One voter's exact budget now, updated from the rounds since it was last asked."""
        rounds = len(self.rhos)
        done, value = self._exact_cache.get(voter, (0, self.voter_budget))
        if done < rounds:
            value -= self._paid(self.shares[done:rounds, voter], done)
            self._exact_cache[voter] = (rounds, value)
        return value

    def exact_budgets(self, voters: np.ndarray) -> list[Fraction]:
        """The exact budget of each given voter now (for the few floats cannot classify)."""
        rounds = len(self.rhos)
        if len(voters) <= rounds or not rounds:
            return [Fraction(0) if self.emptied[i] else self._exact_budget(int(i)) for i in voters]
        histories, inverse = np.unique(self.shares[:rounds, voters].T, axis=0, return_inverse=True)
        values = [self.voter_budget - self._paid(row, 0) for row in histories]
        return [
            Fraction(0) if emptied else values[k]
            for k, emptied in zip(inverse.ravel(), self.emptied[voters], strict=True)
        ]

    # --- prices --------------------------------------------------------------------------

    def estimate(self, p: int) -> tuple[float, float, float] | None:
        """(rho, error bound, slope) of project p in floats, or None if it is unaffordable."""
        offsets, voters, utilities = self.data.supporter_arrays
        cost = self.costs[p]
        margin = self.tolerance * (offsets[p + 1] - offsets[p] + 1)
        unit = self.data.unit_utility(p) or 0.0
        priced = (offsets[p], offsets[p + 1], voters, utilities, self.budgets, cost)
        total = self.data.total_utility[p]
        _, rho, slope = run_kernel.estimate(*priced, total, unit, margin)
        if np.isnan(rho):  # too close for floats: count exactly
            exact_cost = self.data.profile.scaled_costs[p]
            if self.exact_total(self.data.supporters[p]) < exact_cost:
                return None
            _, rho, slope = run_kernel.estimate(*priced, total, unit, -1.0)
        if np.isinf(rho):
            return None
        # Sums over up to 1e5 terms lose at most ~1e-11 relatively; allow 1e-9.
        error = 1e-9 * (rho + cost / max(slope, 1.0))
        return rho, error, slope

    def price(self, p: int, rho_guess: float, exact: bool) -> Price:
        """The price of an affordable project. Floats sort its supporters into those who
        surely pay a full share and those who surely cannot; if some are undecided, or if an
        exact rho is asked for (to compare near ties), exact budgets settle it."""
        supporters, utilities = self.data.supporters[p], self.data.utilities[p]
        budgets = self.budgets[supporters]
        gap = budgets - rho_guess * utilities
        sure_short, full = gap < -self.tolerance, gap > self.tolerance
        undecided = np.flatnonzero(~(sure_short | full))
        if not exact and not len(undecided):
            return Price(rho=rho_guess, full=full, emptied=sure_short)
        settled = self._settle(p, sure_short, full, undecided)
        if settled is None:
            return self._exact_price_slowly(p)
        rho, short_undecided, emptied_undecided = settled
        gap = budgets - float(rho) * utilities
        half = self.tolerance / 2
        # Emptied voters are short whatever the floats say; the others need a clear margin.
        doubtful = sure_short & ~self.emptied[supporters]
        if not ((gap[doubtful] < -half).all() and (gap[full] > half).all()):
            return self._exact_price_slowly(p)
        short = sure_short.copy()
        short[undecided[short_undecided]] = True
        emptied = short.copy()
        emptied[undecided[emptied_undecided]] = True
        return Price(rho=float(rho), full=~short, emptied=emptied, exact=rho)

    def _settle(
        self, p: int, short: np.ndarray, full: np.ndarray, undecided: np.ndarray
    ) -> tuple[Fraction, np.ndarray, np.ndarray] | None:
        """Exact water-filling over the undecided supporters, the others being settled."""
        supporters, utilities = self.data.supporters[p], self.data.utilities[p]
        budgets = self.exact_budgets(supporters[undecided])
        weights = [int(u) for u in utilities[undecided]]
        paid = self.exact_total(supporters[short])
        utility_left = int(utilities[full].sum()) + sum(weights)
        cost = self.data.profile.scaled_costs[p]
        is_short = np.zeros(len(undecided), dtype=bool)
        for j in sorted(range(len(undecided)), key=lambda j: budgets[j] / weights[j]):
            if (cost - paid) * weights[j] <= budgets[j] * utility_left:
                break  # j pays a full share, and so does everyone after j
            is_short[j] = True
            paid += budgets[j]
            utility_left -= weights[j]
        if utility_left == 0:
            return None
        rho = Fraction(cost - paid) / utility_left
        emptied = np.array(
            [rho * w == b for w, b in zip(weights, budgets, strict=True)], dtype=bool
        )
        return rho, is_short, emptied & ~is_short

    def _exact_price_slowly(self, p: int) -> Price:
        """Exact water-filling over every supporter; only when floats were not conclusive."""
        count = len(self.data.supporters[p])
        nobody = np.zeros(count, dtype=bool)
        settled = self._settle(p, nobody, nobody, np.arange(count))
        if settled is None:
            raise ArithmeticError(f"project {p} was priced although its supporters cannot pay")
        rho, short, emptied = settled
        return Price(rho=float(rho), full=~short, emptied=short | emptied, exact=rho)

    # --- rounds --------------------------------------------------------------------------

    def run(self) -> EqualSharesRun:
        """Select projects round after round until none can be paid for."""
        while self.remaining and self._round():
            pass
        return self

    def _round(self) -> bool:
        tied = self._cheapest()
        if not tied:
            return False
        tie_order = self.data.tie_order
        tied.sort(key=lambda pair: tie_order[pair[0]])
        if len(tied) > 1:
            self.ties.append(tuple(p for p, _ in tied))
        winner, price = tied[0]
        if self.record:
            self.records.append(
                RoundRecord(
                    winner=winner,
                    rho=price.rho,
                    available=self.available.copy(),
                    price_floor=self.floor.copy(),
                    floor_slope=self.floor_slope.copy(),
                )
            )
        self._pay(winner, price)
        return True

    def _cheapest(self) -> list[tuple[int, Price]]:
        """The projects with the lowest rho this round (several when exactly tied)."""
        best_high = np.inf
        estimates: list[tuple[int, float, float]] = []
        remaining = np.fromiter(self.remaining, dtype=np.int64, count=len(self.remaining))
        for p in remaining[np.argsort(self.floor[remaining], kind="stable")].tolist():
            if self.floor[p] > best_high:
                break  # rho only grows during a run, so the floor bounds it from below
            estimate = self.estimate(p)
            if estimate is None:
                self.remaining.discard(p)  # budgets only shrink: it stays unaffordable
                continue
            rho, error, slope = estimate
            self.floor[p], self.floor_slope[p] = max(rho - error, 0.0), slope
            estimates.append((p, rho, error))
            best_high = min(best_high, rho + error)
        near = [(p, rho) for p, rho, error in estimates if rho - error <= best_high]
        if len(near) == 1:  # floats alone tell the winner
            p, rho = near[0]
            return [(p, self.price(p, rho, exact=False))]
        priced = [(p, self.price(p, rho, exact=True)) for p, rho in near]
        if not priced:
            return []
        lowest = min(price.exact for _, price in priced)
        return [(p, price) for p, price in priced if price.exact == lowest]

    def _pay(self, winner: int, price: Price) -> None:
        supporters, utilities = self.data.supporters[winner], self.data.utilities[winner]
        before = self.budgets[supporters]
        after = np.where(price.full, np.maximum(before - price.rho * utilities, 0.0), 0.0)
        after[price.emptied] = 0.0
        self.budgets[supporters] = after
        newly_emptied = supporters[price.emptied & ~self.emptied[supporters]]
        self.emptied[newly_emptied] = True
        self.emptied_round[newly_emptied] = len(self.rhos)
        self.rhos.append(price.rho)
        self.winners.append(winner)
        self.prices.append(price)
        self.remaining.discard(winner)
        if self.record:
            data = self.data
            run_kernel.spread(
                self.available, supporters, after - before, data.voter_starts, data.voter_projects
            )

    def record_arrays(self) -> RecordArrays:
        """The records (`record=True`) as arrays."""
        shape = (len(self.records), len(self.costs))
        moneys, floors, slopes = np.empty(shape), np.empty(shape), np.empty(shape)
        for t, record in enumerate(self.records):
            moneys[t], floors[t], slopes[t] = (
                record.available,
                record.price_floor,
                record.floor_slope,
            )
        return RecordArrays(
            rhos=np.array([record.rho for record in self.records], dtype=float),
            moneys=moneys,
            floors=floors,
            slopes=slopes,
            full=np.concatenate([price.full for price in self.prices] or [np.zeros(0, bool)]),
        )


@dataclass
class RecordArrays:
    """A recorded run's rounds as arrays: rhos, then per round and project the supporters'
    money, the lower bound on its rho and the utility paying in full there, and who paid a
    full share in each round (over the winners' supporters laid end to end)."""

    rhos: np.ndarray
    moneys: np.ndarray
    floors: np.ndarray
    slopes: np.ndarray
    full: np.ndarray


@dataclass
class RecordedRun:
    """A run with the records of `EqualSharesRun(record=True)`, made in floats by
    `run_kernel.recorded_run`: what the completion's proofs read of a run. Exact values
    (rarely needed) come from an exact run at the same budget, made when first asked for."""

    data: EqualSharesInput
    voter_budget: Fraction
    winners: list[int]
    rhos: list[float]
    available: np.ndarray
    costs: np.ndarray
    arrays: RecordArrays
    _exact: EqualSharesRun | None = None

    def record_arrays(self) -> RecordArrays:
        return self.arrays

    def exact_rho(self, t: int) -> Fraction:
        if self._exact is None:
            self._exact = EqualSharesRun(self.data, self.voter_budget).run()
            assert self._exact.winners == self.winners, "floats and exact runs disagree"
        return self._exact.exact_rho(t)


def recorded_run(data: EqualSharesInput, voter_budget: Fraction) -> RecordedRun | None:
    """The run at `voter_budget` with its records, in floats (`run_kernel.recorded_run`),
    or None where floats cannot decide: then `EqualSharesRun(record=True)` is needed."""
    costs = np.asarray(data.profile.scaled_costs, dtype=float)
    units = costs if data.utility == "cost" else np.zeros(len(costs))
    budget = float(voter_budget)
    decided, rounds, winners, rhos, full, moneys, floors, slopes, available = (
        run_kernel.recorded_run(
            data.supporter_arrays,
            (data.voter_starts, data.voter_projects),
            data.co_support_matrix,
            budget,
            TOLERANCE * max(budget, 1.0),
            costs,
            data.total_utility,
            units,
            np.array(data.candidates, dtype=np.int64),
            np.array(data.tie_order, dtype=np.int64),
        )
    )
    if not decided:
        return None
    arrays = RecordArrays(rhos[:rounds], moneys[:rounds], floors[:rounds], slopes[:rounds], full)
    return RecordedRun(
        data=data,
        voter_budget=voter_budget,
        winners=winners[:rounds].tolist(),
        rhos=rhos[:rounds].tolist(),
        available=available,
        costs=costs,
        arrays=arrays,
    )
