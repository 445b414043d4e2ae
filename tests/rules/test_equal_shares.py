"""The Method of Equal Shares and its completions, on small elections checked by hand."""

import random
from fractions import Fraction

import numpy as np
import pytest

from tests.rules.shared_files import SMALL, shared_file
from votes import pabulib
from votes.rules import (
    budget_increase,
    equal_shares,
    make_profile,
    profile_from_election,
    proof_kernel,
)
from votes.rules.budget_increase import raise_budgets
from votes.rules.equal_shares import tie_order
from votes.rules.equal_shares_run import EqualSharesInput, EqualSharesRun, recorded_run


def three_projects():
    """4 voters, budget 100 (25 each). A (60) by voters 1-3, B (40) by voter 4, C (30) by
    voter 1."""
    return make_profile(
        projects=[("A", 60), ("B", 40), ("C", 30)],
        budget=100,
        ballots=[["A", "C"], ["A"], ["A"], ["B"]],
    )


def test_supporters_share_the_cost_equally():
    outcome = equal_shares(three_projects(), completion="none")
    assert outcome.winners == ("A",)
    a = outcome.projects["A"]
    assert (a.round, a.share, a.paid_all_left) == (1, 20, 0)
    assert outcome.rounds[0].price == Fraction(1, 3)  # 20 paid per 60 of utility
    b, c = outcome.projects["B"], outcome.projects["C"]
    assert (b.status, b.supporters_money) == ("not_affordable", 25)
    assert c.supporters_money == 5
    assert c.explanation == "its supporters had only 5 left of the 30 it costs"
    assert outcome.voter_budget == 25


def test_add1_raises_budgets_until_the_budget_is_used_up():
    # At 40 per voter, voter 4 alone can pay for B: A and B cost exactly the budget.
    outcome = equal_shares(three_projects(), completion="add1", greedy_fill=False)
    assert outcome.winners == ("A", "B")
    assert outcome.voter_budget == 40


def test_until_overspend_keeps_the_last_outcome_that_fits():
    # At 50 per voter voter 1 could also pay for C: 130 > 100, so 49 is the last step.
    outcome = equal_shares(three_projects(), completion="add1_until_overspend")
    assert outcome.winners == ("A", "B")
    assert outcome.voter_budget == 49
    assert outcome.projects["C"].supporters_money == 29


def test_voters_short_of_a_share_pay_what_they_have_left():
    # 3 voters with 10 each; A (12) by all; then B (15) by voters 2 and 3 who have 6 each
    # left; C (9) by voter 1, who has only 6.
    profile = make_profile(
        projects=[("A", 12), ("B", 15), ("C", 9)],
        budget=30,
        ballots=[["A", "C"], ["A", "B"], ["A", "B"]],
    )
    outcome = equal_shares(profile, completion="none")
    assert outcome.winners == ("A",)
    # With 15 each (add1 +5): A costs 4 each, B needs 15 from voters with 11: 7.5 each.
    completed = equal_shares(profile, completion="add1", greedy_fill=False)
    assert completed.winners == ("A", "B")


def test_a_project_its_supporters_can_pay_exactly_is_affordable():
    profile = make_profile(projects=[("A", 30), ("B", 1)], budget=30, ballots=[["A"]] * 3)
    outcome = equal_shares(profile, completion="none")
    assert outcome.winners == ("A",)
    assert outcome.projects["A"].share == 10


def test_exact_ties_go_to_the_first_id_and_are_recorded():
    profile = make_profile(
        projects=[("b", "0.1"), ("a", "0.3")], budget="0.4", ballots=[["a", "b"]] * 3
    )
    outcome = equal_shares(profile, completion="none")
    assert outcome.winners == ("a", "b")
    assert outcome.ties[0].projects == ("a", "b")
    assert outcome.ties[0].round == 1


def test_lowest_cost_first_on_ties_when_asked():
    profile = make_profile(projects=[("a", 20), ("b", 10)], budget=20, ballots=[["a", "b"]] * 2)
    assert equal_shares(profile, completion="none").winners == ("a",)
    cheap_first = equal_shares(profile, completion="none", tie_breaking="cost_then_votes")
    assert cheap_first.winners == ("b",)


