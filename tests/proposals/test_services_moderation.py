"""Moderators publish, reject, hide, restore, dismiss and block; every decision is logged."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction

from participation.errors import Conflict, DomainError, NotAllowed, NotFound
from participation.models import Notification
from proposals import services
from proposals.models import Comment, ModerationDecision, Proposal, Report
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(axis, author):
    return factories.ProposalFactory(axis=axis, author=author, status="pending", published_at=None)


def test_publish_a_pending_proposal_logs_and_notifies(pending, moderator, author):
    published = services.proposal_publish(moderator=moderator, proposal=pending)
    assert published.status == Proposal.Status.PUBLISHED
    assert published.published_at is not None
    decision = ModerationDecision.objects.get()
    assert (decision.action, decision.moderator, decision.proposal) == (
        "publish",
        moderator,
        pending,
    )
    assert Notification.objects.get(recipient=author).kind == "proposal_published"


def test_reject_needs_a_reason_shown_to_the_author(pending, moderator, author):
    with pytest.raises(DomainError) as error:
        services.proposal_reject(moderator=moderator, proposal=pending, reason="")
    assert error.value.field == "reason"
    rejected = services.proposal_reject(moderator=moderator, proposal=pending, reason="Off topic")
    assert rejected.status == Proposal.Status.REJECTED
    assert rejected.rejection_reason == "Off topic"
    notification = Notification.objects.get(recipient=author)
    assert notification.kind == "proposal_rejected"
    assert notification.payload["reason"] == "Off topic"


def test_hide_and_restore_resolve_the_reports(proposal, moderator, citizen):
    services.report_create(reporter=citizen, proposal=proposal, reason="Spam")
    services.proposal_hide(moderator=moderator, proposal=proposal, reason="Spam indeed")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.HIDDEN
    assert not Report.objects.filter(resolved_at__isnull=True).exists()
    services.proposal_restore(moderator=moderator, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PUBLISHED
    assert list(ModerationDecision.objects.order_by("pk").values_list("action", flat=True)) == [
        "hide",
        "restore",
    ]


def test_hiding_a_selected_proposal_takes_it_off_the_ballot(proposal, moderator):
    Proposal.objects.filter(pk=proposal.pk).update(selected_for_vote=True)
    hidden = services.proposal_hide(moderator=moderator, proposal=proposal)
    assert not hidden.selected_for_vote


def test_publishing_what_is_already_published_is_a_conflict(proposal, moderator):
    with pytest.raises(Conflict):
        services.proposal_publish(moderator=moderator, proposal=proposal)
    assert not ModerationDecision.objects.exists()


@pytest.mark.parametrize("who", ["citizen", "author", "evaluator", "other_organiser", "blocked"])
def test_only_the_process_moderators_decide(request, pending, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        services.proposal_publish(moderator=actor, proposal=pending)
    pending.refresh_from_db()
    assert pending.status == Proposal.Status.PENDING


def test_organisers_moderate_too(pending, organiser):
    assert services.proposal_publish(moderator=organiser, proposal=pending).status == "published"


def test_comment_moderation(proposal, moderator, citizen, author):
    proposal.axis.process.pre_moderation = True
    proposal.axis.process.save()
    comment = services.comment_create(author=citizen, proposal=proposal, body="Hi")
    services.comment_publish(moderator=moderator, comment=comment)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    # Published by a moderator: now the proposal's author hears of it.
    assert Notification.objects.filter(recipient=author, kind="proposal_commented").exists()
    services.comment_hide(moderator=moderator, comment=comment, reason="Rude")
    proposal.refresh_from_db()
    assert proposal.comment_count == 0
    services.comment_restore(moderator=moderator, comment=comment)
    proposal.refresh_from_db()
    assert proposal.comment_count == 1


def test_dismissing_reports_keeps_the_item(proposal, moderator, citizen):
    services.report_create(reporter=citizen, proposal=proposal, reason="I disagree")
    decision = services.reports_dismiss(moderator=moderator, proposal=proposal)
    assert decision.action == "dismiss"
    proposal.refresh_from_db()
    assert proposal.status == "published"
    with pytest.raises(Conflict):
        services.reports_dismiss(moderator=moderator, proposal=proposal)


def test_block_an_account_hides_its_pending_content(axis, moderator, author):
    axis.process.pre_moderation = True
    axis.process.save()
    pending = factories.ProposalFactory(axis=axis, author=author, status="pending")
    published = factories.ProposalFactory(axis=axis, author=author)
    comment = factories.CommentFactory(proposal=published, author=author, status="pending")
    blocked = services.user_block(
        moderator=moderator, process=axis.process, user=author, reason="Repeated insults"
    )
    assert blocked.blocked_at is not None
    pending.refresh_from_db()
    comment.refresh_from_db()
    published.refresh_from_db()
    assert (pending.status, comment.status, published.status) == ("hidden", "hidden", "published")
    decision = ModerationDecision.objects.get(action="block")
    assert decision.target_user == author
    assert Notification.objects.get(recipient=author).kind == "account_blocked"
    with pytest.raises(NotAllowed):
        services.comment_create(author=blocked, proposal=published, body="Still here")


def test_block_is_refused_for_strangers_to_the_process(process, moderator, citizen):
    with pytest.raises(NotFound):
        services.user_block(moderator=moderator, process=process, user=citizen, reason="x")


def test_block_of_staff_or_oneself_is_refused(proposal, moderator):
    staff = factories.UserFactory(is_staff=True)
    factories.CommentFactory(proposal=proposal, author=staff)
    with pytest.raises(Conflict):
        services.user_block(
            moderator=moderator, process=proposal.axis.process, user=staff, reason="x"
        )


def test_unblock(proposal, moderator, author):
    process = proposal.axis.process
    services.user_block(moderator=moderator, process=process, user=author, reason="Spam")
    services.user_unblock(moderator=moderator, process=process, user=author)
    author.refresh_from_db()
    assert author.blocked_at is None
    assert ModerationDecision.objects.filter(action="restore", target_user=author).exists()


def test_decisions_can_be_neither_changed_nor_deleted(pending, moderator):
    services.proposal_publish(moderator=moderator, proposal=pending)
    decision = ModerationDecision.objects.get()
    decision.reason = "rewritten"
    with pytest.raises(PermissionDenied):
        decision.save()
    with pytest.raises(PermissionDenied):
        decision.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger exists on PostgreSQL only")
def test_the_database_refuses_to_change_or_delete_a_decision(pending, moderator):
    services.proposal_publish(moderator=moderator, proposal=pending)
    with pytest.raises(IntegrityError), transaction.atomic():
        ModerationDecision.objects.update(reason="rewritten")
    with pytest.raises(IntegrityError), transaction.atomic():
        ModerationDecision.objects.all()._raw_delete(ModerationDecision.objects.db)
    assert ModerationDecision.objects.get().reason == ""
