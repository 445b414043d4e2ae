"""Reports: once per person; enough distinct reporters hide the item until reviewed."""

import pytest

from participation.errors import Conflict, DomainError, NotAllowed
from proposals import services
from proposals.models import Comment, Proposal, Report
from tests import factories

pytestmark = pytest.mark.django_db


def _report_by(count, **target):
    for _ in range(count):
        services.report_create(reporter=factories.UserFactory(), reason="Spam", **target)


def test_report_is_recorded_with_its_reason(proposal, citizen):
    report = services.report_create(reporter=citizen, proposal=proposal, reason="Insulting")
    assert report.reason == "Insulting"
    assert report.resolved_at is None


def test_the_same_person_reports_once(proposal, citizen):
    services.report_create(reporter=citizen, proposal=proposal, reason="Spam")
    with pytest.raises(Conflict):
        services.report_create(reporter=citizen, proposal=proposal, reason="Spam again")


def test_report_needs_a_reason(proposal, citizen):
    with pytest.raises(DomainError) as error:
        services.report_create(reporter=citizen, proposal=proposal, reason=" ")
    assert error.value.field == "reason"


def test_one_cannot_report_oneself(proposal, author):
    with pytest.raises(NotAllowed):
        services.report_create(reporter=author, proposal=proposal, reason="Oops")


def test_proposal_reported_by_threshold_people_is_hidden(proposal):
    threshold = proposal.axis.process.report_threshold
    _report_by(threshold - 1, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PUBLISHED
    _report_by(1, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.HIDDEN


def test_comment_reported_by_threshold_people_is_hidden(proposal):
    comment = factories.CommentFactory(proposal=proposal)
    proposal.axis.process.report_threshold = 2
    proposal.axis.process.save()
    _report_by(2, comment=comment)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN


def test_a_selected_proposal_is_not_hidden_by_reports_alone(proposal):
    Proposal.objects.filter(pk=proposal.pk).update(selected_for_vote=True)
    _report_by(proposal.axis.process.report_threshold, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PUBLISHED
    assert Report.objects.filter(proposal=proposal).count() == 3


def test_report_needs_exactly_one_target(proposal, citizen):
    with pytest.raises(DomainError):
        services.report_create(reporter=citizen, reason="x")
