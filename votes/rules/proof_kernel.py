"""The compiled loop of one proof of the completion search (`budget_increase`).

A proof follows the winners of a run at the far end of an interval of voter budgets and
bounds, round by round, what every rival's supporters could pay (see `budget_increase`).
Most of that work only concerns a few voters: those short of a full share at the near end
(a voter paying in full at the near end pays in full on the whole interval) and the
supporters of the rivals that need the tight bound. NumPy would touch every supporter of
every winner in every proof; this loop touches only those voters, and brings each one's
budget up to date on demand from the rounds it took part in ("catching up"). It is compiled
with numba; the cache keeps the machine code between processes.

Voters who back the same winners with the same utilities pay alike on the whole interval
(same budget, same payments): the proof follows one class for all of them, with their
count (`voter_classes`); on Budapest 2024 that is some 4,500 classes for 29,000 voters.

Every class's budget follows one formula whatever its side: max(0, budget - rho * share).

The arrays come in tuples:
- chain (the winners followed): (winners, offsets of each round's supporters by class laid
  end to end, for each class the start and end of its entries, the round and the share per
  unit of rho of each entry, rivals per round, rivals after the last round, co-support per
  round, each round's classes, their counts and shares, costs, total utility per project,
  supporters per project);
- lists (each project's supporters by class, laid out on first use by `project_classes`):
  (class of each voter, supporters' offsets per project, supporters, their utilities, laid
  out yet, entries per project, then per entry its class, count and utility, each
  supporter's entry, the last entry of each class, each project's supporters by utility);
- near end: (voter budget, rhos, short lists, margins, exact margins or nan, final money);
- far end, written: (rhos, short lists, margins, final money);
- short lists: (positions among the rounds' classes laid end to end of those who may be
  short, round after round; where each round's start).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from votes.rules.run_kernel import water_filling


@njit(cache=True)
def voter_classes(sup_ptr, sup_idx, sup_u, order, winners, n):
    """Voters who support the same winners with the same utilities start with the same
    budget and pay the same in every round: one class stands for all of them. Classes are
    refined winner by winner (a class splits by what its voters gave the winner; the order
    of the winners does not matter). `order`: each project's supporters by utility (the
    positions in `sup_idx`). Returns each voter's class and how many classes."""
    size = 1
    for w in winners:
        size += sup_ptr[w + 1] - sup_ptr[w]
    of = np.zeros(n, dtype=np.int64)
    stamp = np.full(size, -1, dtype=np.int64)
    given = np.zeros(size)
    moved = np.empty(size, dtype=np.int64)
    made = 1
    for t in range(len(winners)):
        w = winners[t]
        for k in range(sup_ptr[w], sup_ptr[w + 1]):
            q = order[k]
            c = of[sup_idx[q]]
            if stamp[c] != t or given[c] != sup_u[q]:
                stamp[c], given[c], moved[c] = t, sup_u[q], made
                made += 1
            of[sup_idx[q]] = moved[c]
    dense = np.full(made, -1, dtype=np.int64)  # number the classes with voters 0, 1, ...
    classes = 0
    for i in range(n):
        if dense[of[i]] < 0:
            dense[of[i]] = classes
            classes += 1
        of[i] = dense[of[i]]
    return of, classes


@njit(cache=True)
def project_classes(p, lists):
    """Lay out p's supporters by class, once: (class, count, utility) entries from p's
    offset on, one per class and utility its voters gave p, and each supporter's entry."""
    of, sup_ptr, sup_idx, sup_u, laid, length, p_class, p_count, p_u, entry, seen, order = lists
    if laid[p]:
        return
    first = sup_ptr[p]
    listed = first
    for position in range(first, sup_ptr[p + 1]):
        q = order[position]
        c = of[sup_idx[q]]
        k = seen[c]
        if k < first or k >= listed or p_class[k] != c or p_u[k] != sup_u[q]:
            k = listed
            seen[c] = k
            p_class[k], p_count[k], p_u[k] = c, 0.0, sup_u[q]
            listed += 1
        p_count[k] += 1.0
        entry[q] = k
    length[p] = listed - first
    laid[p] = True


