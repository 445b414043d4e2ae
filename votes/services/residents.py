"""The residents list (census): uploads by organisers, claims by participants."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participation.errors import Conflict, NotAllowed, NotFound
from participation.models import Process, User
from participation.permissions import is_verified
from participation.ratelimit import check_rate
from votes import census, permissions
from votes.models import CensusEntry

CENSUS_CLAIM_LIMITS = (10, 3600)  # identifiers must not be guessable by trying many


@dataclass
class CensusImportReport:
    """What an upload of the residents list did."""

    added: int = 0
    already: int = 0
    rejected: list[str] = field(default_factory=list)


def census_import(
    *, actor: User | None, process: Process, identifiers: Iterable[str]
) -> CensusImportReport:
    """Add identifiers to the process' residents list, as keyed hashes; duplicates are skipped.

    ``actor`` None means the command line (an operator of the server).
    """
    if actor is not None:
        if not permissions.can_manage_voting(actor, process):
            raise NotAllowed(_("Only an organiser of this process can upload the residents list."))
        check_rate(user_id=actor.pk, action="organiser")
    usable, rejected = census.identifiers_valid(identifiers)
    hashes = sorted({census.identifier_hash(process, identifier) for identifier in usable})
    report = CensusImportReport(rejected=rejected)
    with transaction.atomic():
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            known = set(
                CensusEntry.objects.filter(process=process, identifier_hash__in=chunk).values_list(
                    "identifier_hash", flat=True
                )
            )
            CensusEntry.objects.bulk_create(
                [CensusEntry(process=process, identifier_hash=h) for h in chunk if h not in known],
                ignore_conflicts=True,
            )
            report.already += len(known)
            report.added += len(chunk) - len(known)
    report.already += len(usable) - len(hashes)
    return report


def census_claim(*, user: User, process: Process, identifier: str) -> CensusEntry:
    """Link the participant's account to their entry of the residents list (once)."""
    if not is_verified(user):
        raise NotAllowed(_("Confirm your e-mail address first."))
    if process.eligibility != Process.Eligibility.CENSUS:
        raise Conflict(_("This process does not use a residents list."))
    check_rate(user_id=user.pk, action="census_claim", limits=CENSUS_CLAIM_LIMITS)
    digest = census.identifier_hash(process, identifier)
    try:
        with transaction.atomic():
            return _claim(user=user, process=process, digest=digest)
    except IntegrityError as error:
        raise Conflict(
            _("Your account is already linked to an identifier of the residents list.")
        ) from error


def _claim(*, user: User, process: Process, digest: str) -> CensusEntry:
    mine = CensusEntry.objects.filter(process=process, user=user).first()
    if mine is not None:
        if mine.identifier_hash == digest:
            return mine
        raise Conflict(_("Your account is already linked to another identifier of the list."))
    entry = (
        CensusEntry.objects.select_for_update()
        .filter(process=process, identifier_hash=digest)
        .first()
    )
    if entry is None:
        raise NotFound(
            _(
                "This identifier is not on the residents list of this process. Check it as "
                "written on the letter you received, or contact the organisers."
            ),
            field="identifier",
        )
    if entry.user_id is not None:
        raise Conflict(
            _(
                "This identifier is already used by another account. If it is yours, contact "
                "the organisers."
            ),
            field="identifier",
        )
    entry.user = user
    entry.claimed_at = timezone.now()
    entry.save(update_fields=["user", "claimed_at"])
    return entry