def test_points_are_utilities_for_points_ballots():
    # Voter 1 gives 9 points to A, 1 to B; voter 2 gives 1 to A and 9 to B. With 10 each,
    # A (10) is paid 9:1 at price 1 per point, leaving voter 1 with 1 and voter 2 with 9:
    # exactly what B needs at the same price.
    profile = make_profile(
        projects=[("A", 10), ("B", 10)],
        budget=20,
        ballots=[["A", "B"], ["A", "B"]],
        points=[[9, 1], [1, 9]],
        kind="points",
    )
    outcome = equal_shares(profile, completion="none")
    assert outcome.winners == ("A", "B")
    assert outcome.projects["A"].share == 1
    assert outcome.projects["B"].share == 1
    assert outcome.projects["B"].paid_all_left == 0


def test_supported_projects_costing_nothing_come_first_with_points():
    profile = make_profile(
        projects=[("A", 10), ("free", 0)],
        budget=10,
        ballots=[["A", "free"]],
        points=[[1, 1]],
        kind="points",
    )
    assert equal_shares(profile, completion="none").winners == ("free", "A")


def test_greedy_fill_adds_what_still_fits_by_supporters():
    outcome = equal_shares(three_projects(), completion="none", greedy_fill=True)
    assert outcome.winners == ("A", "B")
    assert outcome.projects["B"].status == "selected_in_completion"
    assert outcome.rounds[1].stage == "completion"


def test_nobody_voting_selects_nothing_but_the_fill_spends_the_budget_as_pabutools():
    profile = make_profile(projects=[("A", 10)], budget=10, ballots=[])
    assert equal_shares(profile, completion="none").winners == ()
    assert equal_shares(profile).winners == ("A",)


def random_profile(seed: int):
    """Small elections full of ties: few voters, small integer costs."""
    chance = random.Random(seed)
    projects = [(f"p{i}", chance.randint(1, 8)) for i in range(chance.randint(3, 7))]
    ids = [project_id for project_id, _ in projects]
    ballots = [chance.sample(ids, chance.randint(0, 3)) for _ in range(chance.randint(2, 9))]
    return make_profile(projects=projects, budget=chance.randint(5, 20), ballots=ballots)


def random_points_profile(seed: int):
    """Points ballots: voters give the same projects different points, so voters who back
    the same winners may still pay differently, and a class of voters paying alike may
    give a rival several different utilities."""
    chance = random.Random(seed)
    projects = [(f"p{i}", chance.randint(2, 12)) for i in range(chance.randint(3, 7))]
    ids = [project_id for project_id, _ in projects]
    ballots = [chance.sample(ids, chance.randint(0, min(4, len(ids)))) for _ in range(14)]
    points = [[chance.randint(1, 3) for _ in ballot] for ballot in ballots]
    return make_profile(
        projects=projects, budget=chance.randint(8, 30), ballots=ballots, points=points,
        kind="points",
    )  # fmt: skip


def stepped_and_jumped(profile, until_overspend):
    utility = "points" if profile.kind == "points" else "cost"
    data = EqualSharesInput(profile, utility, tie_order(profile, "lexicographic"))
    jumped = raise_budgets(data, until_overspend=until_overspend)
    stepped = raise_budgets(data, until_overspend=until_overspend, jump=False)
    return jumped, stepped


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("until_overspend", [False, True])
def test_jumping_over_budgets_equals_stepping_one_unit_at_a_time(seed, until_overspend):
    jumped, stepped = stepped_and_jumped(random_profile(seed), until_overspend)
    assert jumped.run.winners == stepped.run.winners
    assert jumped.step == stepped.step
    assert jumped.run.voter_budget == stepped.run.voter_budget


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("until_overspend", [False, True])
def test_jumping_equals_stepping_with_points_as_utilities(seed, until_overspend):
    jumped, stepped = stepped_and_jumped(random_points_profile(seed), until_overspend)
    assert (jumped.step, jumped.run.winners) == (stepped.step, stepped.run.winners)
    assert jumped.run.voter_budget == stepped.run.voter_budget


