"""Notifications about proposals and comments, written in the caller's transaction."""

from __future__ import annotations

from participation.models import User
from participation.notifications import notify_proposal_followers
from participation.services import notification_create
from proposals.models import Comment, Proposal


def notify(
    *,
    recipient: User | None,
    actor: User | None,
    kind: str,
    proposal: Proposal,
    reason: str = "",
    url: str = "",
) -> None:
    """Tell `recipient` about `proposal`, unless they are gone or did this themselves."""
    if recipient is None or not recipient.is_active:
        return
    if actor is not None and recipient.pk == actor.pk:
        return
    payload = {"title": proposal.title, "proposal": proposal.pk}
    if reason:
        payload["reason"] = reason
    notification_create(
        recipient=recipient,
        kind=kind,
        payload=payload,
        url=url or proposal.get_absolute_url(),
        process=proposal.axis.process,
    )


def tell_followers(*, proposal: Proposal, kind: str, actor: User | None, url: str = "") -> None:
    """Tell the followers of a public proposal of this event (never its author or the actor)."""
    notify_proposal_followers(proposal=proposal, kind=kind, actor=actor, url=url)


def comment_url(comment: Comment) -> str:
    return f"{comment.proposal.get_absolute_url()}#comment-{comment.pk}"
