"""The compiled loop of one proof of the completion search (`budget_increase`).

A proof follows the winners of a run at the far end of an interval of voter budgets and
bounds, round by round, what every rival's supporters could pay (see `budget_increase`).
It is compiled with numba; the cache keeps the machine code between processes.

Voters who paid for the same winners, with the same utilities, in the rounds before a
round have the same budget there, at both ends of the interval: a *node* stands for all of
them (with their count) in the round where they pay together. Each node's budget follows
from its parent's, the node where the same voters last paid together. Every round, the
proof sweeps the round's nodes once: some 20,000 nodes in all on Budapest 2024, for 29,000
voters and 110,000 payments (`chain_nodes`). Voters who back the same winners with the same
utilities (their *class*, `voter_classes`) pay at the same nodes: the rivals' supporters are
laid out by class (`project_classes`), and a class finds the node it last paid at before a
round by walking up from its last node. A rival's supporters grouped by that node are kept
for the chain's later proofs (`_grouped`).

Every node's budget follows one formula whatever its side: max(0, budget - rho * share).

The arrays come in tuples:
- chain (the winners followed): (winners, offsets of each round's nodes, each node's
  parent (-1: none) and round, each class's last node, rivals per round, rivals after the
  last round, co-support per round, each node's count and share per unit of rho, costs,
  total utility per project, supporters per project);
- lists (each project's supporters by class, laid out on first use by `project_classes`):
  (class of each voter, supporters' offsets per project, supporters and their utilities
  (each project's by utility), laid out yet, entries per project, then per entry its class,
  count and utility, the last entry of each class);
- groups (kept by a chain, `_grouped`): (where the groups of each round and rival start,
  how many, then each group's node, count and utility, the room used and the last key,
  and per node + 1 the last key and group that used it);
- near end: (voter budget, rhos, margins, exact margins or nan, final money);
- far end, written: (rhos, margins, final money).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from votes.rules.run_kernel import water_filling

# Columns of each node's state in a proof, and of its links in a chain.
FAR, NEAR, LOW, HIGH = 0, 1, 2, 3
PARENT, ROUND = 0, 1


@njit(cache=True)
def _refine(sup_ptr, sup_idx, sup_u, winners, n):
    """Split the voters round after round: a group of voters who paid alike so far splits
    by what its voters give the round's winner; those who give it something make a node
    together. Each project's supporters come by utility (the same utilities together).
    Returns each voter's group at the end, and the nodes: offsets of each round's, then
    each node's parent (-1: none), count, share per unit of rho and round, and each group's
    latest node."""
    size = 1
    for w in winners:
        size += sup_ptr[w + 1] - sup_ptr[w]
    r_ptr = np.zeros(len(winners) + 1, dtype=np.int64)
    parent, count = np.empty(size, np.int64), np.zeros(size)
    share, round_of = np.empty(size), np.empty(size, np.int64)
    group = np.zeros(n, dtype=np.int64)
    last = np.empty(size, dtype=np.int64)
    last[0] = -1
    stamp = np.full(size, -1, dtype=np.int64)
    given = np.empty(size)
    moved = np.empty(size, dtype=np.int64)
    made, nodes = 1, 0
    for t in range(len(winners)):
        w = winners[t]
        for q in range(sup_ptr[w], sup_ptr[w + 1]):
            i, u = sup_idx[q], sup_u[q]
            g = group[i]
            if stamp[g] != t or given[g] != u:
                stamp[g], given[g], moved[g] = t, u, made
                parent[nodes], share[nodes], round_of[nodes] = last[g], u, t
                last[made] = nodes
                made += 1
                nodes += 1
            group[i] = moved[g]
            count[last[moved[g]]] += 1.0
        r_ptr[t + 1] = nodes
    node_arrays = (parent[:nodes], count[:nodes], share[:nodes], round_of[:nodes])
    return group, r_ptr, node_arrays, last[:made]


@njit(cache=True)
def voter_classes(sup_ptr, sup_idx, sup_u, winners, n):
    """Voters who support the same winners with the same utilities start with the same
    budget and pay the same in every round: one class stands for all of them (whatever
    the order of the winners). Returns each voter's class, numbered in the order of their
    first voters, and how many classes. Each project's supporters come by utility."""
    group, _, _, last = _refine(sup_ptr, sup_idx, sup_u, winners, n)
    of = np.empty(n, dtype=np.int64)
    dense = np.full(len(last), -1, dtype=np.int64)
    classes = 0
    for i in range(n):
        if dense[group[i]] < 0:
            dense[group[i]] = classes
            classes += 1
        of[i] = dense[group[i]]
    return of, classes