@pytest.mark.parametrize("name", ["Switzerland_Zurich_D10.pb", "Netherlands_Assen_2024.pb"])
def test_voters_paying_alike_share_a_class(name):
    """Voters are in the same class exactly when they back the same winners with the same
    utilities; each project's supporters by class add up to its supporters, utility by
    utility; voters share a node exactly when they paid the same so far."""
    profile = profile_from_election(pabulib.read(shared_file(name)))
    utility = "points" if profile.kind == "points" else "cost"
    data = EqualSharesInput(profile, utility, tie_order(profile, "lexicographic"))
    run = EqualSharesRun(data, Fraction(profile.scaled_budget, profile.voter_count)).run()
    winners = run.winners
    lists = budget_increase._Classes(data).lists(winners)
    of, sup_ptr, sup_idx, sup_u = lists[:4]
    backing = [set() for _ in range(len(data))]
    for p in winners:
        for voter, given in zip(data.supporters[p], data.float_utilities[p], strict=True):
            backing[voter].add((p, given))
    class_of_backing = {}
    for voter, backed in enumerate(backing):
        assert class_of_backing.setdefault(frozenset(backed), of[voter]) == of[voter]
    assert len(set(class_of_backing.values())) == len(class_of_backing)
    for p in range(profile.project_count):
        proof_kernel.project_classes(p, lists)
        entries = range(sup_ptr[p], sup_ptr[p] + lists[5][p])
        counted = {}
        for k in entries:
            key = (lists[6][k], lists[8][k])
            counted[key] = counted.get(key, 0) + lists[7][k]
        expected = {}
        for q in range(sup_ptr[p], sup_ptr[p + 1]):
            key = (of[sup_idx[q]], sup_u[q])
            expected[key] = expected.get(key, 0) + 1
        assert counted == expected
    # Nodes: the voters who paid alike in every round so far and give the winner the same.
    (r_ptr, count, share), links, leaves = proof_kernel.chain_nodes(
        np.array(winners, dtype=np.int64), lists
    )
    parent, rounds_of = links[:, proof_kernel.PARENT], links[:, proof_kernel.ROUND]
    node_of_history, members = {}, np.zeros(len(count))
    for voter in range(len(data)):
        path, node = [], leaves[of[voter]]
        while node >= 0:
            path.append(node)
            node = parent[node]
        path.reverse()
        history = [
            (t, float(given))
            for t, p in enumerate(winners)
            for who, given in zip(data.supporters[p], data.float_utilities[p], strict=True)
            if who == voter
        ]
        assert [(rounds_of[k], share[k]) for k in path] == history
        for k, end in zip(path, range(1, len(history) + 1), strict=True):
            assert r_ptr[rounds_of[k]] <= k < r_ptr[rounds_of[k] + 1]
            assert node_of_history.setdefault(tuple(history[:end]), k) == k
            members[k] += 1
    assert (members == count).all()


def bloc_profile(seed: int):
    """Up to 120 voters in a few blocs backing the same projects (many voters pay alike),
    costs in the thousands: hundreds of steps, most of them skipped by proofs."""
    chance = random.Random(seed)
    count = chance.randint(4, 14)
    costs = [chance.randint(1, 60) * chance.choice([100, 100, 500, 1000]) for _ in range(count)]
    projects = [(f"p{i:02d}", cost) for i, cost in enumerate(costs)]
    ids = [project_id for project_id, _ in projects]
    blocs = [chance.sample(ids, chance.randint(1, min(5, count))) for _ in range(5)]
    ballots = []
    for _ in range(chance.randint(5, 120)):
        if chance.random() < 0.7:
            extra = chance.sample(ids, chance.randint(0, 2))
            ballots.append(list(dict.fromkeys(chance.choice(blocs) + extra)))
        else:
            ballots.append(chance.sample(ids, chance.randint(0, min(6, count))))
    budget = chance.randint(20, 400) * 100
    if seed % 3:
        return make_profile(projects=projects, budget=budget, ballots=ballots)
    points = [[chance.randint(1, 4) for _ in ballot] for ballot in ballots]
    return make_profile(
        projects=projects, budget=budget, ballots=ballots, points=points, kind="points"
    )


@pytest.mark.parametrize("seed", range(24))
def test_jumping_equals_stepping_where_many_voters_pay_alike(seed):
    profile = bloc_profile(seed)
    for until_overspend in (False, True):
        jumped, stepped = stepped_and_jumped(profile, until_overspend)
        assert (jumped.step, jumped.run.winners) == (stepped.step, stepped.run.winners)


@pytest.mark.parametrize("name", ["Poland_Wieliczka_2023_Green_Budget.pb", *SMALL[3:]])
def test_rivals_grouped_again_when_their_room_runs_out(monkeypatch, name):
    """With room for one project's supporters only, the groups of rivals' supporters are
    dropped and laid out again all the time: the outcome does not change."""
    monkeypatch.setattr(budget_increase, "GROUP_ROOM", 0.0)
    profile = profile_from_election(pabulib.read(shared_file(name)))
    jumped, stepped = stepped_and_jumped(profile, until_overspend=False)
    assert (jumped.step, jumped.run.winners) == (stepped.step, stepped.run.winners)
    assert jumped.proof_runs


