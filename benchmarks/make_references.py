"""Compute reference outcomes with pabutools (the reference implementation) for every shared
Pabulib file, and write them to tests/rules/references.json.

Some runs take minutes to hours (pabutools' Equal Shares with the +1 completion on Budapest or
Warsaw), which is why the test suite reads these references instead of running pabutools
live on the large files. Results are saved after each run, so the script can be interrupted
and resumed: outcomes already in the file are kept.

    nice python benchmarks/make_references.py [--only NAME_PART] [--rules greedy,...]
        [--full] [--force]

Rules, as the engine's tests name them:
- greedy: `greedy_utilitarian_welfare` with `Cost_Sat` (approval, choose-1, ordinal ballots
  counted as approvals of the ranked projects), or with a points x cost satisfaction for
  cumulative ballots, so that projects are ordered by total points;
- equal_shares_plain: `method_of_equal_shares` with `Cost_Sat` (`Additive_Cardinal_Sat` for
  cumulative ballots);
- equal_shares: the same with `voter_budget_increment=1`, completed by greedy
  (`completion_by_rule_combination`), as equalshares.net does;
- equal_shares_until_overspend (Wieliczka only): `exhaustion_by_budget_increase` raising the
  budget by one unit per voter until the outcome overspends, then the greedy completion.

On the largest elections pabutools' +1 loop would run for hours to days (Budapest: some 22,000
runs of about 10 s each), so equal_shares is checked there at its decisive steps instead
("method": "decisive steps"): the engine tells at which step k the loop stops; pabutools then
computes the outcome at B/n + k (which must use the budget up, or the one at k + 1 must
overspend), completes it greedily, and also computes two earlier steps as samples.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from pabutools.election import (
    AbstractApprovalProfile,
    Additive_Cardinal_Sat,
    Cost_Sat,
    parse_pabulib,
)
from pabutools.election.satisfaction import AdditiveSatisfaction
from pabutools.fractions import frac
from pabutools.rules import (
    BudgetAllocation,
    completion_by_rule_combination,
    exhaustion_by_budget_increase,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)
from pabutools.rules.mes.mes_rule import method_of_equal_shares_scheme
from pabutools.tiebreaking import lexico_tie_breaking

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "pabulib"
REFERENCES = ROOT / "tests" / "rules" / "references.json"
RULES = ("greedy", "equal_shares_plain", "equal_shares", "equal_shares_until_overspend")
DECISIVE = {
    "Hungary_Budapest_2024.pb",
    "Poland_Katowice_2020.pb",
    "Poland_Warszawa_2026.pb",
    "Poland_Wroclaw_2019.pb",
    "Poland_Lodz_2022.pb",
    "Poland_Krakow_2024.pb",
}


class PointsCostSat(AdditiveSatisfaction):
    """Points times cost: pabutools' greedy divides total satisfaction by cost, so this makes
    it order projects by total points, as cities with cumulative ballots do."""

    def __init__(self, instance, profile, ballot):
        AdditiveSatisfaction.__init__(
            self,
            instance,
            profile,
            ballot,
            lambda i, p, b, project, v: b.get(project, 0) * project.cost,
        )


def satisfactions(instance) -> tuple[type, type]:
    """(greedy satisfaction, Equal Shares satisfaction) for the file's vote type."""
    if instance.meta["vote_type"] == "cumulative":
        return PointsCostSat, Additive_Cardinal_Sat
    return Cost_Sat, Cost_Sat


def compute(rule: str, instance, profile) -> list[str]:
    """The winners, in selection order, of one rule as pabutools computes it."""
    greedy_sat, shares_sat = satisfactions(instance)
    if rule == "greedy":
        outcome = greedy_utilitarian_welfare(instance, profile, sat_class=greedy_sat)
    elif rule == "equal_shares_plain":
        outcome = method_of_equal_shares(instance, profile, sat_class=shares_sat)
    elif rule == "equal_shares":
        outcome = completion_by_rule_combination(
            instance,
            profile,
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [{"sat_class": shares_sat, "voter_budget_increment": 1}, {"sat_class": shares_sat}],
        )
    else:
        voters = profile.num_ballots()
        raised = exhaustion_by_budget_increase(
            instance,
            profile,
            method_of_equal_shares,
            {"sat_class": shares_sat},
            exhaustive_stop=False,
            budget_step=voters,
        )
        outcome = greedy_utilitarian_welfare(
            instance, profile, sat_class=shares_sat, initial_budget_allocation=raised
        )
    return [project.name for project in outcome]