def project_lists(of, classes, supporters):
    """The `lists` tuple for the classes `of` each voter: each project's supporters by class
    are laid out later, on first use (`project_classes`). `supporters`: (offsets, voters,
    utilities) per project, each project's by utility."""
    sup_ptr, sup_idx, sup_u = supporters
    size, projects = len(sup_idx), len(sup_ptr) - 1
    return (
        of, sup_ptr, sup_idx, sup_u,
        np.zeros(projects, dtype=np.bool_),  # laid out yet
        np.zeros(projects, dtype=np.int64),  # entries
        np.empty(size, dtype=np.int64),  # class
        np.empty(size),  # voters
        np.empty(size),  # utility
        np.zeros(classes, dtype=np.int64),  # the last entry of each class
    )  # fmt: skip


def chain_groups(rounds, projects, nodes, room):
    """The empty `groups` tuple of a chain with `nodes` nodes, with room for `room` groups
    (at least as many as the largest project's supporters)."""
    return (
        np.full((rounds, projects), -1, dtype=np.int64),  # where each round and rival's start
        np.zeros((rounds, projects), dtype=np.int64),  # how many
        np.empty(room, dtype=np.int64),  # each group's node
        np.empty(room),  # count
        np.empty(room),  # utility
        np.zeros(2, dtype=np.int64),  # the room used, the last key
        np.zeros(nodes + 1, dtype=np.int64),  # per node + 1: the last key that used it
        np.zeros(nodes + 1, dtype=np.int64),  # and its group
    )


@njit(cache=True)
def project_classes(p, lists):
    """Lay out p's supporters by class, once: (class, count, utility) entries from p's
    offset on, one per class and utility its voters gave p."""
    of, sup_ptr, sup_idx, sup_u, laid, length, p_class, p_count, p_u, seen = lists
    if laid[p]:
        return
    first = sup_ptr[p]
    listed = first
    for q in range(first, sup_ptr[p + 1]):
        c = of[sup_idx[q]]
        k = seen[c]
        if k < first or k >= listed or p_class[k] != c or p_u[k] != sup_u[q]:
            k = listed
            seen[c] = k
            p_class[k], p_count[k], p_u[k] = c, 0.0, sup_u[q]
            listed += 1
        p_count[k] += 1.0
    length[p] = listed - first
    laid[p] = True


@njit(cache=True)
def chain_nodes(winners, lists):
    """The nodes of the winners followed by a chain of proofs, round after round
    (`_refine`): (offsets of each round's nodes, each node's count and share), each node's
    parent (-1: none) and round, and each class's last node (-1: none)."""
    of, sup_ptr, sup_idx, sup_u = lists[0], lists[1], lists[2], lists[3]
    group, r_ptr, (parent, count, share, round_of), last = _refine(
        sup_ptr, sup_idx, sup_u, winners, len(of)
    )
    leaf = np.empty(len(lists[9]), dtype=np.int64)
    for i in range(len(of)):
        leaf[of[i]] = last[group[i]]
    links = np.empty((len(parent), 2), dtype=np.int64)
    links[:, PARENT], links[:, ROUND] = parent, round_of
    return (r_ptr, count.copy(), share.copy()), links, leaf


@njit(cache=True)
def _latest(c, t, links, leaves):
    """The node where class c last paid before round t (-1: none), from its last node up."""
    node = leaves[c]
    while node >= 0 and links[node, ROUND] >= t:
        node = links[node, PARENT]
    return node


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
    state = walk[0]
    full_high = total
    high_sum = 0.0
    low_sum = 0.0
    for j in range(count):
        k = examined[j]
        high_sum += counts[j] * state[k, HIGH]
        if before[j] < rho * shares[j] - tolerance:
            full_high -= counts[j] * shares[j]
            low_sum += counts[j] * state[k, LOW]
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
def _grouped(t, p, chain, lists, groups):
    """p's supporters grouped by the node they last paid at before round t (-1: none) and
    their utility for p: (first, end) of the groups' entries, laid out the first time a
    chain asks (its later proofs ask again). When the room (as many entries as supporters
    of all projects) runs out, the groups laid out so far are dropped."""
    slot, length, node_of, many_of, u_of, filled, seen, seen_at = groups
    if slot[t, p] >= 0:
        return slot[t, p], slot[t, p] + length[t, p]
    project_classes(p, lists)
    first, size = lists[1][p], lists[5][p]
    start = filled[0]
    if start + size > len(node_of):
        slot[:, :] = -1
        start = 0
    filled[1] += 1
    key = filled[1]
    end = start
    links, leaves, p_class, p_count, p_u = chain[2], chain[3], lists[6], lists[7], lists[8]
    for k in range(first, first + size):
        node = _latest(p_class[k], t, links, leaves)
        at = seen_at[node + 1]
        if seen[node + 1] != key or u_of[at] != p_u[k]:
            seen[node + 1], seen_at[node + 1] = key, end
            node_of[end], many_of[end], u_of[end] = node, 0.0, p_u[k]
            at = end
            end += 1
        many_of[at] += p_count[k]
    slot[t, p], length[t, p], filled[0] = start, end - start, end
    return start, end