@njit(cache=True)
def chain_rounds(winners, lists):
    """For the winners followed by a chain of proofs: each round's supporters by class
    (offsets per round, class, count, share), the entry there of each of the winners'
    supporters (in the election's order, end to end), and each class's entries in round
    order ((start, end) per class, then each entry's round and share)."""
    sup_ptr, length, entry = lists[1], lists[5], lists[9]
    p_class, p_count, p_u = lists[6], lists[7], lists[8]
    rounds = len(winners)
    r_ptr = np.zeros(rounds + 1, dtype=np.int64)
    supporters = 0
    for t in range(rounds):
        project_classes(winners[t], lists)
        r_ptr[t + 1] = r_ptr[t] + length[winners[t]]
        supporters += sup_ptr[winners[t] + 1] - sup_ptr[winners[t]]
    entries = r_ptr[rounds]
    r_class, r_count, r_share = np.empty(entries, np.int64), np.empty(entries), np.empty(entries)
    entry_of = np.empty(supporters, dtype=np.int64)
    classes = len(lists[10])
    c_end = np.zeros(classes + 1, dtype=np.int64)
    position = 0
    for t in range(rounds):
        w = winners[t]
        shift = r_ptr[t] - sup_ptr[w]
        for k in range(sup_ptr[w], sup_ptr[w] + length[w]):
            r_class[k + shift], r_count[k + shift] = p_class[k], p_count[k]
            r_share[k + shift] = p_u[k]
            c_end[p_class[k] + 1] += 1
        for q in range(sup_ptr[w], sup_ptr[w + 1]):
            entry_of[position] = entry[q] + shift
            position += 1
    for c in range(classes):
        c_end[c + 1] += c_end[c]
    c_start = c_end[:-1].copy()
    filled = c_start.copy()
    c_round = np.empty(entries, dtype=np.int64)
    c_share = np.empty(entries)
    for t in range(rounds):
        for k in range(r_ptr[t], r_ptr[t + 1]):
            c = r_class[k]
            c_round[filled[c]], c_share[filled[c]] = t, r_share[k]
            filled[c] += 1
    by_round = (r_ptr, r_class, r_count, r_share, entry_of)
    return by_round, (c_start, c_end[1:].copy(), c_round, c_share)


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
def _examine(t, walk, chain, near, far_short, buffers):
    """Bring up to date the winner's supporters short at the near end (the others pay a
    full share on the whole interval); their budgets, shares, counts, classes and positions
    in the short lists go to the buffers. Those with nothing left at either end (emptied
    for sure in an earlier round) are short on the whole interval and pay nothing: they only
    count by their shares, and go straight to the far end's list. Returns how many are in
    the buffers, the shares of the others, and the length of the far end's list."""
    before, shares, counts, examined, positions = buffers
    listed, starts = near[2]
    far_listed, far_starts = far_short
    r_class, r_count, r_share = chain[9], chain[10], chain[11]
    count = 0
    emptied = 0.0
    far_count = far_starts[t]
    for k in range(starts[t], starts[t + 1]):
        position = listed[k]
        c = r_class[position]
        if walk[11][c]:
            emptied += r_count[position] * r_share[position]
            far_listed[far_count] = position
            far_count += 1
            continue
        _catch_up(c, t, walk, chain)
        before[count] = walk[0][c]
        shares[count] = r_share[position]
        counts[count] = r_count[position]
        examined[count] = c
        positions[count] = position
        count += 1
    return count, emptied, far_count


