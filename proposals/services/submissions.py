"""Citizens' proposals: write a draft, submit it, change it before publication, withdraw it."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participation import permissions
from participation.errors import Conflict
from participation.models import Axis, User
from participation.notifications import follow
from participation.ratelimit import check_rate
from proposals.images import image_prepare
from proposals.markup import render_markdown
from proposals.models import Proposal
from proposals.services import cleaning
from proposals.services.locks import lock_proposal

TITLE_MAX_LENGTH = 150
SUMMARY_MAX_LENGTH = 300
PLACE_MAX_LENGTH = 200


def _clean_fields(
    *,
    axis: Axis,
    title: str,
    summary: str,
    body: str,
    estimated_cost: Decimal | str | int,
    place: str,
    latitude: Decimal | str | None,
    longitude: Decimal | str | None,
) -> dict:
    body = cleaning.text(body, field="body", max_length=cleaning.BODY_MAX_LENGTH)
    lat, lon = cleaning.coordinates(latitude, longitude)
    return {
        "title": cleaning.text(title, field="title", max_length=TITLE_MAX_LENGTH),
        "summary": cleaning.text(summary, field="summary", max_length=SUMMARY_MAX_LENGTH),
        "body": body,
        "body_html": render_markdown(body),
        "estimated_cost": cleaning.cost(estimated_cost, axis=axis),
        "place": cleaning.text(place, field="place", max_length=PLACE_MAX_LENGTH, required=False),
        "latitude": lat,
        "longitude": lon,
    }


def _enter_moderation_or_publish(proposal: Proposal) -> None:
    """Submitted: waits for a moderator when the process pre-moderates, else is published."""
    now = timezone.now()
    proposal.submitted_at = now
    if proposal.axis.process.pre_moderation:
        proposal.status = Proposal.Status.PENDING
    else:
        proposal.status = Proposal.Status.PUBLISHED
        proposal.published_at = now


def proposal_create(
    *,
    author: User,
    axis: Axis,
    title: str,
    summary: str,
    body: str,
    estimated_cost: Decimal | str | int,
    place: str = "",
    latitude: Decimal | str | None = None,
    longitude: Decimal | str | None = None,
    image=None,
    submit: bool = False,
) -> Proposal:
    """Write a proposal as a draft, or submit it at once when `submit` is true."""
    permissions.check_submit_proposal(author, axis)
    fields = _clean_fields(
        axis=axis,
        title=title,
        summary=summary,
        body=body,
        estimated_cost=estimated_cost,
        place=place,
        latitude=latitude,
        longitude=longitude,
    )
    image_file = image_prepare(image) if image else None
    check_rate(user_id=author.pk, action="proposal")
    with transaction.atomic():
        proposal = Proposal(axis=axis, author=author, status=Proposal.Status.DRAFT, **fields)
        if image_file is not None:
            proposal.image.save(image_file.name, image_file, save=False)
        if submit:
            _enter_moderation_or_publish(proposal)
        proposal.save()
        # Authors hear of what happens to their proposal, and of the vote it may go to.
        follow(user=author, proposal=proposal)
    return proposal


def proposal_update(
    *,
    actor: User,
    proposal: Proposal,
    title: str,
    summary: str,
    body: str,
    estimated_cost: Decimal | str | int,
    place: str = "",
    latitude: Decimal | str | None = None,
    longitude: Decimal | str | None = None,
    image=None,
    remove_image: bool = False,
) -> Proposal:
    """Change a draft or a proposal awaiting moderation (its author only)."""
    permissions.check_edit_proposal(actor, proposal)
    fields = _clean_fields(
        axis=proposal.axis,
        title=title,
        summary=summary,
        body=body,
        estimated_cost=estimated_cost,
        place=place,
        latitude=latitude,
        longitude=longitude,
    )
    image_file = image_prepare(image) if image else None
    check_rate(user_id=actor.pk, action="proposal")
    with transaction.atomic():
        proposal = lock_proposal(proposal.pk)
        permissions.check_edit_proposal(actor, proposal)  # the state may have moved on
        for name, value in fields.items():
            setattr(proposal, name, value)
        old_image = proposal.image.name
        if image_file is not None:
            proposal.image.save(image_file.name, image_file, save=False)
        elif remove_image:
            proposal.image = ""
        proposal.save()
        if old_image and old_image != proposal.image.name:
            # The replaced file goes once the change is committed (no orphan, no early loss).
            storage = proposal.image.storage
            transaction.on_commit(lambda: storage.delete(old_image))
    return proposal


def proposal_submit(*, actor: User, proposal: Proposal) -> Proposal:
    """Send a draft to moderation, or publish it when the process does not pre-moderate."""
    with transaction.atomic():
        proposal = lock_proposal(proposal.pk)
        permissions.check_edit_proposal(actor, proposal)
        if proposal.status != Proposal.Status.DRAFT:
            raise Conflict(_("This proposal was already submitted."))
        check_rate(user_id=actor.pk, action="proposal")
        _enter_moderation_or_publish(proposal)
        proposal.save(update_fields=["status", "submitted_at", "published_at", "updated_at"])
    return proposal


def proposal_withdraw(*, actor: User, proposal: Proposal) -> Proposal:
    """The author takes their proposal back; it leaves every public list."""
    with transaction.atomic():
        proposal = lock_proposal(proposal.pk)
        permissions.check_withdraw_proposal(actor, proposal)
        check_rate(user_id=actor.pk, action="proposal")
        proposal.status = Proposal.Status.WITHDRAWN
        proposal.save(update_fields=["status", "updated_at"])
    return proposal