def equal_shares_at(instance, profile, sat_class, step: int):
    """pabutools' Equal Shares (no completion) with B/n + step per voter."""
    per_voter = frac(instance.budget_limit, profile.num_ballots()) + step
    return method_of_equal_shares_scheme(
        instance,
        profile,
        profile.as_sat_profile(sat_class),
        per_voter,
        BudgetAllocation(),
        lexico_tie_breaking,
        binary_sat=isinstance(profile, AbstractApprovalProfile),
    )


def decisive_steps(path: Path, instance, profile) -> dict:
    """equal_shares checked at the steps that decide it (see the module docstring)."""
    sys.path.insert(0, str(ROOT))
    from votes import pabulib
    from votes.rules import profile_from_election
    from votes.rules.budget_increase import raise_budgets
    from votes.rules.equal_shares import tie_order
    from votes.rules.equal_shares_run import EqualSharesInput

    ours = profile_from_election(pabulib.read(path))
    utility = "points" if ours.kind == "points" else "cost"
    step = raise_budgets(EqualSharesInput(ours, utility, tie_order(ours, "lexicographic"))).step
    _, shares_sat = satisfactions(instance)
    outcome = equal_shares_at(instance, profile, shares_sat, step)
    supported = {project for ballot in profile for project in ballot}
    positive = [p for p in instance if p in supported and p.cost > 0]
    if instance.is_exhaustive(outcome, available_projects=positive):
        stop = "uses the budget up"
    else:
        after = equal_shares_at(instance, profile, shares_sat, step + 1)
        if instance.is_feasible(after):
            raise AssertionError(
                f"step {step} neither uses the budget up nor precedes an overspend"
            )
        stop = "the next step overspends"
    samples = {}
    for sample in sorted({step // 3, 2 * step // 3} - {step}):
        samples[str(sample)] = [
            p.name for p in equal_shares_at(instance, profile, shares_sat, sample)
        ]
    completed = greedy_utilitarian_welfare(
        instance, profile, sat_class=shares_sat, initial_budget_allocation=outcome
    )
    return {
        "winners": [p.name for p in completed],
        "method": "decisive steps",
        "step": step,
        "stop": stop,
        "samples": samples,
    }


def main() -> None:
    """Compute the missing references, smallest files first, saving after each run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="only files whose name contains this")
    parser.add_argument("--rules", default=",".join(RULES))
    parser.add_argument(
        "--full", action="store_true", help="run the whole +1 loop even on the largest files"
    )
    parser.add_argument("--force", action="store_true", help="recompute existing references")
    args = parser.parse_args()
    references = json.loads(REFERENCES.read_text()) if REFERENCES.exists() else {}
    files = sorted(SHARED.glob("*.pb"), key=lambda path: path.stat().st_size)
    for path in files:
        if args.only not in path.name:
            continue
        instance, profile = parse_pabulib(str(path))
        for rule in args.rules.split(","):
            if rule == "equal_shares_until_overspend" and "Wieliczka" not in path.name:
                continue
            if rule in references.get(path.name, {}) and not args.force:
                continue
            start = time.perf_counter()
            if rule == "equal_shares" and path.name in DECISIVE and not args.full:
                reference = decisive_steps(path, instance, profile)
            else:
                reference = {"winners": compute(rule, instance, profile)}
            reference["seconds"] = round(time.perf_counter() - start, 3)
            references.setdefault(path.name, {})[rule] = reference
            winners = reference["winners"]
            seconds = reference["seconds"]
            REFERENCES.write_text(json.dumps(references, indent=1, sort_keys=True) + "\n")
            print(f"{path.name} {rule}: {len(winners)} winners in {seconds} s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
