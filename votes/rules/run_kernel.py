"""Compiled loops of one run of Equal Shares (`equal_shares_run`): pricing a project from
its supporters' float budgets, and moving each project's money after a payment. Floats
only: the run decides with them only where their margins are far above their errors."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def estimate(first, last, supporters, utilities, budgets, cost, total, unit, margin):
    """(money of the supporters, rho, utility paying a full share) for the project whose
    supporters are supporters[first:last]. rho approximately solves
    sum(min(budget, rho * utility)) = cost: by fixed-point iteration from below (each step
    only raises rho, counting short supporters no more than the true ones), else by
    water-filling in order of budget per utility. `unit` > 0: every supporter's utility.
    rho is infinite if the money is below the cost by more than `margin`, nan if within
    `margin` of it (floats cannot tell whether it is affordable); a negative margin skips
    that check (the project is known to be affordable)."""
    count = last - first
    rho = cost / total
    money, paid, rest = _pass(first, count, supporters, utilities, budgets, total, unit, rho)
    if margin >= 0.0 and money < cost - margin:
        return money, np.inf, 0.0
    if margin >= 0.0 and money < cost + margin:
        return money, np.nan, 0.0
    for _ in range(12):  # each step counts those short at the last rho, and raises it
        if rest <= 0.0:
            break
        higher = max(rho, (cost - paid) / rest)
        if higher == rho:
            return money, rho, rest  # the same short supporters again
        rho = higher
        _, paid, rest = _pass(first, count, supporters, utilities, budgets, total, unit, rho)
    rho, rest = _water_filling(first, count, supporters, utilities, budgets, cost, total, unit)
    return money, rho, rest


@njit(cache=True)
def _pass(first, count, supporters, utilities, budgets, total, unit, rho):
    """(money of the supporters, money of those short of rho * utility, utility of the
    others), in one pass."""
    money = 0.0
    paid = 0.0
    rest = total
    for j in range(count):
        budget = budgets[supporters[first + j]]
        share = unit if unit > 0.0 else utilities[first + j]
        money += budget
        if budget < rho * share:
            paid += budget
            rest -= share
    return money, paid, rest


@njit(cache=True)
def _water_filling(first, count, supporters, utilities, budgets, cost, total, unit):
    """`water_filling` for the project whose supporters are supporters[first:last]."""
    held, shares = np.empty(count), np.empty(count)
    for j in range(count):
        held[j] = budgets[supporters[first + j]]
        shares[j] = unit if unit > 0.0 else utilities[first + j]
    return water_filling(held, shares, np.ones(count), cost, total)


@njit(cache=True)
def water_filling(budgets, shares, counts, cost, total):
    """rho such that sum(count * min(budget, rho * share)) plus rho times the utility of
    those left out (`total` minus the shares given) equals `cost`, filling up in order of
    budget per share: who cannot pay rho * share is short. With the utility paying a full
    share. `counts`: how many voters each budget and share stand for."""
    paid = 0.0
    rest = total
    rho, full = np.inf, 0.0
    for j in np.argsort(budgets / shares, kind="mergesort"):
        rho, full = (cost - paid) / rest, rest
        if rho * shares[j] <= budgets[j]:
            return rho, full  # j pays a full share, and so does everyone after j
        paid += counts[j] * budgets[j]
        rest -= counts[j] * shares[j]
    if rest > 0.0:
        return (cost - paid) / rest, rest  # all given are short: those left out pay
    return rho, full  # floats blurred whether the last one qualifies: its candidate


@njit(cache=True)
def spread(available, supporters, change, voter_starts, voter_projects):
    """Add each supporter's change of budget to the money of every project it named."""
    for j in range(len(supporters)):
        if change[j] != 0.0:
            i = supporters[j]
            for k in range(voter_starts[i], voter_starts[i + 1]):
                available[voter_projects[k]] += change[j]


@njit(cache=True)
def recorded_run(
    supporters, links, co_support, voter_budget, tolerance, costs, total_utility, units, candidates,
    tie_order,
):  # fmt: skip
    """The method at `voter_budget` in floats, recording what the completion's proofs need
    (`budget_increase`). Floats decide only with the margins `EqualSharesRun` uses; where
    they cannot (near ties, a supporter too close to its share, money too close to a cost)
    the first value returned is False: run `EqualSharesRun` instead. Otherwise the same
    choices as it, in a fraction of its time.

    `supporters`: (offsets, voters, utilities) per project; `links`: (offsets, projects)
    per voter; `co_support`: `EqualSharesInput.co_support_matrix`; `units`: each project's
    utility for every supporter, or 0. Returns (decided,
    rounds, winners, rhos, who paid a full share (round after round over the winner's
    supporters), each project's supporters' money before each round, lower bounds on each
    rho before each round and the utility paying in full there, money after the last)."""
    offsets, voters, utilities = supporters
    m = len(costs)
    budgets = np.full(len(links[0]) - 1, voter_budget)
    floor = np.full(m, np.inf)
    remaining = np.zeros(m, dtype=np.bool_)
    for p in candidates:
        floor[p] = costs[p] / total_utility[p]
        remaining[p] = True
    slope = total_utility.copy()
    available = voter_budget * (offsets[1:] - offsets[:-1]).astype(np.float64)
    most = max(len(candidates), 1)
    winners, rhos = np.empty(most, dtype=np.int64), np.empty(most)
    moneys, floors, slopes = np.empty((most, m)), np.empty((most, m)), np.empty((most, m))
    full = np.zeros(len(voters), dtype=np.bool_)
    t, filled = 0, 0
    while True:
        winner, rho = _cheapest(
            supporters,
            budgets,
            tolerance,
            costs,
            total_utility,
            units,
            floor,
            slope,
            remaining,
            available,
            tie_order,
        )
        if winner == -2:
            return False, t, winners, rhos, full, moneys, floors, slopes, available
        if winner == -1:
            break
        winners[t], rhos[t] = winner, rho
        moneys[t], floors[t], slopes[t] = available, floor, slope
        first, last = offsets[winner], offsets[winner + 1]
        # Every supporter paying rho * utility: the co-support row; those short of it paid
        # what they had, the difference goes back to each project they named.
        available -= rho * co_support[winner]
        for j in range(last - first):
            i = voters[first + j]
            before = budgets[i]
            share = rho * utilities[first + j]
            gap = before - share
            if abs(gap) <= tolerance:
                return False, t, winners, rhos, full, moneys, floors, slopes, available
            full[filled + j] = gap > tolerance
            if gap > tolerance:
                budgets[i] = gap
            else:
                budgets[i] = 0.0
                for k in range(links[0][i], links[0][i + 1]):
                    available[links[1][k]] += share - before
        filled += last - first
        remaining[winner] = False
        t += 1
    return True, t, winners, rhos, full[:filled], moneys, floors, slopes, available


