"""Comment threads: post, reply, edit for a short while, delete (leaving a placeholder)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from participation import permissions
from participation.errors import NotFound
from participation.models import Notification, User
from participation.ratelimit import check_rate
from proposals.models import Comment, Proposal
from proposals.services import cleaning
from proposals.services.locks import lock_comment, lock_proposal
from proposals.services.notify import comment_url, notify, tell_followers


def recount_comments(proposal: Proposal) -> None:
    """Store the number of published comments of the proposal (one UPDATE)."""
    published = (
        Comment.objects.filter(proposal=OuterRef("pk"), status=Comment.Status.PUBLISHED)
        .order_by()
        .values("proposal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Proposal.objects.filter(pk=proposal.pk).update(comment_count=Coalesce(Subquery(published), 0))


def announce_comment(comment: Comment) -> None:
    """Tell the proposal's author and the parent comment's author of a newly visible comment."""
    proposal = comment.proposal
    parent_author = comment.parent.author if comment.parent_id else None
    url = comment_url(comment)
    if parent_author is not None:
        notify(
            recipient=parent_author,
            actor=comment.author,
            kind=Notification.Kind.COMMENT_REPLIED,
            proposal=proposal,
            url=url,
        )
    if proposal.author_id is not None and proposal.author_id != getattr(parent_author, "pk", None):
        notify(
            recipient=proposal.author,
            actor=comment.author,
            kind=Notification.Kind.PROPOSAL_COMMENTED,
            proposal=proposal,
            url=url,
        )
    tell_followers(
        proposal=proposal, kind=Notification.Kind.PROPOSAL_COMMENTED, actor=comment.author, url=url
    )


def comment_create(
    *, author: User, proposal: Proposal, body: str, parent: Comment | None = None
) -> Comment:
    """Post a comment, or a reply when `parent` is given (nested at most COMMENT_MAX_DEPTH)."""
    body = cleaning.text(body, field="body", max_length=cleaning.COMMENT_MAX_LENGTH)
    with transaction.atomic():
        proposal = lock_proposal(proposal.pk)
        if parent is not None:
            parent = lock_comment(parent.pk)
            if parent.proposal_id != proposal.pk:
                raise NotFound(_("No such comment in this proposal's thread."), field="parent")
            permissions.check_reply(author, parent)
        else:
            permissions.check_comment(author, proposal)
        check_rate(user_id=author.pk, action="comment")
        pending = proposal.axis.process.pre_moderation
        comment = Comment.objects.create(
            proposal=proposal,
            parent=parent,
            depth=parent.depth + 1 if parent else 0,
            author=author,
            body=body,
            status=Comment.Status.PENDING if pending else Comment.Status.PUBLISHED,
        )
        if not pending:
            recount_comments(proposal)
            announce_comment(comment)
    return comment


def comment_edit(*, actor: User, comment: Comment, body: str) -> Comment:
    """Change one's own comment within 15 minutes of posting it."""
    body = cleaning.text(body, field="body", max_length=cleaning.COMMENT_MAX_LENGTH)
    with transaction.atomic():
        comment = lock_comment(comment.pk)
        permissions.check_edit_comment(actor, comment)
        check_rate(user_id=actor.pk, action="comment")
        comment.body = body
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "edited_at"])
    return comment


def comment_delete(*, actor: User, comment: Comment) -> Comment:
    """Delete one's own comment: its words are erased, its place in the thread stays."""
    with transaction.atomic():
        comment = lock_comment(comment.pk)
        permissions.check_delete_comment(actor, comment)
        check_rate(user_id=actor.pk, action="comment")
        comment.status = Comment.Status.DELETED
        comment.body = ""
        comment.save(update_fields=["status", "body"])
        comment.reports.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
        recount_comments(comment.proposal)
    return comment
