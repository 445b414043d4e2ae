"""The compiled loop of one proof of the completion search (`budget_increase`).

A proof follows the winners of a run at the far end of an interval of voter budgets and
bounds, round by round, what every rival's supporters could pay (see `budget_increase`).
Most of that work only concerns a few voters: those short of a full share at the near end
(a voter paying in full at the near end pays in full on the whole interval) and the
supporters of the rivals that need the tight bound. NumPy would touch every supporter of
every winner in every proof; this loop touches only those voters, and brings each one's
budget up to date on demand from the rounds it took part in ("catching up"). It is compiled
with numba; the cache keeps the machine code between processes.

Every voter's budget follows one formula whatever its side: max(0, budget - rho * share).

The arrays come in tuples:
- election: (supporters' offsets per project, supporters, their utilities, costs, total
  utility per project);
- chain (the winners followed): (winners, offsets of each round's supporters laid end to
  end, for each voter the start and end of its entries, the round and the share per unit
  of rho of each entry, rivals per round, rivals after the last round, co-support per round);
- near end: (voter budget, rhos, short lists, margins, exact margins or nan, final money);
- far end, written: (rhos, short lists, margins, final money);
- short lists: (positions among the winners' supporters laid end to end of those who may
  be short, round after round; where each round's start).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from votes.rules.run_kernel import water_filling


@njit(cache=True)
def entries_by_voter(sup_ptr, sup_idx, sup_u, winners, n):
    """For each voter, the rounds whose winner it supports, in order, and its utility
    there (the share it pays per unit of rho): (start, end) of its entries, then each
    entry's round and share."""
    ends = np.zeros(n + 1, dtype=np.int64)
    for w in winners:
        for q in range(sup_ptr[w], sup_ptr[w + 1]):
            ends[sup_idx[q] + 1] += 1
    for i in range(n):
        ends[i + 1] += ends[i]
    starts = ends[:-1].copy()
    filled = starts.copy()
    rounds = np.empty(ends[n], dtype=np.int64)
    shares = np.empty(ends[n])
    for t in range(len(winners)):
        w = winners[t]
        for q in range(sup_ptr[w], sup_ptr[w + 1]):
            i = sup_idx[q]
            rounds[filled[i]] = t
            shares[filled[i]] = sup_u[q]
            filled[i] += 1
    return starts, ends[1:].copy(), rounds, shares


@njit(cache=True)
def _catch_up(i, t, walk, chain):
    """Apply to voter i the rounds before t it has not been brought through: rounds it paid
    a full share in at the near end, so at the far end too (slopes grow with the share)."""
    budgets, low, high, next_entry, rhos, price_low, price_high = walk[:7]
    near_budgets, near_rhos = walk[9], walk[10]
    v_end, v_round, v_share = chain[3], chain[4], chain[5]
    k = next_entry[i]
    while k < v_end[i] and v_round[k] < t:
        r = v_round[k]
        share = v_share[k]
        left = budgets[i] - rhos[r] * share
        budgets[i] = left if left > 0.0 else 0.0
        left = near_budgets[i] - near_rhos[r] * share
        near_budgets[i] = left if left > 0.0 else 0.0
        low[i] += price_low[r] * share
        high[i] += price_high[r] * share
        k += 1
    next_entry[i] = k


@njit(cache=True)
def _examine(t, walk, chain, election, near, far_short, before, shares, examined, positions):
    """Bring up to date the winner's supporters short at the near end (the others pay a
    full share on the whole interval); their budgets, shares, ids and positions in the
    short lists go to the buffers. Those with nothing left at either end (emptied for sure
    in an earlier round) are short on the whole interval and pay nothing: they only count
    by their shares, and go straight to the far end's list. Returns how many are in the
    buffers, the shares of the others, and the length of the far end's list."""
    listed, starts = near[2]
    far_listed, far_starts = far_short
    sup_ptr, sup_idx, sup_u = election[0], election[1], election[2]
    first, offset = sup_ptr[chain[0][t]], chain[1][t]
    count = 0
    emptied = 0.0
    far_count = far_starts[t]
    for k in range(starts[t], starts[t + 1]):
        position = listed[k]
        j = position - offset
        i = sup_idx[first + j]
        if walk[11][i]:
            emptied += sup_u[first + j]
            far_listed[far_count] = position
            far_count += 1
            continue
        _catch_up(i, t, walk, chain)
        before[count] = walk[0][i]
        examined[count] = i
        positions[count] = position
        shares[count] = sup_u[first + j]
        count += 1
    return count, emptied, far_count


