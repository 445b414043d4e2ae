"""The bridge from the database to the results engine: what goes in, what comes out.

``election_input`` reads an axis' ballot and ballots into plain data; ``input_hash`` fingerprints
it (same ballots, same rule, same engine → same hash, so a second computation finds the stored
Result); ``outcome_compute`` runs the axis' rule and returns a JSON-ready outcome.

The ``greedy`` rule runs the pure rules library (``votes/rules/``) through a thin adapter
(``_run_greedy``): ties go to the cheaper proposal, and a proposal needs at least one vote (and
the axis' ``min_score``) to be funded. ``equal_shares`` runs the library's Method of Equal
Shares with the axis' completion (``_run_equal_shares``): the same rows, plus the rounds (the
price each supporter paid) and the ties broken. The ``ranking`` rule (a consultation without a
budget) is a plain sort computed here. Each row keeps the figures that explain it (round,
share, money left) so that pages can say why in translatable sentences.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from participation.errors import DomainError
from participation.models import Axis
from votes.ballots import BallotProposal
from votes.models import Ballot
from votes.selectors import ballot_proposals

ENGINE_VERSION = "rules-2"
EQUAL_SHARES_AVAILABLE = True


class RuleUnavailable(DomainError):
    """The axis' result rule cannot be computed by this installation (an unknown rule)."""

    status_code = 409
    code = "rule_unavailable"


@dataclass(frozen=True)
class ElectionInput:
    """Everything a rule needs, read from the database in one go."""

    axis_id: int
    rule: str
    ballot_type: str
    budget: Decimal
    min_score: int
    options: dict
    projects: list[BallotProposal]
    ballots: list[list[int] | dict[str, int]]


def election_input(*, axis: Axis) -> ElectionInput:
    """The axis' projects (its ballot) and all its ballots' choices."""
    options = {"min_score": axis.min_score}
    if axis.result_rule == Axis.ResultRule.EQUAL_SHARES:
        options["completion"] = axis.completion
    return ElectionInput(
        axis_id=axis.pk,
        rule=axis.result_rule,
        ballot_type=axis.ballot_type,
        budget=axis.budget,
        min_score=axis.min_score,
        options=options,
        projects=list(ballot_proposals(axis=axis).values()),
        ballots=list(Ballot.objects.filter(axis=axis).values_list("choices", flat=True)),
    )