@njit(cache=True)
def _far_price(count, buffers, cost, total, utility):
    """rho at the far end, from below: the voters examined include every short one, so
    counting them all short gives a rho no higher than the true one; each step counts those
    short at the last rho and only raises it, until it no longer moves (else water-filling
    in order, as the run does)."""
    before, shares, counts = buffers[0], buffers[1], buffers[2]
    rho = cost / total
    if count and total - utility > 0.0:
        held = 0.0
        for j in range(count):
            held += counts[j] * before[j]
        rho = max(rho, (cost - held) / (total - utility))
    for _ in range(12):
        paid = 0.0
        rest = total
        for j in range(count):
            if before[j] < rho * shares[j]:
                paid += counts[j] * before[j]
                rest -= counts[j] * shares[j]
        if rest <= 0.0:
            break
        higher = max(rho, (cost - paid) / rest)
        if higher == rho:
            return rho  # the same short voters again
        rho = higher
    return water_filling(before[:count], shares[:count], counts[:count], cost, total)[0]


@njit(cache=True)
def _price_slopes(count, buffers, rho, total, utility, tolerance, walk):
    """Bounds on how fast the round's rho falls per unit of voter budget: the short
    voters' budgets grow and cover more of the cost, shared by those paying in full. Every
    examined voter may be short somewhere on the interval; only those clearly short at the
    far end are short on all of it."""
    before, shares, counts, examined = buffers[0], buffers[1], buffers[2], buffers[3]
    low, high = walk[1], walk[2]
    full_high = total
    high_sum = 0.0
    low_sum = 0.0
    for j in range(count):
        c = examined[j]
        high_sum += counts[j] * high[c]
        if before[j] < rho * shares[j] - tolerance:
            full_high -= counts[j] * shares[j]
            low_sum += counts[j] * low[c]
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
def _tight_ratio(t, p, rho_far, price_deviation, width, walk, chain, lists, near, far, ab):
    """Bound what p's supporters could pay at the winner's price over the interval (a
    concave piecewise-linear function of the voter budget) against p's cost."""
    project_classes(p, lists)
    first, p_class, p_count, p_u = lists[1][p], lists[6], lists[7], lists[8]
    budgets, low, high = walk[0], walk[1], walk[2]
    rho_near, lacking_known = near[1][t], near[4]
    a, b, c, e = ab
    cost = chain[12][p]
    lacking = lacking_known[t, p]
    known = not np.isnan(lacking)
    near_pay = 0.0
    far_pay = 0.0
    count = 0
    for k in range(first, first + lists[5][p]):
        voters = p_class[k]
        if walk[11][voters]:
            continue  # nothing at either end: pays nothing anywhere on the interval
        u, many = p_u[k], p_count[k]
        _catch_up(voters, t, walk, chain)
        near_budget = walk[9][voters]
        far_pay += many * min(budgets[voters], rho_far * u)
        if not known:
            near_pay += many * min(near_budget, rho_near * u)
        a[count] = many * (near_budget + (high[voters] - low[voters]) * width / 4)
        b[count] = many * (budgets[voters] - near_budget) / width
        c[count] = many * (rho_near + price_deviation) * u
        e[count] = many * (rho_far - rho_near) / width * u
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
def _rivals(t, rho, deviation, width, tighten, walk, chain, lists, near, far, ab):
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
        ratio = _tight_ratio(t, p, rho, deviation, width, walk, chain, lists, near, far, ab)
        if ratio >= 1.0:
            return ratio
        worst = max(worst, ratio)
    return worst


@njit(cache=True)
def _after_last_round(walk, chain, lists, near, far):
    """No project may become affordable after the last round."""
    sup_ptr, length, p_class, p_count = lists[1], lists[5], lists[6], lists[7]
    costs = chain[12]
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
            project_classes(p, lists)
            for k in range(sup_ptr[p], sup_ptr[p] + length[p]):
                if not walk[11][p_class[k]]:
                    _catch_up(p_class[k], rounds, walk, chain)
                    money += p_count[k] * walk[0][p_class[k]]
            far_money[p] = money
            if lacking > 0.0:  # money after the last round only grows: below 1, p is out
                ratio = (money + slack[p] - final_money[p]) / lacking
        worst = max(worst, ratio)
    return worst