@pytest.mark.parametrize("name", SMALL)
def test_jumping_equals_stepping_on_real_elections(name):
    profile = profile_from_election(pabulib.read(shared_file(name)))
    jumped, stepped = stepped_and_jumped(profile, until_overspend=False)
    assert (jumped.step, jumped.run.winners) == (stepped.step, stepped.run.winners)
    assert jumped.runs < stepped.runs


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("until_overspend", [False, True])
@pytest.mark.parametrize("name", ["Poland_Wieliczka_2023_Green_Budget.pb", *SMALL[3:]])
def test_every_way_of_going_on_gives_the_stepped_outcome(monkeypatch, seed, until_overspend, name):
    """The search tries proofs or single runs by their measured cost: whatever it picks,
    here at random, the outcome is the one stepping one unit at a time gives."""
    chance = random.Random(seed)
    monkeypatch.setattr(budget_increase._Worth, "prove", lambda self, step: chance.random() < 0.5)
    profile = profile_from_election(pabulib.read(shared_file(name)))
    jumped, stepped = stepped_and_jumped(profile, until_overspend)
    assert (jumped.step, jumped.run.winners) == (stepped.step, stepped.run.winners)
    assert jumped.run.voter_budget == stepped.run.voter_budget


@pytest.mark.parametrize("name", ["Poland_Wieliczka_2023_Green_Budget.pb", *SMALL[3:]])
def test_proofs_from_exact_recorded_runs_give_the_stepped_outcome(monkeypatch, name):
    """Where floats cannot decide, proofs start from an exact run's records instead of the
    compiled float run's: forced here everywhere, the outcome is still the stepped one."""
    monkeypatch.setattr(budget_increase, "recorded_run", lambda data, voter_budget: None)
    profile = profile_from_election(pabulib.read(shared_file(name)))
    jumped, stepped = stepped_and_jumped(profile, until_overspend=False)
    assert (jumped.step, jumped.run.winners) == (stepped.step, stepped.run.winners)


@pytest.mark.parametrize("name", ["Poland_Wieliczka_2023_Green_Budget.pb", *SMALL[3:]])
def test_the_compiled_recorded_run_records_what_the_exact_run_does(name):
    """Same winners, prices, payers and money as `EqualSharesRun(record=True)`, at several
    budgets, or None (then the exact run is used)."""
    profile = profile_from_election(pabulib.read(shared_file(name)))
    utility = "points" if profile.kind == "points" else "cost"
    data = EqualSharesInput(profile, utility, tie_order(profile, "lexicographic"))
    start = Fraction(profile.scaled_budget, profile.voter_count)
    compared = 0
    for step in (0, 1, 7, 50, 400):
        budget = start + step * profile.money_scale
        recorded = recorded_run(data, budget)
        if recorded is None:
            continue
        exact = EqualSharesRun(data, budget, record=True).run()
        compared += 1
        assert recorded.winners == exact.winners
        ours, theirs = recorded.record_arrays(), exact.record_arrays()
        assert np.allclose(ours.rhos, theirs.rhos, rtol=1e-12)
        assert (ours.full == theirs.full).all()
        assert np.allclose(ours.moneys, theirs.moneys, rtol=1e-9, atol=1e-6)
        assert np.allclose(recorded.available, exact.available, rtol=1e-9, atol=1e-6)
    assert compared


def test_proofs_that_do_not_pay_are_tried_again_later_and_later():
    """Chains of proofs so far against runs: tried again 16 steps after they cost more
    than the runs they saved, then 32, ...; again at once as soon as they have paid."""
    worth = budget_increase._Worth()
    assert worth.prove(0)
    worth.proved(0, seconds=0.010, steps=1, run_seconds=0.001)  # one step for ten runs
    assert not worth.prove(16) and worth.prove(17)
    worth.proved(17, seconds=0.010, steps=2, run_seconds=0.001)
    assert not worth.prove(50) and worth.prove(51)  # 17 + 2 + 32
    worth.proved(51, seconds=0.010, steps=400, run_seconds=0.001)  # 403 steps for 30 runs
    assert worth.prove(52)
    worth.proved(52, seconds=0.010, steps=1, run_seconds=0.001)  # 404 steps for 40 runs
    assert worth.prove(53)
