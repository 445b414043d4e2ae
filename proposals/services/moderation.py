"""Moderators' decisions, each kept in the log: publish, reject, hide, restore, dismiss, block."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from participation import permissions
from participation.errors import Conflict, NotFound
from participation.models import Notification, Process, User
from participation.ratelimit import check_rate
from participation.services import notification_create
from proposals.models import Comment, ModerationDecision, Proposal
from proposals.services import cleaning
from proposals.services.comments import announce_comment, recount_comments
from proposals.services.locks import lock_comment, lock_proposal
from proposals.services.notify import notify

Action = ModerationDecision.Action


def _decide(
    *,
    moderator: User,
    process: Process,
    action: str,
    reason: str = "",
    proposal: Proposal | None = None,
    comment: Comment | None = None,
    target_user: User | None = None,
) -> ModerationDecision:
    """Log the decision and close the reports it answers (caller holds the item's lock)."""
    item = proposal or comment
    if item is not None:
        item.reports.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
    return ModerationDecision.objects.create(
        process=process,
        moderator=moderator,
        action=action,
        reason=reason,
        proposal=proposal,
        comment=comment,
        target_user=target_user,
    )


def _locked_proposal_for(moderator: User, proposal: Proposal) -> Proposal:
    proposal = lock_proposal(proposal.pk)
    permissions.check_moderate(moderator, proposal.axis.process)
    check_rate(user_id=moderator.pk, action="moderation")
    return proposal


def _locked_comment_for(moderator: User, comment: Comment) -> Comment:
    comment = lock_comment(comment.pk)
    permissions.check_moderate(moderator, comment.proposal.axis.process)
    check_rate(user_id=moderator.pk, action="moderation")
    return comment


def _refuse_unless(status: str, allowed: tuple[str, ...]) -> None:
    if status not in allowed:
        raise Conflict(_("This decision does not apply to an item in this state."))


# --- Proposals ----------------------------------------------------------------------------------


def _proposal_show(
    *, moderator: User, proposal: Proposal, reason: str, allowed: str, action: str
) -> Proposal:
    """Make a proposal in the `allowed` status public, logging the decision."""
    reason = cleaning.text(reason, field="reason", max_length=1000, required=False)
    proposal = _locked_proposal_for(moderator, proposal)
    _refuse_unless(proposal.status, (allowed,))
    proposal.status = Proposal.Status.PUBLISHED
    proposal.published_at = proposal.published_at or timezone.now()
    proposal.save(update_fields=["status", "published_at", "updated_at"])
    _decide(
        moderator=moderator,
        process=proposal.axis.process,
        action=action,
        reason=reason,
        proposal=proposal,
    )
    return proposal


def proposal_publish(*, moderator: User, proposal: Proposal, reason: str = "") -> Proposal:
    """Publish a proposal that was waiting for moderation, and tell its author."""
    with transaction.atomic():
        proposal = _proposal_show(
            moderator=moderator,
            proposal=proposal,
            reason=reason,
            allowed=Proposal.Status.PENDING,
            action=Action.PUBLISH,
        )
        notify(
            recipient=proposal.author,
            actor=moderator,
            kind=Notification.Kind.PROPOSAL_PUBLISHED,
            proposal=proposal,
        )
    return proposal


def proposal_reject(*, moderator: User, proposal: Proposal, reason: str) -> Proposal:
    """Reject a proposal with a reason its author reads."""
    reason = cleaning.text(reason, field="reason", max_length=1000)
    with transaction.atomic():
        proposal = _locked_proposal_for(moderator, proposal)
        statuses = (Proposal.Status.PENDING, Proposal.Status.PUBLISHED, Proposal.Status.HIDDEN)
        _refuse_unless(proposal.status, statuses)
        proposal.status = Proposal.Status.REJECTED
        proposal.rejection_reason = reason
        proposal.selected_for_vote = False
        proposal.save(
            update_fields=["status", "rejection_reason", "selected_for_vote", "updated_at"]
        )
        _decide(
            moderator=moderator,
            process=proposal.axis.process,
            action=Action.REJECT,
            reason=reason,
            proposal=proposal,
        )
        notify(
            recipient=proposal.author,
            actor=moderator,
            kind=Notification.Kind.PROPOSAL_REJECTED,
            proposal=proposal,
            reason=reason,
        )
    return proposal


def proposal_hide(*, moderator: User, proposal: Proposal, reason: str = "") -> Proposal:
    """Take a proposal out of public view (it also leaves the vote)."""
    reason = cleaning.text(reason, field="reason", max_length=1000, required=False)
    with transaction.atomic():
        proposal = _locked_proposal_for(moderator, proposal)
        statuses = (Proposal.Status.PENDING, Proposal.Status.PUBLISHED, Proposal.Status.HIDDEN)
        _refuse_unless(proposal.status, statuses)
        proposal.status = Proposal.Status.HIDDEN
        proposal.selected_for_vote = False
        proposal.save(update_fields=["status", "selected_for_vote", "updated_at"])
        _decide(
            moderator=moderator,
            process=proposal.axis.process,
            action=Action.HIDE,
            reason=reason,
            proposal=proposal,
        )
    return proposal


def proposal_restore(*, moderator: User, proposal: Proposal, reason: str = "") -> Proposal:
    """Show again a proposal that was hidden (by a moderator or by reports)."""
    with transaction.atomic():
        return _proposal_show(
            moderator=moderator,
            proposal=proposal,
            reason=reason,
            allowed=Proposal.Status.HIDDEN,
            action=Action.RESTORE,
        )


# --- Comments -----------------------------------------------------------------------------------


def _comment_transition(
    *,
    moderator: User,
    comment: Comment,
    reason: str,
    allowed: tuple[str, ...],
    status: str,
    action: str,
) -> Comment:
    """Move a comment from one of the `allowed` statuses to `status`, logging the decision."""
    reason = cleaning.text(reason, field="reason", max_length=1000, required=False)
    with transaction.atomic():
        comment = _locked_comment_for(moderator, comment)
        _refuse_unless(comment.status, allowed)
        comment.status = status
        comment.save(update_fields=["status"])
        recount_comments(comment.proposal)
        _decide(
            moderator=moderator,
            process=comment.proposal.axis.process,
            action=action,
            reason=reason,
            comment=comment,
        )
        if action == Action.PUBLISH:  # a newly visible comment is news for the thread
            announce_comment(comment)
    return comment


def comment_publish(*, moderator: User, comment: Comment, reason: str = "") -> Comment:
    """Publish a comment that was waiting for moderation."""
    return _comment_transition(
        moderator=moderator,
        comment=comment,
        reason=reason,
        allowed=(Comment.Status.PENDING,),
        status=Comment.Status.PUBLISHED,
        action=Action.PUBLISH,
    )


def comment_hide(*, moderator: User, comment: Comment, reason: str = "") -> Comment:
    """Hide a comment: the thread shows a placeholder in its place."""
    return _comment_transition(
        moderator=moderator,
        comment=comment,
        reason=reason,
        allowed=(Comment.Status.PENDING, Comment.Status.PUBLISHED, Comment.Status.HIDDEN),
        status=Comment.Status.HIDDEN,
        action=Action.HIDE,
    )


def comment_restore(*, moderator: User, comment: Comment, reason: str = "") -> Comment:
    """Show again a hidden comment."""
    return _comment_transition(
        moderator=moderator,
        comment=comment,
        reason=reason,
        allowed=(Comment.Status.HIDDEN,),
        status=Comment.Status.PUBLISHED,
        action=Action.RESTORE,
    )


def reports_dismiss(
    *,
    moderator: User,
    proposal: Proposal | None = None,
    comment: Comment | None = None,
    reason: str = "",
) -> ModerationDecision:
    """Close the reports on an item that breaks no rule; the item stays as it is."""
    reason = cleaning.text(reason, field="reason", max_length=1000, required=False)
    with transaction.atomic():
        if proposal is not None:
            proposal = _locked_proposal_for(moderator, proposal)
            process = proposal.axis.process
        elif comment is not None:
            comment = _locked_comment_for(moderator, comment)
            process = comment.proposal.axis.process
        else:
            raise NotFound(_("Nothing to dismiss."))
        item = proposal or comment
        if not item.reports.filter(resolved_at__isnull=True).exists():
            raise Conflict(_("There is no open report on this item."))
        return _decide(
            moderator=moderator,
            process=process,
            action=Action.DISMISS,
            reason=reason,
            proposal=proposal,
            comment=comment,
        )


# --- Accounts -----------------------------------------------------------------------------------


def _contributed_to(user: User, process: Process) -> bool:
    """Whether the account wrote, commented or reported anything in this process."""
    return (
        Proposal.objects.filter(axis__process=process, author=user).exists()
        or Comment.objects.filter(proposal__axis__process=process, author=user).exists()
        or user.reports.filter(
            Q(proposal__axis__process=process) | Q(comment__proposal__axis__process=process)
        ).exists()
    )


def _locked_target(moderator: User, process: Process, user: User) -> User:
    permissions.check_moderate(moderator, process)
    target = User.objects.select_for_update().filter(pk=user.pk).first()
    # A moderator acts on the accounts that took part in their own process only.
    if target is None or not _contributed_to(target, process):
        raise NotFound(_("No such participant in this process."))
    if target.pk == moderator.pk or target.is_staff:
        raise Conflict(_("This account cannot be blocked by a moderator."))
    check_rate(user_id=moderator.pk, action="moderation")
    return target


def user_block(*, moderator: User, process: Process, user: User, reason: str) -> User:
    """Block an abusive account and hide what it has waiting for moderation in this process."""
    reason = cleaning.text(reason, field="reason", max_length=1000)
    with transaction.atomic():
        target = _locked_target(moderator, process, user)
        if target.is_blocked:
            raise Conflict(_("This account is already blocked."))
        target.blocked_at = timezone.now()
        target.blocked_reason = reason
        target.save(update_fields=["blocked_at", "blocked_reason"])
        Proposal.objects.filter(
            axis__process=process, author=target, status=Proposal.Status.PENDING
        ).update(status=Proposal.Status.HIDDEN, updated_at=timezone.now())
        Comment.objects.filter(
            proposal__axis__process=process, author=target, status=Comment.Status.PENDING
        ).update(status=Comment.Status.HIDDEN)
        _decide(
            moderator=moderator,
            process=process,
            action=Action.BLOCK,
            reason=reason,
            target_user=target,
        )
        notification_create(
            recipient=target,
            kind=Notification.Kind.ACCOUNT_BLOCKED,
            payload={"title": process.title, "reason": reason},
            process=process,
        )
    return target


def user_unblock(*, moderator: User, process: Process, user: User, reason: str = "") -> User:
    """Lift the block of an account (what it had hidden stays hidden)."""
    reason = cleaning.text(reason, field="reason", max_length=1000, required=False)
    with transaction.atomic():
        target = _locked_target(moderator, process, user)
        if not target.is_blocked:
            raise Conflict(_("This account is not blocked."))
        target.blocked_at = None
        target.blocked_reason = ""
        target.save(update_fields=["blocked_at", "blocked_reason"])
        _decide(
            moderator=moderator,
            process=process,
            action=Action.RESTORE,
            reason=reason,
            target_user=target,
        )
    return target