@njit(cache=True)
def _largest(ptr):
    largest = 1
    for k in range(len(ptr) - 1):
        largest = max(largest, ptr[k + 1] - ptr[k])
    return largest


@njit(cache=True)
def check(chain, lists, near, far, width, tolerance, slack, tighten):
    """Worst ratio of (what a rival could gain) to (what it lacks) over all rounds and the
    rivals that need the tight bound (the cheap bound used less than `tighten` < 1 of the
    others' margins); below 1 the outcome is proven constant on [x0, x0 + width], x0 the
    near end's voter budget. Writes the far end (complete only below 1). Infinite when a
    rival lacks nothing at the near end already: no interval from there can be proven."""
    costs, total_utility, sizes, co_support = chain[12], chain[13], chain[14], chain[8]
    winners = chain[0]
    rounds, classes = len(winners), len(chain[2])
    walk = (
        np.full(classes, near[0] + width),  # budgets at the far end
        np.ones(classes),  # lowest slope of each budget
        np.ones(classes),  # highest slope
        chain[2].copy(),  # next entry of each class to apply
        far[0],  # rhos at the far end
        np.zeros(rounds),  # lowest fall of each rho per unit of voter budget
        np.zeros(rounds),  # highest
        width * sizes,  # most each rival gains
        slack,
        np.full(classes, near[0]),  # budgets at the near end
        near[1],  # rhos at the near end
        np.zeros(classes, dtype=np.bool_),  # emptied at both ends (so in every later round)
    )
    size = _largest(chain[1])
    buffers = (
        np.empty(size),  # budgets before the round at the far end
        np.empty(size),  # shares per unit of rho
        np.empty(size),  # voters in the class
        np.empty(size, dtype=np.int64),  # classes
        np.empty(size, dtype=np.int64),  # positions in the short lists
    )
    before, shares, counts, examined, positions = buffers
    rival_size = _largest(lists[1])
    ab = (np.empty(rival_size), np.empty(rival_size), np.empty(rival_size), np.empty(rival_size))
    worst = 0.0
    for t in range(rounds):
        w = winners[t]
        count, emptied, far_count = _examine(t, walk, chain, near, far[1], buffers)
        # The emptied supporters are short whatever rho: as if they did not support w.
        total = total_utility[w] - emptied
        utility = 0.0
        for j in range(count):
            utility += counts[j] * shares[j]
        rho = _far_price(count, buffers, costs[w], total, utility)
        price_low, price_high = _price_slopes(count, buffers, rho, total, utility, tolerance, walk)
        far[0][t] = rho
        for j in range(count):  # may be short at the far end: the next proof's hint
            if before[j] < rho * shares[j] + tolerance:
                far[1][0][far_count] = positions[j]
                far_count += 1
        far[1][1][t + 1] = far_count
        far[2][t] = near[3][t] - walk[7]
        deviation = (price_high - price_low) * width / 4
        worst = max(
            worst, _rivals(t, rho, deviation, width, tighten, walk, chain, lists, near, far, ab)
        )
        if worst >= 1.0:
            return worst
        # Carry the slope bounds through the round, and pay.
        walk[5][t], walk[6][t] = price_low, price_high
        for j in range(count):
            c = examined[j]
            walk[1][c] = 0.0
            short_for_sure = before[j] < rho * shares[j] - tolerance
            walk[2][c] = 0.0 if short_for_sure else walk[2][c] + price_high * shares[j]
            # Short for sure at the far end, so at the near end: nothing left at either
            # end, now and in every later round, where it is short at the near end.
            walk[11][c] = walk[11][c] or short_for_sure
            walk[0][c] = max(before[j] - rho * shares[j], 0.0)
            walk[9][c] = max(walk[9][c] - near[1][t] * shares[j], 0.0)
            walk[3][c] += 1  # past round t, where it supports the winner
        fall = near[1][t] - rho
        if fall > 0.0:
            walk[7][:] += fall * co_support[t]
    return max(worst, _after_last_round(walk, chain, lists, near, far))
