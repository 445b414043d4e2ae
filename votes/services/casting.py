"""Casting, changing and recording (assisted or paper) ballots."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from participation.errors import Conflict, DomainError, NotAllowed, NotFound
from participation.models import Axis, Process, User
from participation.ratelimit import check_rate
from votes import census, permissions, receipts, selectors
from votes.ballots import ballot_validate
from votes.models import Ballot, VoterRecord
from votes.services.locks import ensure_still_open

ASSISTED_LIMITS = (300, 600)


class InvalidReceipt(DomainError):
    code = "invalid_receipt"


def _parse_receipt(code: str) -> str:
    if receipts.receipt_normalise(code or "") is None:
        raise InvalidReceipt(
            _(
                "This is not a receipt code: a code has 28 letters and digits in 7 groups of 4, "
                "like ABCD-EFGH-JKMN-PQRS-TVWX-YZ23-4567."
            ),
            field="receipt",
        )
    return code


def _record_ballot(*, axis: Axis, choices: object, record: VoterRecord) -> str:
    """Write a voter record and its ballot in the caller's transaction; return the receipt."""
    code = receipts.receipt_new()
    record.receipt_tag = receipts.receipt_tag(code)
    record.save(force_insert=True)
    Ballot.objects.create(axis=axis, choices=choices, receipt_hash=receipts.receipt_hash(code))
    ensure_still_open(axis)
    return code


def ballot_cast(*, voter: User, axis: Axis, choices: object) -> str:
    """Cast the participant's ballot on an axis; return the receipt code (shown once).

    One voter, one ballot: a second cast, even concurrent, hits the unique constraint on the
    voter record and is refused with Conflict.
    """
    refusal = permissions.vote_refusal(voter, axis)
    if refusal:
        raise NotAllowed(refusal)
    check_rate(user_id=voter.pk, action="ballot")
    normalised = ballot_validate(
        axis=axis, proposals=selectors.ballot_proposals(axis=axis), choices=choices
    )
    entry = permissions.census_entry_of(voter, axis.process)
    # The census entry's hash also marks the person, so a mediator cannot record them again.
    record = VoterRecord(
        axis=axis,
        voter=voter,
        person_hash=entry.identifier_hash if entry else "",
        channel=VoterRecord.Channel.ONLINE,
    )
    try:
        with transaction.atomic():
            return _record_ballot(axis=axis, choices=normalised, record=record)
    except IntegrityError as error:
        if VoterRecord.objects.filter(axis=axis, voter=voter).exists():
            raise Conflict(
                _(
                    "You have already voted on this axis. You can change your ballot with "
                    "your receipt code until voting closes."
                )
            ) from error
        raise Conflict(
            _("You have already voted on this axis with a mediator or on paper.")
        ) from error


def ballot_change(*, voter: User, axis: Axis, receipt: str, choices: object) -> str:
    """Replace the participant's ballot on an axis (needs its receipt); return the new receipt.

    Holds the voter record's row lock (FOR UPDATE) while deleting the old ballot and inserting
    the new one, so two changes at once cannot leave two ballots.
    """
    refusal = permissions.vote_refusal(voter, axis)
    if refusal:
        raise NotAllowed(refusal)
    check_rate(user_id=voter.pk, action="ballot")
    _parse_receipt(receipt)
    normalised = ballot_validate(
        axis=axis, proposals=selectors.ballot_proposals(axis=axis), choices=choices
    )
    with transaction.atomic():
        record = VoterRecord.objects.select_for_update().filter(axis=axis, voter=voter).first()
        if record is None:
            raise NotFound(_("You have not voted on this axis yet."))
        if not hmac.compare_digest(record.receipt_tag, receipts.receipt_tag(receipt)):
            raise InvalidReceipt(
                _("This receipt code is not the one of your ballot on this axis."),
                field="receipt",
            )
        deleted, _detail = Ballot.objects.filter(
            axis=axis, receipt_hash=receipts.receipt_hash(receipt)
        ).delete()
        if deleted != 1:
            raise Conflict(_("Your ballot could not be found: contact the organisers."))
        code = receipts.receipt_new()
        Ballot.objects.create(
            axis=axis, choices=normalised, receipt_hash=receipts.receipt_hash(code)
        )
        record.receipt_tag = receipts.receipt_tag(code)
        record.save(update_fields=["receipt_tag"])
        ensure_still_open(axis)
        return code


@dataclass(frozen=True)
class AssistedPerson:
    """How a mediator identifies the person they help: a census identifier, or name and date
    of birth (reduced to a keyed hash at once)."""

    census_identifier: str = ""
    full_name: str = ""
    birth_date: date | None = None


def _assisted_person_hash(process: Process, person: AssistedPerson) -> str:
    if person.census_identifier.strip():
        entry = selectors.census_entry_find(process=process, identifier=person.census_identifier)
        if entry is None:
            raise NotAllowed(
                _("This identifier is not on the residents list of this process."),
                field="census_identifier",
            )
        return entry.identifier_hash
    if process.eligibility == Process.Eligibility.CENSUS:
        raise DomainError(
            _("This vote is open to the residents list: enter the person's identifier."),
            field="census_identifier",
        )
    if not person.full_name.strip() or person.birth_date is None:
        raise DomainError(
            _("Enter the person's full name and date of birth (or their census identifier)."),
            field="full_name",
        )
    return census.person_hash(process, full_name=person.full_name, birth_date=person.birth_date)


def ballot_record_assisted(
    *,
    mediator: User,
    axis: Axis,
    choices: object,
    person: AssistedPerson,
    place: str,
    channel: str = VoterRecord.Channel.ASSISTED,
) -> str:
    """Record the ballot of a person met by a mediator; return the receipt to hand them.

    The voter record keeps who recorded it, where and when; the ballot stays unlinkable. The
    person's keyed hash makes a second ballot of theirs (online, assisted or paper) fail.
    """
    if not permissions.can_record_assisted(mediator, axis):
        raise NotAllowed(
            _("Only a mediator of this process can record a ballot, while voting is open.")
        )
    check_rate(user_id=mediator.pk, action="assisted_ballot", limits=ASSISTED_LIMITS)
    if channel not in (VoterRecord.Channel.ASSISTED, VoterRecord.Channel.PAPER):
        raise DomainError(
            _("Choose how the ballot was given: assisted or on paper."), field="channel"
        )
    if not place.strip():
        raise DomainError(_("Say where the ballot was recorded."), field="place")
    person_hash = _assisted_person_hash(axis.process, person)
    normalised = ballot_validate(
        axis=axis, proposals=selectors.ballot_proposals(axis=axis), choices=choices
    )
    record = VoterRecord(
        axis=axis,
        person_hash=person_hash,
        channel=channel,
        mediator=mediator,
        place=place.strip()[:200],
    )
    try:
        with transaction.atomic():
            return _record_ballot(axis=axis, choices=normalised, record=record)
    except IntegrityError as error:
        raise Conflict(
            _("This person has already voted on this axis (online, assisted or on paper).")
        ) from error