@njit(cache=True)
def _far_price(count, before, shares, cost, total, utility):
    """rho at the far end, from below: the voters examined include every short one, so
    counting them all short gives a rho no higher than the true one; each step counts those
    short at the last rho and only raises it, until it no longer moves (else water-filling
    in order, as the run does)."""
    rho = cost / total
    if count and total - utility > 0.0:
        rho = max(rho, (cost - before[:count].sum()) / (total - utility))
    for _ in range(12):
        paid = 0.0
        rest = total
        for j in range(count):
            if before[j] < rho * shares[j]:
                paid += before[j]
                rest -= shares[j]
        if rest <= 0.0:
            break
        higher = max(rho, (cost - paid) / rest)
        if higher == rho:
            return rho  # the same short voters again
        rho = higher
    return water_filling(before[:count], shares[:count], cost, total)[0]


@njit(cache=True)
def _price_slopes(count, before, shares, examined, rho, total, utility, tolerance, walk):
    """Bounds on how fast the round's rho falls per unit of voter budget: the short
    voters' budgets grow and cover more of the cost, shared by those paying in full. Every
    examined voter may be short somewhere on the interval; only those clearly short at the
    far end are short on all of it."""
    low, high = walk[1], walk[2]
    full_high = total
    high_sum = 0.0
    low_sum = 0.0
    for j in range(count):
        i = examined[j]
        high_sum += high[i]
        if before[j] < rho * shares[j] - tolerance:
            full_high -= shares[j]
            low_sum += low[i]
    full_low = total - utility
    if full_low <= 0.0:
        return 0.0, np.inf
    return low_sum / full_high, high_sum / full_low


@njit(cache=True)
def _concave_maximum(a, b, c, e, count, width):
    """Maximum over x in [0, width] of sum(min(a + b x, c + e x)) over the first `count`
    entries: concave and piecewise linear, so its maximum is where its slope turns
    negative. The tangents at both ends bound it first; the exact maximum sorts the kinks."""
    slope_start = 0.0
    slope_end = 0.0
    at_start = 0.0
    at_end = 0.0
    for j in range(count):
        first_is_lower = a[j] < c[j] or (a[j] == c[j] and b[j] <= e[j])
        slope_start += b[j] if first_is_lower else e[j]
        at_start += a[j] if first_is_lower else c[j]
        first_end, second_end = a[j] + b[j] * width, c[j] + e[j] * width
        last_is_lower = first_end < second_end or (first_end == second_end and b[j] >= e[j])
        slope_end += b[j] if last_is_lower else e[j]
        at_end += first_end if last_is_lower else second_end
    if slope_start <= 0.0:
        return at_start
    if slope_end >= 0.0:
        return at_end
    points = np.empty(count)
    changes = np.empty(count)
    inside = 0
    for j in range(count):
        d = b[j] - e[j]
        if d == 0.0:
            continue
        crossing = (c[j] - a[j]) / d
        if np.isfinite(crossing) and 0.0 < crossing < width:
            points[inside] = crossing
            first_is_lower = a[j] < c[j] or (a[j] == c[j] and b[j] <= e[j])
            changes[inside] = (e[j] - b[j]) if first_is_lower else (b[j] - e[j])
            inside += 1
    x = _weighted_quantile(points, changes, inside, slope_start, width)
    total = 0.0
    for j in range(count):
        total += min(a[j] + b[j] * x, c[j] + e[j] * x)
    return total


