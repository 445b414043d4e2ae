"""Compute reference outcomes with pabutools (the reference implementation) for every shared
Pabulib file, and write them to tests/rules/references.json.

Some runs take minutes to hours (pabutools' Equal Shares with the +1 completion on Budapest or
Warsaw), which is why the test suite reads these references instead of running pabutools
live on the large files. Results are saved after each run, so the script can be interrupted
and resumed: outcomes already in the file are kept.

    nice python benchmarks/make_references.py [--only NAME_PART] [--rules greedy,...]

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
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from pabutools.election import Additive_Cardinal_Sat, Cost_Sat, parse_pabulib
from pabutools.election.satisfaction import AdditiveSatisfaction
from pabutools.rules import (
    completion_by_rule_combination,
    exhaustion_by_budget_increase,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "pabulib"
REFERENCES = ROOT / "tests" / "rules" / "references.json"
RULES = ("greedy", "equal_shares_plain", "equal_shares", "equal_shares_until_overspend")


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


def main() -> None:
    """Compute the missing references, smallest files first, saving after each run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="only files whose name contains this")
    parser.add_argument("--rules", default=",".join(RULES))
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
            if rule in references.get(path.name, {}):
                continue
            start = time.perf_counter()
            winners = compute(rule, instance, profile)
            seconds = round(time.perf_counter() - start, 3)
            references.setdefault(path.name, {})[rule] = {"winners": winners, "seconds": seconds}
            REFERENCES.write_text(json.dumps(references, indent=1, sort_keys=True) + "\n")
            print(f"{path.name} {rule}: {len(winners)} winners in {seconds} s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
