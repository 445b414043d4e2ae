"""Compute the outcome of a Pabulib election file with the results engine (no database)."""

import json
import time
from fractions import Fraction
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from votes import pabulib
from votes.rules import Outcome, equal_shares, greedy, official, profile_from_election

RULES = ("greedy", "equal_shares", "equal_shares_plain", "official")
COMPLETIONS = ("add1", "add1_until_overspend")


class Command(BaseCommand):
    help = (
        "Compute the outcome of a Pabulib .pb file: greedy, equal_shares (Method of Equal "
        "Shares, +1 completion then greedy fill), equal_shares_plain (no completion) or "
        "official (the rule the file declares). Touches no database."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the .pb file")
        parser.add_argument("--rule", choices=RULES, default="official")
        parser.add_argument("--completion", choices=COMPLETIONS, default="add1")
        parser.add_argument("--threshold", help="greedy: minimum score to be eligible")
        parser.add_argument("--json", action="store_true", help="one JSON object on stdout")

    def handle(self, *args, file, rule, completion, threshold, json, **options):
        try:
            election = pabulib.read(Path(file))
        except pabulib.PabulibError as error:
            raise CommandError(f"{file}: {error}") from None
        start = time.perf_counter()
        try:
            outcome = _compute(election, rule, completion, threshold)
        except ValueError as error:
            raise CommandError(str(error)) from None
        seconds = time.perf_counter() - start
        if json:
            self.stdout.write(_as_json(rule, outcome, seconds))
        else:
            self.stdout.write(_as_text(outcome, seconds))


def _compute(election: pabulib.Election, rule: str, completion: str, threshold) -> Outcome:
    """The rule's outcome; ValueError for a rule or threshold the engine refuses."""
    if rule == "official":
        return official(election)
    profile = profile_from_election(election)
    if rule == "greedy":
        if threshold is not None:
            threshold = pabulib.parse_number(threshold, "threshold")
        return greedy(profile, threshold=threshold)
    if rule == "equal_shares":
        return equal_shares(profile, completion=completion)
    if rule == "equal_shares_plain":
        return equal_shares(profile, completion="none")
    raise ValueError(f"unknown rule {rule!r} (choose from {', '.join(RULES)})")


def _number(amount: Fraction) -> int | float:
    return amount.numerator if amount.denominator == 1 else float(amount)


def _as_json(rule: str, outcome: Outcome, seconds: float) -> str:
    return json.dumps(
        {
            "rule": rule,
            "winners": list(outcome.winners),
            "cost": _number(outcome.cost),
            "seconds": round(seconds, 6),
        }
    )


def _as_text(outcome: Outcome, seconds: float) -> str:
    lines = [
        f"Rule: {outcome.rule}",
        f"Winners ({len(outcome.winners)}), in selection order: {', '.join(outcome.winners)}",
        f"Cost: {_number(outcome.cost)} of a budget of {_number(outcome.budget)}",
    ]
    if outcome.voter_budget is not None:
        lines.append(f"Budget per voter: {float(outcome.voter_budget):.2f}")
    lines.extend(
        f"  tie: {', '.join(tie.projects)} (broken by {tie.broken_by})" for tie in outcome.ties
    )
    lines.append(f"Computed in {seconds:.3f} s")
    return "\n".join(lines)