@njit(cache=True)
def _weighted_quantile(points, changes, count, slope, default):
    """The first point at which `slope` plus the changes at the points up to it (all
    negative: the function is concave) is no longer positive, or `default`: a selection in
    linear expected time, without sorting. Reorders the first `count` entries."""
    low, high = 0, count
    while low < high:
        pivot = points[low + (high - low) // 2]
        # Three parts: below the pivot, at it, above it.
        below, above = low, high
        j = low
        while j < above:
            if points[j] < pivot:
                points[below], points[j] = points[j], points[below]
                changes[below], changes[j] = changes[j], changes[below]
                below += 1
                j += 1
            elif points[j] > pivot:
                above -= 1
                points[above], points[j] = points[j], points[above]
                changes[above], changes[j] = changes[j], changes[above]
            else:
                j += 1
        change_below = 0.0
        for k in range(low, below):
            change_below += changes[k]
        if slope + change_below <= 0.0:
            high = below
            continue
        change_at = 0.0
        for k in range(below, above):
            change_at += changes[k]
        if slope + change_below + change_at <= 0.0:
            return pivot
        slope += change_below + change_at
        low = above
    return default


@njit(cache=True)
def _tight_ratio(t, p, rho_far, price_deviation, width, walk, chain, election, near, far, ab):
    """Bound what p's supporters could pay at the winner's price over the interval (a
    concave piecewise-linear function of the voter budget) against p's cost."""
    sup_ptr, sup_idx, sup_u, costs = election[0], election[1], election[2], election[3]
    budgets, low, high = walk[0], walk[1], walk[2]
    rho_near, lacking_known = near[1][t], near[4]
    a, b, c, e = ab
    cost = costs[p]
    lacking = lacking_known[t, p]
    known = not np.isnan(lacking)
    near_pay = 0.0
    far_pay = 0.0
    count = 0
    for q in range(sup_ptr[p], sup_ptr[p + 1]):
        i = sup_idx[q]
        if walk[11][i]:
            continue  # nothing at either end: pays nothing anywhere on the interval
        u = sup_u[q]
        _catch_up(i, t, walk, chain)
        near_budget = walk[9][i]
        far_pay += min(budgets[i], rho_far * u)
        if not known:
            near_pay += min(near_budget, rho_near * u)
        a[count] = near_budget + (high[i] - low[i]) * width / 4
        b[count] = (budgets[i] - near_budget) / width
        c[count] = (rho_near + price_deviation) * u
        e[count] = (rho_far - rho_near) / width * u
        count += 1
    far[2][t, p] = cost - far_pay
    if not known:
        lacking = cost - near_pay
        lacking_known[t, p] = lacking
        near[3][t, p] = lacking
    if lacking <= 0.0:
        return np.inf
    most = _concave_maximum(a, b, c, e, count, width)
    return (most + walk[8][p] - (cost - lacking)) / lacking


@njit(cache=True)
def _rivals(t, rho, deviation, width, tighten, walk, chain, election, near, far, ab):
    """Worst ratio over this round's rivals that need the tight bound: the cheap one (what
    the supporters gain at most, against the margin) proves the others, whose tight ratio
    would be smaller still; they do not count in the ratio, which sizes the next attempt."""
    gain, slack = walk[7], walk[8]
    rivals, margins = chain[6][t], near[3][t]
    worst = 0.0
    for p in range(len(rivals)):
        if not rivals[p]:
            continue
        margin = margins[p]
        if margin > 0.0 and gain[p] + slack[p] < tighten * margin:
            continue  # proven by the cheap bound
        ratio = _tight_ratio(t, p, rho, deviation, width, walk, chain, election, near, far, ab)
        if ratio >= 1.0:
            return ratio
        worst = max(worst, ratio)
    return worst


@njit(cache=True)
def _after_last_round(walk, chain, election, near, far):
    """No project may become affordable after the last round."""
    sup_ptr, sup_idx, costs = election[0], election[1], election[3]
    gain, slack = walk[7], walk[8]
    final_rivals, final_money, far_money = chain[7], near[5], far[3]
    rounds = len(chain[0])
    worst = 0.0
    for p in range(len(costs)):
        far_money[p] = final_money[p] + gain[p]
        if not final_rivals[p]:
            continue
        lacking = costs[p] - final_money[p]
        ratio = (gain[p] + slack[p]) / lacking if lacking > 0.0 else np.inf
        if ratio >= 1.0:  # count its money exactly
            money = 0.0
            for q in range(sup_ptr[p], sup_ptr[p + 1]):
                if not walk[11][sup_idx[q]]:
                    _catch_up(sup_idx[q], rounds, walk, chain)
                    money += walk[0][sup_idx[q]]
            far_money[p] = money
            if lacking > 0.0:  # money after the last round only grows: below 1, p is out
                ratio = (money + slack[p] - final_money[p]) / lacking
        worst = max(worst, ratio)
    return worst


@njit(cache=True)
def _largest(sup_ptr, projects):
    largest = 1
    for p in projects:
        largest = max(largest, sup_ptr[p + 1] - sup_ptr[p])
    return largest


@njit(cache=True)
def check(election, chain, near, far, width, tolerance, slack, tighten):
    """Worst ratio of (what a rival could gain) to (what it lacks) over all rounds and the
    rivals that need the tight bound (the cheap bound used less than `tighten` < 1 of the
    others' margins); below 1 the outcome is proven constant on [x0, x0 + width], x0 the
    near end's voter budget. Writes the far end (complete only below 1). Infinite when a rival lacks
    nothing at the near end already: no interval from there can be proven."""
    sup_ptr, costs, total_utility, co_support = election[0], election[3], election[4], chain[8]
    winners = chain[0]
    rounds, n, projects = len(winners), len(chain[2]), len(costs)
    walk = (
        np.full(n, near[0] + width),  # budgets at the far end
        np.ones(n),  # lowest slope of each budget
        np.ones(n),  # highest slope
        chain[2].copy(),  # next entry of each voter to apply
        far[0],  # rhos at the far end
        np.zeros(rounds),  # lowest fall of each rho per unit of voter budget
        np.zeros(rounds),  # highest
        width * (sup_ptr[1:] - sup_ptr[:-1]).astype(np.float64),  # most each rival gains
        slack,
        np.full(n, near[0]),  # budgets at the near end
        near[1],  # rhos at the near end
        np.zeros(n, dtype=np.bool_),  # emptied at both ends (so in every later round)
    )
    size = _largest(sup_ptr, winners)
    before, shares = np.empty(size), np.empty(size)
    examined, positions = np.empty(size, dtype=np.int64), np.empty(size, dtype=np.int64)
    rival_size = _largest(sup_ptr, np.arange(projects))
    ab = (np.empty(rival_size), np.empty(rival_size), np.empty(rival_size), np.empty(rival_size))
    worst = 0.0
    for t in range(rounds):
        w = winners[t]
        count, emptied, far_count = _examine(
            t, walk, chain, election, near, far[1], before, shares, examined, positions
        )
        # The emptied supporters are short whatever rho: as if they did not support w.
        total = total_utility[w] - emptied
        utility = shares[:count].sum()
        rho = _far_price(count, before, shares, costs[w], total, utility)
        price_low, price_high = _price_slopes(
            count, before, shares, examined, rho, total, utility, tolerance, walk
        )
        far[0][t] = rho
        for j in range(count):  # may be short at the far end: the next proof's hint
            if before[j] < rho * shares[j] + tolerance:
                far[1][0][far_count] = positions[j]
                far_count += 1
        far[1][1][t + 1] = far_count
        far[2][t] = near[3][t] - walk[7]
        deviation = (price_high - price_low) * width / 4
        worst = max(
            worst, _rivals(t, rho, deviation, width, tighten, walk, chain, election, near, far, ab)
        )
        if worst >= 1.0:
            return worst
        # Carry the slope bounds through the round, and pay.
        walk[5][t], walk[6][t] = price_low, price_high
        for j in range(count):
            i = examined[j]
            walk[1][i] = 0.0
            short_for_sure = before[j] < rho * shares[j] - tolerance
            walk[2][i] = 0.0 if short_for_sure else walk[2][i] + price_high * shares[j]
            # Short for sure at the far end, so at the near end: nothing left at either
            # end, now and in every later round, where it is short at the near end.
            walk[11][i] = walk[11][i] or short_for_sure
            walk[0][i] = max(before[j] - rho * shares[j], 0.0)
            walk[9][i] = max(walk[9][i] - near[1][t] * shares[j], 0.0)
            walk[3][i] += 1  # past round t, where it supports the winner
        fall = near[1][t] - rho
        if fall > 0.0:
            walk[7][:] += fall * co_support[t]
    return max(worst, _after_last_round(walk, chain, election, near, far))
