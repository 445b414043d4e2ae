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
    money = 0.0
    for q in range(first, last):
        money += budgets[supporters[q]]
    if margin >= 0.0 and money < cost - margin:
        return money, np.inf, 0.0
    if margin >= 0.0 and money < cost + margin:
        return money, np.nan, 0.0
    rho, slope = _iterate(first, count, supporters, utilities, budgets, cost, total, unit)
    if np.isnan(rho):
        rho, slope = _water_filling(first, count, supporters, utilities, budgets, cost, total, unit)
    return money, rho, slope


@njit(cache=True)
def _iterate(first, count, supporters, utilities, budgets, cost, total, unit):
    """rho by fixed-point iteration from below, and the utility paying a full share; nan
    if it does not settle in a few steps."""
    rho = cost / total
    short = np.empty(count, dtype=np.bool_)
    for j in range(count):
        share = unit if unit > 0.0 else utilities[first + j]
        short[j] = budgets[supporters[first + j]] < rho * share
    for _ in range(8):
        paid = 0.0
        rest = total
        for j in range(count):
            if short[j]:
                paid += budgets[supporters[first + j]]
                rest -= unit if unit > 0.0 else utilities[first + j]
        if rest <= 0.0:
            break
        rho = max(rho, (cost - paid) / rest)
        changed = False
        for j in range(count):
            share = unit if unit > 0.0 else utilities[first + j]
            now = budgets[supporters[first + j]] < rho * share
            changed = changed or now != short[j]
            short[j] = now
        if not changed:
            return rho, rest
    return np.nan, 0.0


@njit(cache=True)
def _water_filling(first, count, supporters, utilities, budgets, cost, total, unit):
    """rho filling up in order of budget per utility: who cannot pay it is short."""
    ratios = np.empty(count)
    for j in range(count):
        share = unit if unit > 0.0 else utilities[first + j]
        ratios[j] = budgets[supporters[first + j]] / share
    paid = 0.0
    rest = total
    rho, full = np.inf, 0.0
    for j in np.argsort(ratios, kind="mergesort"):
        share = unit if unit > 0.0 else utilities[first + j]
        rho, full = (cost - paid) / rest, rest
        if rho * share <= budgets[supporters[first + j]]:
            break  # j pays a full share, and so does everyone after j
        paid += budgets[supporters[first + j]]
        rest -= share
    return rho, full


@njit(cache=True)
def spread(available, supporters, change, voter_starts, voter_projects):
    """Add each supporter's change of budget to the money of every project it named."""
    for j in range(len(supporters)):
        if change[j] != 0.0:
            i = supporters[j]
            for k in range(voter_starts[i], voter_starts[i + 1]):
                available[voter_projects[k]] += change[j]
