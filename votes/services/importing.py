"""Importing a Pabulib ``.pb`` election as a new axis, its vote closed, ready to compute.

One transaction: the axis, its proposals (published, on the ballot), one ballot and one voter
record per vote, and the closed voting state are written together or not at all. A malformed
file gives a ``PabulibImportError`` (400) naming the line and the reason.
"""

from __future__ import annotations

import hashlib
import hmac
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participation.errors import Conflict, DomainError, NotAllowed
from participation.models import Axis, Process, User
from proposals.markup import render_markdown
from proposals.models import Proposal
from votes import pabulib, permissions, receipts
from votes.models import Ballot, VoterRecord, VotingState

MAX_FILE_SIZE = 50 * 1024 * 1024
BALLOT_TYPES = {
    "approval": Axis.BallotType.APPROVAL,
    "choose-1": Axis.BallotType.APPROVAL,
    "cumulative": Axis.BallotType.POINTS,
    "ordinal": Axis.BallotType.RANKING,
}


class PabulibImportError(DomainError):
    """The file is not a Pabulib election this platform can import."""

    status_code = 400
    code = "pabulib_invalid"


def _read(file) -> pabulib.Election:
    data = file.read() if hasattr(file, "read") else file
    if isinstance(data, str):
        data = data.encode()
    if len(data) > MAX_FILE_SIZE:
        raise PabulibImportError(_("The file is too large (50 MB at most)."))
    try:
        return pabulib.read(bytes(data))
    except pabulib.PabulibError as error:
        if error.line is None:
            raise PabulibImportError(
                _("This is not a valid Pabulib file: %(reason)s.") % {"reason": error.reason}
            ) from error
        raise PabulibImportError(
            _("This is not a valid Pabulib file, line %(line)d: %(reason)s.")
            % {"line": error.line, "reason": error.reason}
        ) from error


def _whole(value: str | None) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(value)
    except ArithmeticError:
        return None
    return int(number) if number == number.to_integral_value() and number >= 0 else None


def _axis_fields(election: pabulib.Election) -> dict:
    """The axis' ballot settings read from the META section."""
    meta = election.meta
    vote_type = election.vote_type
    if vote_type not in BALLOT_TYPES:
        raise PabulibImportError(
            _("Ballots of type “%(type)s” cannot be imported.") % {"type": vote_type}
        )
    fields = {
        "ballot_type": BALLOT_TYPES[vote_type],
        "budget": election.budget,
        "min_choices": _whole(meta.get("min_length")) or 1,
        "max_choices": 1 if vote_type == "choose-1" else _whole(meta.get("max_length")),
    }
    if fields["max_choices"] is not None and fields["max_choices"] < fields["min_choices"]:
        fields["max_choices"] = None
    if fields["ballot_type"] == Axis.BallotType.POINTS:
        totals = [sum(vote.points or ()) for vote in election.votes] or [1]
        highest = [max(vote.points or (1,)) for vote in election.votes] or [1]
        fields["points_total"] = _whole(meta.get("max_sum_points")) or int(max(totals)) or 1
        fields["points_max_per_proposal"] = _whole(meta.get("max_points")) or int(max(highest))
    rule = meta.get("rule", "")
    if rule.startswith("equalshares"):
        fields["result_rule"] = Axis.ResultRule.EQUAL_SHARES
        fields["completion"] = Axis.Completion.ADD1 if "add1" in rule else Axis.Completion.NONE
    return fields


def _choices(vote: pabulib.Vote, ids: dict[str, int], points: bool) -> list[int] | dict:
    if not points:
        return [ids[project_id] for project_id in vote.projects]
    choices = {}
    for project_id, value in zip(vote.projects, vote.points or (), strict=True):
        if value != value.to_integral_value():
            raise PabulibImportError(
                _("Voter %(voter)s gives a fraction of a point: only whole points are accepted.")
                % {"voter": vote.voter_id}
            )
        choices[str(ids[project_id])] = int(value)
    return choices


def _person_hash(process: Process, axis: Axis, voter_id: str) -> str:
    message = f"pabulib:{process.pk}:{axis.pk}:{voter_id}".encode()
    return hmac.new(settings.CENSUS_KEY.encode(), message, hashlib.sha256).hexdigest()


def axis_import_pabulib(
    *, actor: User | None, process: Process, file, slug: str, title: str
) -> Axis:
    """Create an axis from a Pabulib election: its projects become published proposals on the
    ballot, its votes become ballots (with anonymous voter records), and its vote is closed.

    `actor` None is the system (the management command); otherwise an organiser."""
    if actor is not None and not permissions.can_manage_voting(actor, process):
        raise NotAllowed(_("Only an organiser of this process can import an election."))
    election = _read(file)
    fields = _axis_fields(election)
    now = timezone.now()
    with transaction.atomic():
        if Axis.objects.filter(process=process, slug=slug).exists():
            raise Conflict(_("This process already has an axis with this slug."))
        position = Axis.objects.filter(process=process).count()
        axis = Axis.objects.create(
            process=process, slug=slug, title=title, position=position, **fields
        )
        ids = {}
        for project in election.projects:
            name = (project.columns.get("name") or "").strip() or project.project_id
            description = (project.columns.get("description") or "").strip()
            proposal = Proposal.objects.create(
                axis=axis,
                author=None,
                title=name[:150],
                summary=(description or name)[:300],
                body=description or name,
                body_html=render_markdown(description or name),
                estimated_cost=project.cost,
                status=Proposal.Status.PUBLISHED,
                published_at=now,
                selected_for_vote=True,
            )
            ids[project.project_id] = proposal.pk
        points = fields["ballot_type"] == Axis.BallotType.POINTS
        ballots, records = [], []
        for vote in election.votes:
            choices = _choices(vote, ids, points)
            code = receipts.receipt_new()
            ballots.append(
                Ballot(axis=axis, choices=choices, receipt_hash=receipts.receipt_hash(code))
            )
            records.append(
                VoterRecord(
                    axis=axis,
                    voter=None,
                    channel=VoterRecord.Channel.ONLINE,
                    person_hash=_person_hash(process, axis, vote.voter_id),
                )
            )
        Ballot.objects.bulk_create(ballots, batch_size=1000)
        VoterRecord.objects.bulk_create(records, batch_size=1000)
        VotingState.objects.create(
            axis=axis, opened_at=now, closed_at=now, closed_by=actor if actor else None
        )
    return axis