@njit(cache=True)
def _cheapest(
    supporters, budgets, tolerance, costs, total_utility, units, floor, slope, remaining, available,
    tie_order,
):  # fmt: skip
    """The round's winner and its rho, as `EqualSharesRun._cheapest` finds them: projects
    in order of their lowest possible rho until that exceeds the best price found (-1:
    nothing affordable; -2: floats cannot tell). `available`: each project's supporters'
    money, kept up to date, spares pricing projects they clearly cannot afford."""
    offsets, voters, utilities = supporters
    best_high = np.inf
    estimates = np.empty((len(costs), 2))
    found = np.empty(len(costs), dtype=np.int64)
    count = 0
    for p in np.argsort(floor, kind="mergesort"):
        if not remaining[p]:
            continue
        if floor[p] > best_high:
            break
        first, last = offsets[p], offsets[p + 1]
        margin = tolerance * (last - first + 1)
        cost = costs[p]
        if available[p] < cost - 2 * margin:  # short by far more than any float error
            remaining[p] = False  # budgets only shrink: it stays unaffordable
            continue
        _, rho, paying = estimate(
            first, last, voters, utilities, budgets, cost, total_utility[p], units[p], margin
        )
        if np.isnan(rho):
            return -2, 0.0
        if np.isinf(rho):
            remaining[p] = False  # budgets only shrink: it stays unaffordable
            continue
        error = 1e-9 * (rho + cost / max(paying, 1.0))
        floor[p], slope[p] = max(rho - error, 0.0), paying
        estimates[count, 0], estimates[count, 1], found[count] = rho, error, p
        count += 1
        best_high = min(best_high, rho + error)
    return _lowest(
        count, found, estimates, best_high, supporters, budgets, tolerance, costs, tie_order
    )


@njit(cache=True)
def _lowest(count, found, estimates, best_high, supporters, budgets, tolerance, costs, tie_order):
    """The winner among the projects priced, (rho, error) each: the only one within its
    error of the best price, or else, among those too close to call in floats, the lowest
    exactly, when every supporter of each either surely pays a full share or has nothing
    left (exactly 0: it paid all it had): then its rho is exactly its cost over the utility
    of those paying, compared exactly (products of integers below 2**53), ties going by
    the tie-breaking order. Otherwise -2: exact prices decide (`EqualSharesRun`)."""
    near = 0
    for k in range(count):
        if estimates[k, 0] - estimates[k, 1] <= best_high:
            found[near], estimates[near, 0] = found[k], estimates[k, 0]
            near += 1
    if near <= 1:
        return (found[0], estimates[0, 0]) if near else (-1, 0.0)
    chosen, chosen_cost, chosen_utility = -1, 0.0, 1.0
    for k in range(near):
        p = found[k]
        paying = _paying_utility(p, estimates[k, 0], supporters, budgets, tolerance)
        if paying <= 0.0:
            return -2, 0.0
        ours, theirs = costs[p] * chosen_utility, chosen_cost * paying
        if max(ours, theirs) >= 2.0**53:
            return -2, 0.0  # floats would round the products
        if chosen < 0 or ours < theirs or (ours == theirs and tie_order[p] < tie_order[chosen]):
            chosen, chosen_cost, chosen_utility = p, costs[p], paying
    return chosen, chosen_cost / chosen_utility


@njit(cache=True)
def _paying_utility(p, rho, supporters, budgets, tolerance):
    """The utility of p's supporters with money left, if each surely pays a full share
    at `rho`; else 0."""
    offsets, voters, utilities = supporters
    paying = 0.0
    for q in range(offsets[p], offsets[p + 1]):
        budget = budgets[voters[q]]
        if budget == 0.0:
            continue  # exactly 0: it paid all it had
        if budget - rho * utilities[q] <= tolerance:
            return 0.0  # may be short of a full share
        paying += utilities[q]
    return paying


@njit(cache=True)
def co_support_matrix(voter_starts, voter_projects, voter_utilities, projects):
    """Row p, column q: the utility for p summed over the voters naming both p and q."""
    co = np.zeros((projects, projects))
    for i in range(len(voter_starts) - 1):
        for k in range(voter_starts[i], voter_starts[i + 1]):
            p, utility = voter_projects[k], voter_utilities[k]
            for other in range(voter_starts[i], voter_starts[i + 1]):
                co[p, voter_projects[other]] += utility
    return co