def input_hash(election: ElectionInput) -> str:
    """SHA-256 of a canonical form of the input (ballots sorted: their order means nothing)."""
    canonical = {
        "engine": ENGINE_VERSION,
        "rule": election.rule,
        "ballot_type": election.ballot_type,
        "budget": str(election.budget),
        "options": election.options,
        "projects": sorted([project.id, str(project.cost)] for project in election.projects),
        "ballots": sorted(json.dumps(choices, sort_keys=True) for choices in election.ballots),
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def project_scores(election: ElectionInput) -> dict[int, int]:
    """Votes per project: approvals, points, or Borda points for rankings.

    Borda for rankings, as the rules library counts it: with m projects on the ballot, the
    first ranked gets m - 1 points, the second m - 2, and so on; unranked projects get nothing.
    """
    scores = {project.id: 0 for project in election.projects}
    size = len(election.projects)
    for choices in election.ballots:
        if election.ballot_type == Axis.BallotType.POINTS:
            pairs = ((int(key), int(value)) for key, value in choices.items())
        elif election.ballot_type == Axis.BallotType.RANKING:
            pairs = (
                (project_id, size - 1 - position) for position, project_id in enumerate(choices)
            )
        else:
            pairs = ((project_id, 1) for project_id in choices)
        for project_id, score in pairs:
            if project_id in scores:
                scores[project_id] += score
    return scores


def _ordered(election: ElectionInput, scores: dict[int, int]) -> list[BallotProposal]:
    # Most votes first; between equals, the cheaper, then the older proposal.
    return sorted(election.projects, key=lambda p: (-scores[p.id], p.cost, p.id))


def _greedy(election: ElectionInput, scores: dict[int, int], *, budgeted: bool) -> list[dict]:
    remaining = election.budget
    rows = []
    for project in _ordered(election, scores):
        score = scores[project.id]
        if score == 0:
            reason = "no_votes"
        elif score < election.min_score:
            reason = "below_threshold"
        elif budgeted and project.cost > remaining:
            reason = "over_budget"
        else:
            reason = "selected"
            if budgeted:
                remaining -= project.cost
        rows.append(
            {
                "id": project.id,
                "title": project.title,
                "cost": str(project.cost),
                "votes": score,
                "selected": reason == "selected",
                "reason": reason,
            }
        )
    return rows


_STATUS_REASONS = {
    "selected": "selected",
    "selected_in_completion": "selected",
    "did_not_fit": "over_budget",
    "not_reached": "over_budget",
    "below_threshold": "below_threshold",
    "not_affordable": "not_affordable",
}


def _engine_profile(election: ElectionInput, excluded: frozenset[int] = frozenset()):
    """The election as the rules library's Profile (project ids as strings), without the
    `excluded` projects (those below the axis' threshold, for Equal Shares)."""
    from votes.rules.profile import make_profile

    known = {str(project.id) for project in election.projects if project.id not in excluded}
    projects = [
        (str(project.id), project.cost)
        for project in election.projects
        if project.id not in excluded
    ]
    if election.ballot_type == Axis.BallotType.POINTS:
        ballots = [[key for key in choices if key in known] for choices in election.ballots]
        points = [
            [choices[key] for key in ballot]
            for ballot, choices in zip(ballots, election.ballots, strict=True)
        ]
        kind = "points"
    else:
        ballots = [
            [str(pid) for pid in choices if str(pid) in known] for choices in election.ballots
        ]
        points = None
        kind = "ranking" if election.ballot_type == Axis.BallotType.RANKING else "approval"
    return make_profile(
        projects=projects, budget=election.budget, ballots=ballots, points=points, kind=kind
    )


def _decimal(amount: Fraction | None) -> str | None:
    """An exact amount as a decimal string (rounded to the cent when it does not end)."""
    if amount is None:
        return None
    value = Decimal(amount.numerator) / Decimal(amount.denominator)
    return str(value if amount == Fraction(value) else value.quantize(Decimal("0.01")))


def _votes(score: Fraction | int) -> int | float:
    score = Fraction(score)
    return int(score) if score.denominator == 1 else float(score)


def _row(election: ElectionInput, project, votes: Fraction | int) -> dict:
    """One project's row from the library's ProjectResult, with the figures that explain it."""
    titles = {candidate.id: candidate.title for candidate in election.projects}
    return {
        "id": int(project.project_id),
        "title": titles[int(project.project_id)],
        "cost": _decimal(project.cost),
        "votes": _votes(votes),
        "selected": project.status.startswith("selected"),
        "reason": "no_votes" if votes == 0 else _STATUS_REASONS.get(project.status, project.status),
        "status": project.status,
        "round": project.round,
        "budget_left": _decimal(project.budget_left),
        "share": _decimal(project.share),
        "supporters": int(project.score) if project.status != "below_threshold" else None,
        "paid_all_left": project.paid_all_left,
        "supporters_money": _decimal(project.supporters_money),
        "explanation": project.explanation,
    }


def _details(outcome) -> dict:
    """The rounds and ties of a library Outcome, JSON-ready."""
    return {
        "rounds": [
            {
                "round": step.number,
                "project": int(step.project_id),
                "cost": _decimal(step.cost),
                "budget_left": _decimal(step.budget_left),
                "stage": step.stage,
                "price": _decimal(step.price),
            }
            for step in outcome.rounds
        ],
        "ties": [
            {
                "round": tie.round,
                "projects": [int(project_id) for project_id in tie.projects],
                "broken_by": tie.broken_by,
            }
            for tie in outcome.ties
        ],
        "voter_budget": _decimal(outcome.voter_budget),
    }


def _run_greedy(election: ElectionInput) -> tuple[list[int], list[dict], dict]:
    """Greedy by votes, computed by the rules library; returns winners and one row per project."""
    outcome = greedy_outcome(election)
    rows = [_row(election, project, project.score) for project in outcome.projects.values()]
    rows.sort(key=lambda row: (-row["votes"], Decimal(row["cost"]), row["id"]))
    return [int(project_id) for project_id in outcome.winners], rows, _details(outcome)


def greedy_outcome(election: ElectionInput):
    """The library's greedy Outcome for the election (Borda points, ties to the cheaper)."""
    from votes.rules.greedy import greedy

    return greedy(
        _engine_profile(election),
        rank_points="borda",
        threshold=max(election.min_score, 1),
        tie_breaking="cost_then_votes",
    )


def equal_shares_outcome(election: ElectionInput, completion: str | None = None):
    """The library's Equal Shares Outcome for the election and the projects left out for being
    below the axis' threshold. The completion raises voters' budgets only, without a greedy
    fill afterwards: what Pabulib's files call "equalshares/add1"."""
    from votes.rules.equal_shares import equal_shares

    scores = project_scores(election)
    excluded = frozenset(pid for pid, score in scores.items() if score < election.min_score)
    outcome = equal_shares(
        _engine_profile(election, excluded),
        completion=completion or election.options.get("completion", Axis.Completion.ADD1),
        greedy_fill=False,  # as Pabulib's "equalshares/add1" (Assen 2024 confirms it)
        rank_points="borda",
        tie_breaking="cost_then_votes",
    )
    return outcome, excluded


def _run_equal_shares(election: ElectionInput) -> tuple[list[int], list[dict], dict]:
    """The Method of Equal Shares with the axis' completion: winners in the order bought, then
    the other projects by votes."""
    outcome, excluded = equal_shares_outcome(election)
    scores = project_scores(election)
    rows = [
        _row(election, project, scores[int(project.project_id)])
        for project in outcome.projects.values()
    ]
    for project in election.projects:
        if project.id in excluded:
            rows.append(
                {
                    "id": project.id,
                    "title": project.title,
                    "cost": str(project.cost),
                    "votes": scores[project.id],
                    "selected": False,
                    "reason": "no_votes" if scores[project.id] == 0 else "below_threshold",
                    "status": "below_threshold",
                    "explanation": f"below the threshold of {election.min_score}",
                }
            )
    rows.sort(
        key=lambda row: (
            row.get("round") or len(rows) + 1,
            -row["votes"],
            Decimal(row["cost"]),
            row["id"],
        )
    )
    return [int(project_id) for project_id in outcome.winners], rows, _details(outcome)


def outcome_compute(election: ElectionInput) -> dict:
    """Run the election's rule; the outcome lists every project in the order it was considered."""
    details: dict = {}
    if election.rule == Axis.ResultRule.GREEDY:
        winners, rows, details = _run_greedy(election)
    elif election.rule == Axis.ResultRule.EQUAL_SHARES:
        winners, rows, details = _run_equal_shares(election)
    elif election.rule == Axis.ResultRule.RANKING:
        rows = _greedy(election, project_scores(election), budgeted=False)
        winners = [row["id"] for row in rows if row["selected"]]
    else:
        raise RuleUnavailable(
            _("The result rule “%(rule)s” is not available in this installation.")
            % {"rule": election.rule}
        )
    costs = {project.id: project.cost for project in election.projects}
    used = sum((costs[winner] for winner in winners), Decimal(0))
    return {
        "rule": election.rule,
        "ballot_type": election.ballot_type,
        "engine_version": ENGINE_VERSION,
        "budget": str(election.budget),
        "budget_used": str(used),
        "winners": winners,
        "projects": rows,
        "ballots": len(election.ballots),
        **details,
    }


def rules_comparison(election: ElectionInput, *, completion: str) -> dict:
    """Greedy and Equal Shares (with `completion`) on the same ballots, side by side: money
    spent, winners, share of voters with at least one funded project, average winners and
    money per voter, and the projects only one of the rules funds."""
    from votes.rules.outcome import compare_outcomes

    first = greedy_outcome(election)
    second, _excluded = equal_shares_outcome(election, completion)
    comparison = compare_outcomes(_engine_profile(election), first, second)
    projects = {str(project.id): project for project in election.projects}

    def listed(project_ids) -> list[dict]:
        return [
            {
                "id": int(project_id),
                "title": projects[project_id].title,
                "cost": str(projects[project_id].cost),
            }
            for project_id in project_ids
        ]

    rules = []
    for index, (rule, outcome) in enumerate(
        ((Axis.ResultRule.GREEDY, first), (Axis.ResultRule.EQUAL_SHARES, second))
    ):
        rules.append(
            {
                "rule": rule,
                "spent": _decimal(comparison.spent[index]),
                "winner_count": comparison.winner_count[index],
                "share_of_voters_with_a_winner": comparison.share_of_voters_with_a_winner[index],
                "average_winners_per_voter": comparison.average_winners_per_voter[index],
                "average_money_per_voter": comparison.average_money_per_voter[index],
                "winners": listed(outcome.winners),
            }
        )
    return {
        "axis": election.axis_id,
        "budget": str(election.budget),
        "ballots": len(election.ballots),
        "completion": completion,
        "rules": rules,
        "only_greedy": listed(comparison.only_in_first),
        "only_equal_shares": listed(comparison.only_in_second),
    }


# --- Open data: the election as a Pabulib .pb file ---------------------------------------------

PABULIB_VOTE_TYPES = {
    Axis.BallotType.APPROVAL: "approval",
    Axis.BallotType.BUDGET: "approval",
    Axis.BallotType.POINTS: "cumulative",
    Axis.BallotType.RANKING: "ordinal",
}
PABULIB_RULES = {
    Axis.ResultRule.GREEDY: "greedy",
    Axis.ResultRule.EQUAL_SHARES: "equalshares",
    Axis.ResultRule.RANKING: "ranking",
}


def pabulib_text(*, axis: Axis, election: ElectionInput, winners: Sequence[int] = ()) -> str:
    """The axis' election in the Pabulib format, ballots in a canonical order (so the file
    says nothing of who voted when) and numbered from 1."""
    from votes import pabulib

    vote_type = PABULIB_VOTE_TYPES[election.ballot_type]
    ballots = sorted(election.ballots, key=lambda choices: json.dumps(choices, sort_keys=True))
    known = {str(project.id) for project in election.projects}
    votes = []
    for number, choices in enumerate(ballots, start=1):
        if vote_type == "cumulative":
            keys = [key for key in sorted(choices, key=int) if key in known]
            points = tuple(Decimal(choices[key]) for key in keys)
            votes.append(pabulib.Vote(voter_id=str(number), projects=tuple(keys), points=points))
        else:
            keys = tuple(str(pid) for pid in choices if str(pid) in known)
            votes.append(pabulib.Vote(voter_id=str(number), projects=keys))
    meta = {
        "description": f"{axis.process.title} — {axis.title}",
        "country": "France",
        "unit": axis.process.place or axis.process.title,
        "instance": f"{axis.process.slug}/{axis.slug}",
        "num_projects": str(len(election.projects)),
        "num_votes": str(len(votes)),
        "budget": str(election.budget),
        "vote_type": vote_type,
        "rule": PABULIB_RULES.get(election.rule, election.rule),
        "licence": axis.process.licence,
    }
    projects = tuple(
        pabulib.Project(
            project_id=str(project.id),
            cost=project.cost,
            columns={"name": project.title, "selected": "1" if project.id in winners else "0"},
        )
        for project in sorted(election.projects, key=lambda project: project.id)
    )
    return pabulib.write(pabulib.Election(meta=meta, projects=projects, votes=tuple(votes)))
