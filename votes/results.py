"""The bridge from the database to the results engine: what goes in, what comes out.

``election_input`` reads an axis' ballot and ballots into plain data; ``input_hash`` fingerprints
it (same ballots, same rule, same engine → same hash, so a second computation finds the stored
Result); ``outcome_compute`` runs the axis' rule and returns a JSON-ready outcome.

The ``greedy`` rule runs the pure rules library (``votes/rules/``) through a thin adapter
(``_run_greedy``): ties go to the cheaper proposal, and a proposal needs at least one vote (and
the axis' ``min_score``) to be funded. The ``ranking`` rule (a consultation without a budget) is
a plain sort computed here. ``equal_shares`` refuses with a clear message until the library
exposes it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from participation.errors import DomainError
from participation.models import Axis
from votes.ballots import BallotProposal
from votes.models import Ballot
from votes.selectors import ballot_proposals

ENGINE_VERSION = "rules-greedy-1"
EQUAL_SHARES_AVAILABLE = False


class RuleUnavailable(DomainError):
    """The axis' result rule cannot be computed by this installation."""

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


def _engine_profile(election: ElectionInput):
    """The election as the rules library's Profile (project ids as strings)."""
    from votes.rules.profile import make_profile

    known = {str(project.id) for project in election.projects}
    projects = [(str(project.id), project.cost) for project in election.projects]
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


def _run_greedy(election: ElectionInput) -> tuple[list[int], list[dict]]:
    """Greedy by votes, computed by the rules library; returns winners and one row per project."""
    from votes.rules.greedy import greedy

    outcome = greedy(
        _engine_profile(election),
        rank_points="borda",
        threshold=max(election.min_score, 1),
        tie_breaking="cost_then_votes",
    )
    titles = {project.id: project.title for project in election.projects}
    rows = []
    for project_id, project in outcome.projects.items():
        votes = project.score
        rows.append(
            {
                "id": int(project_id),
                "title": titles[int(project_id)],
                "cost": str(Decimal(project.cost.numerator) / Decimal(project.cost.denominator)),
                "votes": int(votes) if votes.denominator == 1 else float(votes),
                "selected": project.status.startswith("selected"),
                "reason": "no_votes"
                if votes == 0
                else _STATUS_REASONS.get(project.status, project.status),
                "explanation": project.explanation,
            }
        )
    rows.sort(key=lambda row: (-row["votes"], Decimal(row["cost"]), row["id"]))
    return [int(project_id) for project_id in outcome.winners], rows


def outcome_compute(election: ElectionInput) -> dict:
    """Run the election's rule; the outcome lists every project in the order it was considered."""
    if election.rule == Axis.ResultRule.GREEDY:
        winners, rows = _run_greedy(election)
    elif election.rule == Axis.ResultRule.RANKING:
        rows = _greedy(election, project_scores(election), budgeted=False)
        winners = [row["id"] for row in rows if row["selected"]]
    else:
        raise RuleUnavailable(
            _(
                "The Method of Equal Shares is not available in this installation yet: choose "
                "another result rule for this axis, or try again after the next update."
            )
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
