"""Same winners, in the same order, as the reference implementation pabutools 1.2.3.

Small and medium elections run pabutools live; on the large ones pabutools takes minutes to
hours, so its outcomes were computed once by benchmarks/make_references.py and are read from
references.json. Ordinal ballots count as approvals of the ranked projects (pabutools'
`Cost_Sat` does so); cumulative ballots use points (`Additive_Cardinal_Sat`), and greedy orders
them by total points (pabutools' greedy with a points x cost satisfaction).
"""

import json
import random
from fractions import Fraction
from pathlib import Path

import pytest

from tests.rules.shared_files import ALL, MEDIUM, SMALL, shared_file
from votes import pabulib
from votes.rules import Profile, equal_shares, greedy, make_profile, profile_from_election
from votes.rules.budget_increase import raise_budgets
from votes.rules.equal_shares import tie_order
from votes.rules.equal_shares_run import EqualSharesInput, EqualSharesRun

pabutools = pytest.importorskip("pabutools")
from pabutools.election import (  # noqa: E402
    ApprovalBallot,
    ApprovalProfile,
    Cost_Sat,
    Instance,
    Project,
)
from pabutools.rules import (  # noqa: E402
    completion_by_rule_combination,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)

from benchmarks.make_references import compute  # noqa: E402

REFERENCES = json.loads((Path(__file__).parent / "references.json").read_text())
RULES = ("greedy", "equal_shares_plain", "equal_shares")
# pabutools' +1 completion takes under ~10 s on these; the others come from references.json.
QUICK_COMPLETION = {
    "Switzerland_Zurich_D10.pb",
    "US_Stanford_Dataset_PB_Rochester_NY_2019_vote_rankings.pb",
}


def ours(rule: str, profile: Profile) -> list[str]:
    """Our outcome for a rule as the references name it."""
    if rule == "greedy":
        scheme = "approval" if profile.kind == "ranking" else "descending"
        return list(greedy(profile, rank_points=scheme).winners)
    if rule == "equal_shares_plain":
        return list(equal_shares(profile, completion="none").winners)
    if rule == "equal_shares":
        return list(equal_shares(profile, completion="add1").winners)
    if rule == "equal_shares_until_overspend":
        return list(equal_shares(profile, completion="add1_until_overspend").winners)
    raise ValueError(rule)


def live_cases():
    for name in SMALL + MEDIUM:
        for rule in RULES:
            if rule != "equal_shares" or name in QUICK_COMPLETION:
                yield name, rule


@pytest.mark.parametrize(("name", "rule"), list(live_cases()))
def test_same_winners_as_pabutools_run_live(name, rule):
    path = shared_file(name)
    instance, profile = pabutools.election.parse_pabulib(str(path))
    expected = compute(rule, instance, profile)
    assert ours(rule, profile_from_election(pabulib.read(path))) == expected


def reference_cases():
    for name in ALL:
        for rule in (*RULES, "equal_shares_until_overspend"):
            if rule in REFERENCES.get(name, {}) or (rule in RULES):
                yield name, rule


@pytest.mark.parametrize(("name", "rule"), list(reference_cases()))
def test_same_winners_as_pabutools_references(name, rule):
    reference = REFERENCES.get(name, {}).get(rule)
    if reference is None:  # references.json is committed: a missing one is a defect, not a skip
        pytest.fail(f"no pabutools reference for {rule} on {name}: run make_references.py")
    profile = profile_from_election(pabulib.read(shared_file(name)))
    assert ours(rule, profile) == reference["winners"]
    if reference.get("method") == "decisive steps":
        check_decisive_steps(profile, reference)


def check_decisive_steps(profile: Profile, reference: dict) -> None:
    """Where pabutools' +1 loop would take hours, its reference was computed at the steps
    that decide the outcome: the stopping step, and two earlier steps as samples."""
    utility = "points" if profile.kind == "points" else "cost"
    data = EqualSharesInput(profile, utility, tie_order(profile, "lexicographic"))
    assert raise_budgets(data).step == reference["step"]
    start = Fraction(profile.scaled_budget, profile.voter_count)
    for step, winners in reference["samples"].items():
        run = EqualSharesRun(data, start + int(step) * profile.money_scale).run()
        selected = [*data.free_projects, *run.winners]
        assert [profile.project_ids[p] for p in selected] == winners


def random_election(seed: int) -> tuple[Profile, Instance, ApprovalProfile]:
    """Small random approval elections, full of ties and of voters short of their share."""
    chance = random.Random(seed)
    costs = {f"p{i}": chance.randint(1, 9) for i in range(chance.randint(2, 8))}
    ballots = [
        chance.sample(sorted(costs), chance.randint(0, len(costs)))
        for _ in range(chance.randint(1, 10))
    ]
    budget = chance.randint(5, 25)
    ours_profile = make_profile(projects=list(costs.items()), budget=budget, ballots=ballots)
    projects = {name: Project(name, cost) for name, cost in costs.items()}
    instance = Instance(projects.values(), budget_limit=budget)
    profile = ApprovalProfile([ApprovalBallot(projects[name] for name in b) for b in ballots])
    return ours_profile, instance, profile


@pytest.mark.parametrize("seed", range(60))
def test_same_winners_as_pabutools_on_random_small_elections(seed):
    profile, instance, theirs = random_election(seed)
    expected_greedy = greedy_utilitarian_welfare(instance, theirs, sat_class=Cost_Sat)
    assert list(greedy(profile).winners) == [p.name for p in expected_greedy]
    expected_plain = method_of_equal_shares(instance, theirs, sat_class=Cost_Sat)
    assert ours("equal_shares_plain", profile) == [p.name for p in expected_plain]
    expected = completion_by_rule_combination(
        instance,
        theirs,
        [method_of_equal_shares, greedy_utilitarian_welfare],
        [{"sat_class": Cost_Sat, "voter_budget_increment": 1}, {"sat_class": Cost_Sat}],
    )
    assert ours("equal_shares", profile) == [p.name for p in expected]
