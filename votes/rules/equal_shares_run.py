"""One run of the Method of Equal Shares at a given budget per voter, exact and fast.

Every voter starts with the same budget. In each round the project whose supporters can pay
for it at the lowest price per unit of utility `rho` is selected: a supporter pays
`rho * utility`, or everything they have left if that is less. Ties on `rho` are broken by the
tie-breaking order. The run ends when no project can be paid for. This is pabutools'
`method_of_equal_shares` (same choices, same order).

Speed and exactness together: voters' budgets are float64 arrays that NumPy updates in bulk,
and every decision that selects a winner or sets a payment is confirmed exactly. A budget is
known exactly as `voter_budget - sum(rho_t * paid_t)` over the rounds t where the voter paid a
full share (`paid_t`, its utility, is kept as an integer in `self.shares[t]`), or is exactly
zero once it paid all it had left. Floats only pick candidates; whenever two values are closer
than float errors could blur, exact Fractions decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

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
    candidates: tuple[int, ...] = field(init=False)
    free_projects: tuple[int, ...] = field(init=False)
    voter_starts: np.ndarray = field(init=False)
    voter_projects: np.ndarray = field(init=False)
    _ballots_of_supporters: dict[int, tuple[np.ndarray, np.ndarray]] = field(init=False)
    _co_support: dict[int, np.ndarray] = field(init=False)

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
        set_(self, "candidates", tuple(p for p in supported if costs[p] > 0))
        # pabutools funds supported projects that cost nothing before the first round.
        set_(self, "free_projects", tuple(p for p in supported if costs[p] == 0))
        set_(self, "_ballots_of_supporters", {})
        set_(self, "_co_support", {})
        by_voter = np.lexsort((projects, voters))
        set_(self, "voter_projects", projects[by_voter])
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

    def ballots_of_supporters(self, p: int) -> tuple[np.ndarray, np.ndarray]:
        """For every project named by a supporter of p: (that supporter's position among p's
        supporters, the project). Lets a payment for p update every project's money at once."""
        cached = self._ballots_of_supporters.get(p)
        if cached is None:
            starts = self.voter_starts[self.supporters[p]]
            lengths = self.voter_starts[self.supporters[p] + 1] - starts
            entries = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
            entries += np.arange(int(lengths.sum()))
            positions = np.repeat(np.arange(len(starts)), lengths)
            cached = (positions, self.voter_projects[entries])
            self._ballots_of_supporters[p] = cached
        return cached

    def co_support(self, p: int) -> np.ndarray:
        """For each project, the utility for p summed over the voters supporting both: what
        its supporters save in all when p's rho falls by one."""
        row = self._co_support.get(p)
        if row is None:
            positions, projects = self.ballots_of_supporters(p)
            weights = self.float_utilities[p][positions]
            row = np.bincount(projects, weights, minlength=self.profile.project_count)
            self._co_support[p] = row
        return row


def float_price(
    budgets: np.ndarray, utilities: np.ndarray, cost: float, total_utility: float
) -> tuple[float, float]:
    """Approximate rho solving sum(min(budget, rho * utility)) = cost, and the utility of the
    supporters who pay a full share at that rho (the derivative of what they can pay).

    Fixed-point iteration from the price with no one short: each step only raises rho, and it
    stops when the set of supporters short of a full share no longer grows.
    """
    rho = cost / total_utility
    short = budgets < rho * utilities
    for _ in range(8):
        if not short.any():
            return rho, total_utility
        rest = total_utility - float(utilities[short].sum())
        if rest <= 0:
            break
        rho = max(rho, (cost - float(budgets[short].sum())) / rest)
        now_short = budgets < rho * utilities
        if (now_short == short).all():
            return rho, rest
        short = now_short
    return _sorted_price(budgets, utilities, cost, total_utility)


def _sorted_price(
    budgets: np.ndarray, utilities: np.ndarray, cost: float, total_utility: float
) -> tuple[float, float]:
    order = np.argsort(budgets / utilities, kind="stable")
    budgets, utilities = budgets[order], utilities[order]
    before = np.cumsum(budgets) - budgets
    rest = total_utility - (np.cumsum(utilities) - utilities)
    with np.errstate(divide="ignore", invalid="ignore"):
        candidates = (cost - before) / rest
    enough = candidates * utilities <= budgets
    # Affordable means the last supporter always qualifies; floats may blur that edge.
    first = int(np.argmax(enough)) if enough.any() else len(budgets) - 1
    return float(candidates[first]), float(rest[first])


@dataclass
class Price:
    """The exact price of a project in a round, and who pays a full share of it."""

    rho: Fraction
    full: np.ndarray  # mask over the project's supporters paying rho * utility
    emptied: np.ndarray  # mask over supporters left with exactly nothing


@dataclass
class RoundRecord:
    """What the completion search needs to know about one round of a run."""

    winner: int
    rho: Fraction
    budgets: np.ndarray  # float budgets before the payment
    available: np.ndarray  # float money of each project's supporters before the payment
    price_floor: np.ndarray  # lower bound on each project's rho this round
    floor_slope: np.ndarray  # utility paying in full at that floor (a supergradient)


