"""Reports: participants flag a proposal or a comment; enough of them hide it until reviewed."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from participation import permissions
from participation.errors import Conflict, DomainError
from participation.models import User
from participation.ratelimit import check_rate
from proposals.models import Comment, Proposal, Report
from proposals.services import cleaning
from proposals.services.comments import recount_comments
from proposals.services.locks import lock_comment, lock_proposal


def report_create(
    *,
    reporter: User,
    reason: str,
    proposal: Proposal | None = None,
    comment: Comment | None = None,
) -> Report:
    """Flag one proposal or one comment, once per person.

    When `process.report_threshold` different people have flagged it and no moderator has
    reviewed their reports yet, the item is hidden until a moderator decides. A proposal
    already selected for the vote stays on the ballot: only a moderator may remove it.
    """
    if (proposal is None) == (comment is None):
        raise DomainError(_("Report either a proposal or a comment."))
    reason = cleaning.text(reason, field="reason", max_length=cleaning.REASON_MAX_LENGTH)
    with transaction.atomic():
        item = lock_proposal(proposal.pk) if proposal is not None else lock_comment(comment.pk)
        permissions.check_report(reporter, item)
        check_rate(user_id=reporter.pk, action="report")
        target = {"proposal": item} if proposal is not None else {"comment": item}
        try:
            with transaction.atomic():
                report = Report.objects.create(reporter=reporter, reason=reason, **target)
        except IntegrityError as error:
            raise Conflict(_("You have already reported this.")) from error
        _hide_when_reported_enough(item)
    return report


def _hide_when_reported_enough(item: Proposal | Comment) -> None:
    process = item.axis.process if isinstance(item, Proposal) else item.proposal.axis.process
    reporters = item.reports.filter(resolved_at__isnull=True).values("reporter").distinct().count()
    if reporters < process.report_threshold:
        return
    if isinstance(item, Proposal):
        if item.selected_for_vote:
            return
        item.status = Proposal.Status.HIDDEN
        item.save(update_fields=["status", "updated_at"])
    else:
        item.status = Comment.Status.HIDDEN
        item.save(update_fields=["status"])
        recount_comments(item.proposal)
