"""Supports (endorsements) of proposals and comments: one per person, counted in step."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from participation import permissions
from participation.errors import Conflict
from participation.models import User
from participation.ratelimit import check_rate
from proposals.models import Comment, CommentSupport, Proposal, Support
from proposals.services.locks import lock_comment, lock_proposal


def proposal_support(*, user: User, proposal: Proposal) -> Proposal:
    """Support a published proposal during the proposal phase, once.

    Holds the proposal's row lock so that a merge cannot move supports under our feet.
    """
    with transaction.atomic():
        proposal = lock_proposal(proposal.pk)
        permissions.check_support_proposal(user, proposal)
        check_rate(user_id=user.pk, action="support")
        try:
            with transaction.atomic():  # a savepoint: the unique constraint decides
                Support.objects.create(proposal=proposal, user=user)
        except IntegrityError as error:
            raise Conflict(_("You already support this proposal.")) from error
        Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") + 1)
        proposal.refresh_from_db(fields=["support_count"])
    return proposal


def proposal_unsupport(*, user: User, proposal: Proposal) -> Proposal:
    """Withdraw one's support while the proposal phase is open."""
    with transaction.atomic():
        proposal = lock_proposal(proposal.pk)
        permissions.check_support_proposal(user, proposal)
        check_rate(user_id=user.pk, action="support")
        deleted, _details = Support.objects.filter(proposal=proposal, user=user).delete()
        if not deleted:
            raise Conflict(_("You do not support this proposal."))
        Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") - 1)
        proposal.refresh_from_db(fields=["support_count"])
    return proposal


def comment_support(*, user: User, comment: Comment) -> Comment:
    """Support a published comment, once (what "most supported" threads sort by)."""
    with transaction.atomic():
        comment = lock_comment(comment.pk)
        permissions.check_support_comment(user, comment)
        check_rate(user_id=user.pk, action="support")
        try:
            with transaction.atomic():
                CommentSupport.objects.create(comment=comment, user=user)
        except IntegrityError as error:
            raise Conflict(_("You already support this comment.")) from error
        Comment.objects.filter(pk=comment.pk).update(support_count=F("support_count") + 1)
        comment.refresh_from_db(fields=["support_count"])
    return comment


def comment_unsupport(*, user: User, comment: Comment) -> Comment:
    """Withdraw one's support of a comment."""
    with transaction.atomic():
        comment = lock_comment(comment.pk)
        permissions.check_support_comment(user, comment)
        check_rate(user_id=user.pk, action="support")
        deleted, _details = CommentSupport.objects.filter(comment=comment, user=user).delete()
        if not deleted:
            raise Conflict(_("You do not support this comment."))
        Comment.objects.filter(pk=comment.pk).update(support_count=F("support_count") - 1)
        comment.refresh_from_db(fields=["support_count"])
    return comment
