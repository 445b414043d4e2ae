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

A proof is one compiled pass (`proof_kernel`) over *nodes* of voters who paid alike so far
(Budapest 2024: some 20,000 for 110,000 payments), examining in full only those that may be
short at the near end and the supporters of the rivals needing the tight bound.
Proofs chain: a proven interval's far end starts the next one, sized by the share of the
margins the last one used and by how fast the rivals' exact margins closed over it; the
chain stops where they close within the next step, and the method is run there.

Runs are made in floats (`run_kernel.recorded_run`) where they decide, which is the same
outcome as the exact run's (`EqualSharesRun`, used where floats cannot decide); every
outcome returned comes from an exact run. Where the outcome changes at almost every step
(Toulouse 2024: at 511 of 669), proofs cost more than they skip; then the steps are run
one by one (`_Worth`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from votes.rules import proof_kernel
from votes.rules.equal_shares_run import (
    TOLERANCE,
    EqualSharesInput,
    EqualSharesRun,
    RecordedRun,
    recorded_run,
)

# Sizing the proofs (these only change the speed, never the result): up to MAX_ATTEMPTS
# intervals are tried from one start; the next size is SIZE_FACTOR * size / ratio, within a
# factor MAX_SCALE, and an interval that used more than GOOD_ENOUGH of the margins is kept
# (the next link of the chain then starts from its far end, sized the same way).
MAX_ATTEMPTS = 6
SIZE_FACTOR = 0.9
MAX_SCALE = 4
GOOD_ENOUGH = 0.3
MAX_JUMP = 2**40
# Rivals whose cheap bound used more than TIGHTEN of their margin get the exact bound.
TIGHTEN = 0.6
# When proofs cost more than they save, they are tried again RETRY_EVERY steps later.
RETRY_EVERY = 16
# A chain keeps its rivals' supporters grouped by node in room for GROUP_ROOM times as many
# entries as there are supporters of all projects (then starts again).
GROUP_ROOM = 1.0
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
    """The search over steps. Two ways to go on from a step, whichever costs less per step
    (`_Worth`): a recorded run and proofs that the next steps keep its outcome, or one run
    per step."""

    def __init__(self, data: EqualSharesInput, until_overspend: bool) -> None:
        self.data, self.until_overspend = data, until_overspend
        profile = data.profile
        self.start = Fraction(profile.scaled_budget, max(len(data), 1))
        self.unit = profile.money_scale
        self.runs, self.proof_runs = 0, 0
        self.fitting: int | None = None  # the last step whose outcome fits the budget
        self.last_run: EqualSharesRun | RecordedRun | None = None  # the run at that step

    def budget(self, step: int) -> Fraction:
        return self.start + step * self.unit

    def recorded(self, step: int) -> EqualSharesRun | RecordedRun:
        """The run at `step` with its records for proofs: in floats where they decide
        (the same winners as the exact run), else exactly."""
        self.runs += 1
        recorded = recorded_run(self.data, self.budget(step))
        if recorded is not None:
            return recorded
        return EqualSharesRun(self.data, self.budget(step), record=True).run()

    def exact(self, step: int) -> EqualSharesRun:
        self.runs += 1
        return EqualSharesRun(self.data, self.budget(step)).run()

    def search(self, jump: bool) -> Completion:
        step, size = 0, 1
        worth, classes = _Worth(), _Classes(self.data)
        while True:
            started = time.perf_counter()
            run = self.recorded(step) if jump else self.exact(step)
            run_seconds = time.perf_counter() - started
            done = self._stop(step, run.winners, run)
            if done:
                return done
            same = 0
            if jump and len(self.data) and worth.prove(step):
                search = _StepSearch(self.data, run, classes)
                same = search.steps_with_same_outcome(size)
                self.proof_runs += search.float_runs
                size = search.first_size or max(size // 2, 1)
                worth.proved(step, time.perf_counter() - started, same + 1, run_seconds)
            self.fitting = step + same
            self.last_run = run if not same else None
            step += same + 1

    def _stop(
        self, step: int, winners: Sequence[int], run: EqualSharesRun | RecordedRun | None
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

    def _completion(self, step: int, run: EqualSharesRun | RecordedRun | None) -> Completion:
        if not isinstance(run, EqualSharesRun):  # the outcome needs the exact run
            run = self.exact(step)
        return Completion(run, step, self.runs, self.proof_runs)


class _Worth:
    """Whether to try proofs from a step. Where the outcome changes at almost every step
    (Toulouse 2024: at 511 of 669), chains of proofs cost more than the runs they save:
    then the next steps are run one by one, and proofs are tried again RETRY_EVERY steps
    later, twice as late each time they still have not paid (as soon as they have, again
    at once). This only changes how fast the answer comes, never the answer."""

    def __init__(self) -> None:
        self.next_proof = 0
        self.wait = RETRY_EVERY
        self.seconds, self.steps = 0.0, 0  # all chains of proofs so far

    def prove(self, step: int) -> bool:
        return step >= self.next_proof

    def proved(self, step: int, seconds: float, steps: int, run_seconds: float) -> None:
        """A chain of proofs from `step` took `seconds` (with its run, `run_seconds`) for
        `steps` steps."""
        self.seconds += seconds
        self.steps += steps
        if self.seconds <= self.steps * run_seconds:
            self.next_proof, self.wait = step, RETRY_EVERY
        else:
            self.next_proof, self.wait = step + steps + self.wait, 2 * self.wait


@dataclass
class _Trajectory:
    """Prices along the winners at one voter budget (one end of an interval), lower bounds
    on each rival's margin (its cost minus what its supporters could pay at the round's
    price) and upper bounds on each project's money after the last round. Budgets are not
    kept: a voter's budget before a round follows from the voter budget and the prices of
    the rounds it took part in."""

    voter_budget: float
    rhos: np.ndarray  # per round
    margins: np.ndarray  # rounds x projects
    final_money: np.ndarray  # per project
    lacking: np.ndarray = field(init=False)  # exact margins at this end, nan until computed

    def __post_init__(self) -> None:
        self.lacking = np.full(self.margins.shape, np.nan)

    @classmethod
    def of_run(cls, run: EqualSharesRun | RecordedRun) -> _Trajectory:
        """The trajectory of an exact, recorded run: margins from the supporters' money and
        from the tangent at a price evaluated earlier in the run (what supporters can pay is
        concave in the price, and budgets only shrink during a run)."""
        arrays = run.record_arrays()
        by_money = run.costs - arrays.moneys
        with np.errstate(invalid="ignore"):  # projects nobody supports: inf * 0
            by_tangent = arrays.slopes * (arrays.floors - arrays.rhos[:, None])
        return cls(
            voter_budget=float(run.voter_budget),
            rhos=arrays.rhos.astype(float),
            margins=np.maximum(by_money, by_tangent),
            final_money=run.available.copy(),
        )


def _steps_to_closing(near: _Trajectory, far: _Trajectory, steps: int) -> int:
    """How many steps past `far` the rivals' margins, shrinking over the `steps` from
    `near` to `far` as they did, would take to close: where the outcome probably changes,
    and longer proofs fail. Only the margins computed exactly at both ends count. 0: they
    close within the next step, where the search had better run the method than try a
    proof that would fail."""
    known = np.isfinite(near.lacking) & (near.lacking > 0)
    shrinking = near.lacking[known] - far.margins[known]
    closing = shrinking > 0
    if not closing.any():
        return steps
    left = np.maximum(far.margins[known][closing], 0.0) / shrinking[closing]
    return int(steps * float(left.min()))


def _scaled(size: int, ratio: float) -> int:
    """The size of the next attempt after one over `size` steps used a share `ratio` of
    the rivals' margins (about proportional to the size)."""
    scale = min(max(SIZE_FACTOR / max(ratio, 1e-9), 1 / MAX_SCALE), MAX_SCALE)
    return min(int(size * scale), MAX_JUMP)


class _Classes:
    """The classes of voters who pay alike for a set of winners, and each project's
    supporters by class (laid out when a proof first needs them), kept while the winners
    stay the same (`proof_kernel.voter_classes`, `project_classes`)."""

    def __init__(self, data: EqualSharesInput) -> None:
        self.data = data
        self.winners: frozenset[int] | None = None
        self.laid_out: tuple[np.ndarray, ...] = ()
        # Each project's supporters by utility (already so with cost utilities).
        sup_ptr, sup_idx, sup_u = data.supporter_arrays
        if data.utility != "cost":
            projects = np.repeat(np.arange(len(sup_ptr) - 1), np.diff(sup_ptr))
            order = np.lexsort((sup_u, projects))
            sup_idx, sup_u = sup_idx[order], sup_u[order]
        self.supporters = (sup_ptr, sup_idx, sup_u)

    def lists(self, winners: Sequence[int]) -> tuple[np.ndarray, ...]:
        if self.winners != frozenset(winners):
            sup_ptr, sup_idx, sup_u = self.supporters
            ordered = np.array(sorted(winners), dtype=np.int64)
            of, classes = proof_kernel.voter_classes(
                sup_ptr, sup_idx, sup_u, ordered, len(self.data)
            )
            self.winners = frozenset(winners)
            self.laid_out = proof_kernel.project_lists(of, classes, self.supporters)
        return self.laid_out


class _StepSearch:
    """Finds how many steps after an exact run surely keep its outcome, chaining proofs."""

    def __init__(
        self, data: EqualSharesInput, run: EqualSharesRun | RecordedRun, classes: _Classes
    ) -> None:
        self.data, self.run = data, run
        self.lists = classes.lists(run.winners)
        self.winners = np.array(run.winners, dtype=np.int64)
        self.unit = float(data.profile.money_scale)
        self.costs = run.costs
        self.sizes = np.diff(data.supporter_arrays[0]).astype(float)  # supporters per project
        self.float_runs = 0
        self.first_size = 0
        self._lay_out_chain()

    def _lay_out_chain(self) -> None:
        """Arrays for the compiled proof: the nodes of voters paying alike round after
        round, each class's last node (`proof_kernel.chain_nodes`), and each round's
        rivals."""
        data, winners = self.data, self.run.winners
        rounds, projects = len(winners), len(self.costs)
        self.nodes, self.links, self.leaves = proof_kernel.chain_nodes(self.winners, self.lists)
        # Room for the rivals' supporters grouped by node (`proof_kernel._grouped`).
        sup_ptr = self.lists[1]
        room = max(int(GROUP_ROOM * sup_ptr[-1]), int(np.diff(sup_ptr).max(initial=0)))
        self.groups = proof_kernel.chain_groups(rounds, projects, len(self.links), room)
        candidates = np.zeros(projects, dtype=bool)
        candidates[list(data.candidates)] = True
        won_in = np.full(projects, rounds)  # the round each project won in
        won_in[self.winners] = np.arange(rounds)
        won = won_in[None, :] <= np.arange(rounds)[:, None]
        self.rivals = candidates & ~won & ~self._never_rounds()
        self.final_rivals = candidates & (won_in == rounds)
        self.co_support = data.co_support_matrix[self.winners]

    def _never_rounds(self) -> np.ndarray:
        """Per round, the projects that can never undercut its winner: their lowest possible
        rho (everyone paying a full share) is above the winner's rho at the start, or equal
        but behind it in the tie order. Prices only fall as budgets grow."""
        data, winners = self.data, self.run.winners
        lowest = self.costs / np.where(data.total_utility > 0, data.total_utility, np.inf)
        rhos = np.array(self.run.rhos, dtype=float)[:, None]
        never = lowest[None, :] > rhos * (1 + 1e-9)
        for t, p in np.argwhere(np.abs(lowest[None, :] - rhos) <= rhos * 1e-9).tolist():
            if p in winners[: t + 1]:
                continue  # no longer a rival: whatever it is marked
            exact = self.run.exact_rho(t)  # too close for floats
            floor = Fraction(data.profile.scaled_costs[p]) / int(data.utilities[p].sum())
            behind = data.tie_order[p] > data.tie_order[winners[t]]
            never[t, p] = floor > exact or (floor == exact and behind)
        return never

    def steps_with_same_outcome(self, size: int) -> int:
        """Chain proofs from the run, the first over `size` steps: each proven interval's
        far end starts the next one, until no interval can be proven."""
        base, proven = _Trajectory.of_run(self.run), 0
        while True:
            jump, far, ratio = self._longest_proof(base, size)
            if not jump:
                return proven
            proven += jump
            self.first_size = self.first_size or jump
            size = min(_scaled(jump, ratio), _steps_to_closing(base, far, jump))
            if not size:
                return proven
            base = far

    def _longest_proof(self, base: _Trajectory, size: int) -> tuple[int, _Trajectory, float]:
        """The longest interval from `base` proven in a few attempts, the trajectory at its
        far end and the share of the margins it used. The share used grows about in
        proportion to the size: one over `size` steps that used a share `ratio` suggests
        about size / ratio steps next (within a factor of 4); after a failure, the next
        size is interpolated between the longest proven and the shortest failed."""
        proven, far_end, used = 0, base, 0.0
        failed, failed_ratio = MAX_JUMP + 1, np.inf
        for _ in range(MAX_ATTEMPTS):
            ratio, trajectory = self.prove(base, size)
            self.float_runs += 1
            if ratio == np.inf:
                break  # a rival lacks nothing at the near end: no shorter proof either
            if ratio < 1:
                proven, far_end, used = size, trajectory, ratio
                if ratio > GOOD_ENOUGH or size >= MAX_JUMP:
                    break
            else:
                failed, failed_ratio = size, ratio
            if failed > MAX_JUMP:
                size = _scaled(size, ratio)
            else:  # between the longest proven and the shortest failed
                share = (SIZE_FACTOR - used) / (failed_ratio - used)
                size = min(int(proven + (failed - proven) * share), _scaled(failed, failed_ratio))
            if not proven < size < failed:
                break
        return proven, far_end, used

    def prove(self, base: _Trajectory, size: int) -> tuple[float, _Trajectory]:
        """Checks one interval [base, base + size steps], following the winners in floats
        (`proof_kernel.check`): the worst ratio of what a rival could gain to what it lacks,
        below 1 when the outcome is proven constant, and the trajectory at the far end.

        A rival's supporters gain at most: every voter the width of the interval, plus, in
        each round it paid a full share in, the fall of that share (a voter short of a full
        share gains less); summed over the rival's supporters with the co-support counts."""
        data = self.data
        width = size * self.unit
        far_budget = base.voter_budget + width
        rounds, projects = self.rivals.shape
        far = _Trajectory(
            voter_budget=far_budget,
            rhos=np.empty(rounds),
            margins=np.empty((rounds, projects)),
            final_money=np.empty(projects),
        )
        r_ptr, count, share = self.nodes
        chain = (
            self.winners, r_ptr, self.links, self.leaves, self.rivals, self.final_rivals,
            self.co_support, count, share, self.costs, data.total_utility, self.sizes,
        )  # fmt: skip
        near = (base.voter_budget, base.rhos, base.margins, base.lacking, base.final_money)
        ratio = proof_kernel.check(
            chain,
            self.lists,
            self.groups,
            near,
            (far.rhos, far.margins, far.final_money),
            width,
            TOLERANCE * max(far_budget, 1.0),
            RELATIVE_SLACK * (self.costs + self.sizes * far_budget),
            TIGHTEN,
        )
        return ratio, far