@njit(cache=True)
def _tight_ratio(t, p, rho_far, price_deviation, width, walk, chain, lists, groups, near, far, ab):
    """Bound what p's supporters could pay at the winner's price over the interval (a
    concave piecewise-linear function of the voter budget) against p's cost."""
    start, end = _grouped(t, p, chain, lists, groups)
    node_of, many_of, u_of = groups[2], groups[3], groups[4]
    rho_near, lacking_known = near[1][t], near[3]
    a, b, c, e = ab
    cost = chain[9][p]
    lacking = lacking_known[t, p]
    known = not np.isnan(lacking)
    near_pay = 0.0
    far_pay = 0.0
    count = 0
    for k in range(start, end):
        node = node_of[k]
        if node < 0:
            far_budget, near_budget, spread = near[0] + width, near[0], 0.0
        elif walk[1][node]:
            continue  # nothing at either end: pays nothing anywhere on the interval
        else:
            far_budget, near_budget = walk[0][node, FAR], walk[0][node, NEAR]
            spread = walk[0][node, HIGH] - walk[0][node, LOW]
        u, many = u_of[k], many_of[k]
        far_pay += many * min(far_budget, rho_far * u)
        if not known:
            near_pay += many * min(near_budget, rho_near * u)
        a[count] = many * (near_budget + spread * width / 4)
        b[count] = many * (far_budget - near_budget) / width
        c[count] = many * (rho_near + price_deviation) * u
        e[count] = many * (rho_far - rho_near) / width * u
        count += 1
    far[1][t, p] = cost - far_pay
    if not known:
        lacking = cost - near_pay
        lacking_known[t, p] = lacking
        near[2][t, p] = lacking
    if lacking <= 0.0:
        return np.inf
    most = _concave_maximum(a, b, c, e, count, width)
    return (most + walk[4][p] - (cost - lacking)) / lacking


@njit(cache=True)
def _rivals(t, rho, deviation, width, tighten, walk, chain, lists, groups, near, far, ab):
    """Worst ratio over this round's rivals that need the tight bound: the cheap one (what
    the supporters gain at most, against the margin) proves the others, whose tight ratio
    would be smaller still; they do not count in the ratio, which sizes the next attempt."""
    gain, slack = walk[3], walk[4]
    rivals, margins = chain[4][t], near[2][t]
    worst = 0.0
    for p in range(len(rivals)):
        if not rivals[p]:
            continue
        margin = margins[p]
        if margin > 0.0 and gain[p] + slack[p] < tighten * margin:
            continue  # proven by the cheap bound
        ratio = _tight_ratio(t, p, rho, deviation, width, walk, chain, lists, groups, near, far, ab)
        if ratio >= 1.0:
            return ratio
        worst = max(worst, ratio)
    return worst


@njit(cache=True)
def _after_last_round(walk, chain, lists, near, far, width):
    """No project may become affordable after the last round."""
    sup_ptr, length, p_class, p_count = lists[1], lists[5], lists[6], lists[7]
    costs = chain[9]
    gain, slack = walk[3], walk[4]
    final_rivals, final_money, far_money = chain[5], near[4], far[2]
    rounds = len(chain[0])
    worst = 0.0
    for p in range(len(costs)):
        far_money[p] = final_money[p] + gain[p]
        if not final_rivals[p]:
            continue
        lacking = costs[p] - final_money[p]
        ratio = (gain[p] + slack[p]) / lacking if lacking > 0.0 else np.inf
        if ratio >= 1.0:  # count its money exactly
            project_classes(p, lists)
            money = 0.0
            links, leaves = chain[2], chain[3]
            for k in range(sup_ptr[p], sup_ptr[p] + length[p]):
                node = _latest(p_class[k], rounds, links, leaves)
                money += p_count[k] * (walk[0][node, FAR] if node >= 0 else near[0] + width)
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
def _sweep(t, x0, x1, tolerance, walk, chain, buffers):
    """Bring the round's nodes to their budgets before it (their parents' after), and put
    those that may be short at the near end in the buffers (a voter paying a full share at
    the near end pays one on the whole interval). Those with nothing left at either end
    (short for sure in an earlier round) pay nothing: they only count by their shares.
    Returns how many are in the buffers and the shares of the emptied."""
    state, emptied, examined = walk[0], walk[1], walk[2]
    before, shares, counts, nodes = buffers[0], buffers[1], buffers[2], buffers[3]
    links, many, share = chain[2], chain[7], chain[8]
    rho_near = walk[5][t]
    count = 0
    gone = 0.0
    for k in range(chain[1][t], chain[1][t + 1]):
        up = links[k, PARENT]
        if up < 0:
            state[k, FAR], state[k, NEAR], state[k, LOW], state[k, HIGH] = x1, x0, 1.0, 1.0
            emptied[k] = False
        else:
            state[k, FAR], state[k, NEAR] = state[up, FAR], state[up, NEAR]
            state[k, LOW], state[k, HIGH] = state[up, LOW], state[up, HIGH]
            emptied[k] = emptied[up]
        examined[k] = False
        if emptied[k]:
            gone += many[k] * share[k]
        elif state[k, NEAR] < rho_near * share[k] + tolerance:
            examined[k] = True
            before[count], shares[count] = state[k, FAR], share[k]
            counts[count], nodes[count] = many[k], k
            count += 1
    return count, gone


