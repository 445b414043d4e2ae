"""The compiled float run (`recorded_run`) gives the exact run's winners, or None where
floats cannot decide (then the exact run is used)."""

import random
from fractions import Fraction

import pytest

from tests.rules.shared_files import MEDIUM, SMALL, shared_file
from tests.rules.test_equal_shares import random_profile
from votes import pabulib
from votes.rules import make_profile, profile_from_election
from votes.rules.equal_shares import tie_order
from votes.rules.equal_shares_run import EqualSharesInput, EqualSharesRun, recorded_run


def prepared(profile):
    utility = "points" if profile.kind == "points" else "cost"
    return EqualSharesInput(profile, utility, tie_order(profile, "lexicographic"))


def outcomes(data, budgets):
    floats = []
    for budget in budgets:
        run = recorded_run(data, budget)
        floats.append(None if run is None else tuple(run.winners))
    exact = [tuple(EqualSharesRun(data, budget).run().winners) for budget in budgets]
    return floats, exact


def steps(data, count, start=0):
    first = Fraction(data.profile.scaled_budget, max(len(data), 1))
    return [first + (start + i) * data.profile.money_scale for i in range(count)]


def test_each_budget_follows_its_own_course():
    """At 26 per voter, A (60, voters 1-3) is bought first, then C; at 15 per voter A's
    supporters cannot pay for it and only C is bought."""
    profile = make_profile(
        projects=[("A", 60), ("B", 40), ("C", 10)],
        budget=100,
        ballots=[["A", "C"], ["A"], ["A"], ["B", "C"]],
    )
    floats, exact = outcomes(prepared(profile), [Fraction(15), Fraction(26), Fraction(40)])
    assert floats == exact
    assert len(set(floats)) > 1


def test_exact_ties_are_broken_as_in_exact_runs():
    """A and B cost the same and have two supporters each: their rho is exactly equal
    (floats cannot tell them apart), and the first in the tie-breaking order wins, in
    floats too: each is paid in full by all its supporters, so its exact rho is its cost
    over their utility."""
    profile = make_profile(
        projects=[("B", 10), ("A", 10), ("C", 7)],
        budget=30,
        ballots=[["A"], ["A", "C"], ["B"], ["B", "C"]],
    )
    floats, exact = outcomes(prepared(profile), [Fraction(15, 2) + i for i in (0, 2, 3, 4, 5)])
    assert floats == exact
    assert None not in floats


@pytest.mark.parametrize("seed", range(60))
def test_random_elections_full_of_ties(seed):
    data = prepared(random_profile(seed))
    floats, exact = outcomes(data, steps(data, 24))
    for got, expected in zip(floats, exact, strict=True):
        assert got is None or got == expected


def test_random_elections_are_mostly_settled_in_floats():
    settled = total = 0
    for seed in range(60):
        data = prepared(random_profile(seed))
        floats, _ = outcomes(data, steps(data, 24))
        settled += sum(winners is not None for winners in floats)
        total += len(floats)
    assert settled > 0.9 * total


@pytest.mark.parametrize("seed", range(20))
def test_random_points_ballots(seed):
    chance = random.Random(seed)
    projects = [(f"p{i}", chance.randint(5, 40)) for i in range(6)]
    ids = [project_id for project_id, _ in projects]
    ballots = [chance.sample(ids, 3) for _ in range(chance.randint(5, 30))]
    profile = make_profile(
        projects=projects,
        budget=chance.randint(40, 120),
        ballots=ballots,
        points=[[chance.randint(1, 5) for _ in ballot] for ballot in ballots],
        kind="points",
    )
    data = prepared(profile)
    floats, exact = outcomes(data, steps(data, 16))
    for got, expected in zip(floats, exact, strict=True):
        assert got is None or got == expected


@pytest.mark.parametrize("name", SMALL + MEDIUM)
def test_real_elections_step_by_step(name):
    data = prepared(profile_from_election(pabulib.read(shared_file(name))))
    floats, exact = outcomes(data, steps(data, 32, start=40))
    assert floats == exact  # none given up: exact ties are settled in floats too


def test_toulouse_ties_are_settled_in_floats():
    """Toulouse 2024 has projects whose prices tie exactly at most budgets: floats settle
    them without the exact run, with the exact run's winners."""
    data = prepared(profile_from_election(pabulib.read(shared_file("France_Toulouse_2024.pb"))))
    floats, exact = outcomes(data, steps(data, 6, start=100))
    assert floats == exact