class EqualSharesRun:
    """The method at `voter_budget` (money scaled by `profile.money_scale`).

    With `record=True` the run also keeps, round by round, what `budget_increase` needs to
    prove that a larger budget would give the same outcome.
    """

    def __init__(self, data: EqualSharesInput, voter_budget: Fraction, record: bool = False):
        self.data = data
        self.voter_budget = voter_budget
        self.record = record
        self.budgets = np.full(len(data), float(voter_budget))
        self.emptied = np.zeros(len(data), dtype=bool)
        # Row t: who paid a full share in round t (cost utilities: a flag, the share being
        # the project's cost; points: the voter's points). Rows are written one per round.
        self.unit_shares = data.utility == "cost"
        largest = max((int(u.max()) for u in data.utilities if len(u)), default=1)
        dtype = bool if self.unit_shares else np.min_scalar_type(largest)
        self.shares = np.zeros((len(data.candidates), len(data)), dtype=dtype)
        self.share_units: list[int] = []
        self.rhos: list[Fraction] = []
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

    # --- exact budgets -------------------------------------------------------------------

    def exact_total(self, voters: np.ndarray) -> Fraction:
        """The exact money the given voters have left."""
        voters = voters[~self.emptied[voters]]
        total = self.voter_budget * len(voters)
        rounds = len(self.rhos)
        if len(voters) and rounds:
            paid = self.shares[:rounds, voters].sum(axis=1, dtype=np.int64)
            total -= sum(
                (
                    rho * (int(units) * unit)
                    for rho, units, unit in zip(self.rhos, paid, self.share_units, strict=True)
                    if units
                ),
                Fraction(0),
            )
        return total

    def exact_budgets(self, voters: np.ndarray) -> list[Fraction]:
        """The exact budget of each given voter (for the few that floats cannot classify)."""
        rounds = len(self.rhos)
        if not rounds or not len(voters):
            return [Fraction(0) if e else self.voter_budget for e in self.emptied[voters]]
        paid = self.shares[:rounds, voters].T
        histories, inverse = np.unique(paid, axis=0, return_inverse=True)
        values = [
            self.voter_budget
            - sum(
                (
                    rho * (int(u) * unit)
                    for rho, u, unit in zip(self.rhos, row, self.share_units, strict=True)
                    if u
                ),
                Fraction(0),
            )
            for row in histories
        ]
        return [
            Fraction(0) if emptied else values[k]
            for k, emptied in zip(inverse.ravel(), self.emptied[voters], strict=True)
        ]

    # --- prices --------------------------------------------------------------------------

    def estimate(self, p: int) -> tuple[float, float, float] | None:
        """(rho, error bound, slope) of project p in floats, or None if it is unaffordable."""
        budgets = self.budgets[self.data.supporters[p]]
        cost = self.costs[p]
        available = float(budgets.sum())
        margin = self.tolerance * (len(budgets) + 1)
        if available < cost - margin:
            return None
        # Too close for floats: count exactly.
        exact_cost = self.data.profile.scaled_costs[p]
        if available < cost + margin and self.exact_total(self.data.supporters[p]) < exact_cost:
            return None
        utilities = self.data.float_utilities[p]
        rho, slope = float_price(budgets, utilities, cost, self.data.total_utility[p])
        # Sums over up to 1e5 terms lose at most ~1e-11 relatively; allow 1e-9.
        error = 1e-9 * (rho + cost / max(slope, 1.0))
        return rho, error, slope

    def exact_price(self, p: int, rho_guess: float) -> Price:
        """The exact rho of an affordable project: floats sort its supporters into those who
        surely pay a full share, those who surely cannot, and a few undecided that are then
        settled with exact budgets."""
        supporters, utilities = self.data.supporters[p], self.data.utilities[p]
        budgets = self.budgets[supporters]
        gap = budgets - rho_guess * utilities
        sure_short, full = gap < -self.tolerance, gap > self.tolerance
        undecided = np.flatnonzero(~(sure_short | full))
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
        return Price(rho=rho, full=~short, emptied=emptied)

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
        return Price(rho=rho, full=~short, emptied=short | emptied)

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
                    budgets=self.budgets.copy(),
                    available=self.available.copy(),
                    price_floor=self.floor.copy(),
                    floor_slope=self.floor_slope.copy(),
                )
            )
        self._pay(winner, price)
        return True

    def _cheapest(self) -> list[tuple[int, Price]]:
        """The projects with the lowest exact rho this round (several when tied)."""
        best_high = np.inf
        estimates: list[tuple[int, float, float]] = []
        for p in sorted(self.remaining, key=lambda q: self.floor[q]):
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
        priced = [(p, self.exact_price(p, rho)) for p, rho in near]
        if not priced:
            return []
        lowest = min(price.rho for _, price in priced)
        return [(p, price) for p, price in priced if price.rho == lowest]

    def _pay(self, winner: int, price: Price) -> None:
        supporters, utilities = self.data.supporters[winner], self.data.utilities[winner]
        before = self.budgets[supporters]
        after = np.where(price.full, np.maximum(before - float(price.rho) * utilities, 0.0), 0.0)
        after[price.emptied] = 0.0
        self.budgets[supporters] = after
        self.emptied[supporters[price.emptied]] = True
        row = self.shares[len(self.rhos)]
        if self.unit_shares:
            row[supporters[price.full]] = True
            self.share_units.append(self.data.profile.scaled_costs[winner])
        else:
            row[supporters[price.full]] = utilities[price.full]
            self.share_units.append(1)
        self.rhos.append(price.rho)
        self.winners.append(winner)
        self.prices.append(price)
        self.remaining.discard(winner)
        if self.record:
            positions, projects = self.data.ballots_of_supporters(winner)
            change = (after - before)[positions]
            self.available += np.bincount(projects, change, minlength=len(self.available))

    def remaining_candidates(self) -> list[int]:
        """Supported projects with a cost that were not selected."""
        selected = set(self.winners)
        return [p for p in self.data.candidates if p not in selected]

    def spent(self) -> int:
        """Total scaled cost of the projects selected (free projects cost nothing)."""
        costs = self.data.profile.scaled_costs
        return sum(costs[p] for p in self.winners)
