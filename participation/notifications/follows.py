"""Following a process or a proposal to hear of its updates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from participation import permissions, selectors
from participation.errors import DomainError, NotAllowed, NotFound
from participation.models import Follow, Process, User
from participation.ratelimit import check_rate

if TYPE_CHECKING:
    from proposals.models import Proposal

FOLLOW_LIMITS = (60, 600)  # follows and unfollows per user, per 10 minutes


def _target(process: Process | None, proposal: Proposal | None) -> dict:
    if (process is None) == (proposal is None):
        raise DomainError(_("Follow either a process or a proposal."))
    return {"process": process} if process is not None else {"proposal": proposal}


def follow(
    *, user: User, process: Process | None = None, proposal: Proposal | None = None
) -> Follow:
    """Make `user` follow a process or a proposal (nothing changes if they already do).

    For services that decide it (authors follow their proposals); it runs in the caller's
    transaction, in a savepoint so that a concurrent duplicate does not spoil it.
    """
    target = _target(process, proposal)
    try:
        with transaction.atomic():
            return Follow.objects.get_or_create(user=user, **target)[0]
    except IntegrityError:  # the same follow, created meanwhile by another request
        return Follow.objects.get(user=user, **target)


def unfollow(
    *, user: User, process: Process | None = None, proposal: Proposal | None = None
) -> bool:
    """Stop following; True if the person was following."""
    deleted, _details = Follow.objects.filter(user=user, **_target(process, proposal)).delete()
    return deleted > 0


def is_following(
    *, user: User | None, process: Process | None = None, proposal: Proposal | None = None
) -> bool:
    """Whether a signed-in person follows this process or proposal (one query)."""
    if user is None or not user.is_authenticated:
        return False
    return Follow.objects.filter(user=user, **_target(process, proposal)).exists()


def _check_actor(actor: User | None) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise NotAllowed(_("Please log in to follow processes and proposals."))
    check_rate(user_id=actor.pk, action="follow", limits=FOLLOW_LIMITS)


def _check_visible(actor: User, process: Process | None, proposal: Proposal | None) -> None:
    process_id = process.pk if process is not None else proposal.axis.process_id
    visible = selectors.process_list(viewer=actor).filter(pk=process_id).exists()
    if proposal is not None:
        visible = visible and permissions.can_view_proposal(actor, proposal)
    if not visible:
        raise NotFound(_("There is nothing to follow here."))


def follow_create(
    *, actor: User, process: Process | None = None, proposal: Proposal | None = None
) -> Follow:
    """A participant follows a process or a proposal that they can see."""
    _target(process, proposal)
    _check_actor(actor)
    _check_visible(actor, process, proposal)
    return follow(user=actor, process=process, proposal=proposal)


def follow_delete(
    *, actor: User, process: Process | None = None, proposal: Proposal | None = None
) -> bool:
    """A participant stops following a process or a proposal."""
    _check_actor(actor)
    return unfollow(user=actor, process=process, proposal=proposal)