@njit(cache=True)
def _pay(t, rho, price_low, price_high, tolerance, walk, chain):
    """Every node of the round pays: a full share, or all it has. Slopes go through: a
    voter paying in full keeps its budget's slopes less those of the share; one that may be
    short somewhere has a lowest slope of 0 (and a highest of 0 if short for sure)."""
    state, emptied, examined = walk[0], walk[1], walk[2]
    share = chain[8]
    rho_near = walk[5][t]
    for k in range(chain[1][t], chain[1][t + 1]):
        if emptied[k]:
            continue
        paid = rho * share[k]
        if examined[k]:
            short_for_sure = state[k, FAR] < paid - tolerance
            state[k, LOW] = 0.0
            state[k, HIGH] = 0.0 if short_for_sure else state[k, HIGH] + price_high * share[k]
            # Short for sure at the far end, so at the near end: nothing left at either
            # end, now and in every later round.
            emptied[k] = short_for_sure
        else:
            state[k, LOW] += price_low * share[k]
            state[k, HIGH] += price_high * share[k]
        state[k, FAR] = max(state[k, FAR] - paid, 0.0)
        state[k, NEAR] = max(state[k, NEAR] - rho_near * share[k], 0.0)


@njit(cache=True)
def check(chain, lists, groups, near, far, width, tolerance, slack, tighten):
    """Worst ratio of (what a rival could gain) to (what it lacks) over all rounds and the
    rivals that need the tight bound (the cheap bound used less than `tighten` < 1 of the
    others' margins); below 1 the outcome is proven constant on [x0, x0 + width], x0 the
    near end's voter budget. Writes the far end (complete only below 1). Infinite when a
    rival lacks nothing at the near end already: no interval from there can be proven."""
    costs, total_utility, sizes, co_support = chain[9], chain[10], chain[11], chain[6]
    winners = chain[0]
    rounds, nodes = len(winners), chain[1][len(winners)]
    x0 = near[0]
    x1 = x0 + width
    walk = (
        # Per node, before its round then after: the budget at the far end and at the near
        # end, the lowest and the highest slope of the far one per unit of voter budget.
        np.empty((nodes, 4)),
        np.empty(nodes, dtype=np.bool_),  # nothing left at either end
        np.empty(nodes, dtype=np.bool_),  # may be short somewhere on the interval
        width * sizes,  # most each rival gains
        slack,
        near[1],  # rhos at the near end
    )
    size = _largest(chain[1])
    buffers = (
        np.empty(size),  # budgets before the round at the far end
        np.empty(size),  # shares per unit of rho
        np.empty(size),  # voters in the node
        np.empty(size, dtype=np.int64),  # nodes
    )
    rival_size = _largest(lists[1])
    ab = (np.empty(rival_size), np.empty(rival_size), np.empty(rival_size), np.empty(rival_size))
    worst = 0.0
    for t in range(rounds):
        w = winners[t]
        count, gone = _sweep(t, x0, x1, tolerance, walk, chain, buffers)
        # The emptied supporters are short whatever rho: as if they did not support w.
        total = total_utility[w] - gone
        utility = 0.0
        for j in range(count):
            utility += buffers[2][j] * buffers[1][j]
        rho = _far_price(count, buffers, costs[w], total, utility)
        price_low, price_high = _price_slopes(count, buffers, rho, total, utility, tolerance, walk)
        far[0][t] = rho
        far[1][t] = near[2][t] - walk[3]
        deviation = (price_high - price_low) * width / 4
        worst = max(
            worst,
            _rivals(t, rho, deviation, width, tighten, walk, chain, lists, groups, near, far, ab),
        )
        if worst >= 1.0:
            return worst
        _pay(t, rho, price_low, price_high, tolerance, walk, chain)
        fall = near[1][t] - rho
        if fall > 0.0:
            walk[3][:] += fall * co_support[t]
    return max(worst, _after_last_round(walk, chain, lists, near, far, width))
