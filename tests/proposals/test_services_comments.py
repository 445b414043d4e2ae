"""Comment threads: post, reply (bounded depth), edit for 15 minutes, delete to a placeholder."""

from datetime import timedelta

import pytest
from django.utils import timezone

from participation.errors import DomainError, NotAllowed, NotFound
from participation.models import Notification, Phase
from participation.permissions import COMMENT_MAX_DEPTH as PERMISSIONS_MAX_DEPTH
from proposals import services
from proposals.models import COMMENT_MAX_DEPTH, Comment
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_depth_limit_is_the_same_in_permissions_and_models():
    assert PERMISSIONS_MAX_DEPTH == COMMENT_MAX_DEPTH == 3


def test_comment_is_published_counted_and_notified_to_the_author(proposal, citizen, author):
    comment = services.comment_create(author=citizen, proposal=proposal, body=" Great idea ")
    assert comment.status == Comment.Status.PUBLISHED
    assert comment.body == "Great idea"
    proposal.refresh_from_db()
    assert proposal.comment_count == 1
    notification = Notification.objects.get(recipient=author)
    assert notification.kind == Notification.Kind.PROPOSAL_COMMENTED
    assert notification.url.endswith(f"#comment-{comment.pk}")


def test_author_commenting_their_own_proposal_is_not_notified(proposal, author):
    services.comment_create(author=author, proposal=proposal, body="Some precision")
    assert not Notification.objects.exists()


def test_reply_notifies_the_parent_author_once(proposal, citizen, author):
    root = services.comment_create(author=author, proposal=proposal, body="Question?")
    services.comment_create(author=citizen, proposal=proposal, parent=root, body="Answer")
    # The proposal's author is also the parent's author: one notification, the reply one.
    kinds = list(Notification.objects.filter(recipient=author).values_list("kind", flat=True))
    assert kinds == [Notification.Kind.COMMENT_REPLIED]


def test_reply_notifies_both_parent_and_proposal_authors(proposal, citizen, author):
    other = factories.UserFactory()
    root = services.comment_create(author=other, proposal=proposal, body="Question?")
    services.comment_create(author=citizen, proposal=proposal, parent=root, body="Answer")
    assert Notification.objects.filter(recipient=other, kind="comment_replied").count() == 1
    assert Notification.objects.filter(recipient=author, kind="proposal_commented").count() == 2


def test_replies_nest_up_to_the_maximum_depth(proposal, citizen):
    parent = services.comment_create(author=citizen, proposal=proposal, body="0")
    for depth in range(1, COMMENT_MAX_DEPTH + 1):
        parent = services.comment_create(
            author=citizen, proposal=proposal, parent=parent, body=str(depth)
        )
        assert parent.depth == depth
    with pytest.raises(NotAllowed, match="too deep"):
        services.comment_create(author=citizen, proposal=proposal, parent=parent, body="4")


def test_reply_to_a_comment_of_another_proposal_is_refused(proposal, citizen, axis):
    elsewhere = factories.CommentFactory(proposal=factories.ProposalFactory(axis=axis))
    with pytest.raises(NotFound):
        services.comment_create(author=citizen, proposal=proposal, parent=elsewhere, body="x")


def test_empty_or_too_long_comment_is_refused(proposal, citizen):
    with pytest.raises(DomainError) as error:
        services.comment_create(author=citizen, proposal=proposal, body="   ")
    assert error.value.field == "body"
    with pytest.raises(DomainError):
        services.comment_create(author=citizen, proposal=proposal, body="x" * 5001)
    assert not Comment.objects.exists()


def test_comments_wait_for_moderation_when_the_process_pre_moderates(proposal, citizen, author):
    proposal.axis.process.pre_moderation = True
    proposal.axis.process.save()
    comment = services.comment_create(author=citizen, proposal=proposal, body="Hello")
    assert comment.status == Comment.Status.PENDING
    proposal.refresh_from_db()
    assert proposal.comment_count == 0
    assert not Notification.objects.filter(recipient=author).exists()


def test_comments_are_closed_in_the_voting_phase(proposal, citizen, move_phase):
    move_phase(proposal.axis.process, Phase.Kind.VOTING)
    with pytest.raises(NotAllowed, match="Comments are open only"):
        services.comment_create(author=citizen, proposal=proposal, body="Hello")


def test_comments_stay_open_in_the_review_phase(proposal, citizen, move_phase):
    move_phase(proposal.axis.process, Phase.Kind.REVIEW)
    assert services.comment_create(author=citizen, proposal=proposal, body="Hello").pk


def test_author_edits_within_fifteen_minutes(proposal, citizen):
    comment = services.comment_create(author=citizen, proposal=proposal, body="Helo")
    edited = services.comment_edit(actor=citizen, comment=comment, body="Hello")
    assert edited.body == "Hello"
    assert edited.edited_at is not None


def test_edit_after_fifteen_minutes_is_refused(proposal, citizen):
    comment = factories.CommentFactory(
        proposal=proposal, author=citizen, created_at=timezone.now() - timedelta(minutes=16)
    )
    with pytest.raises(NotAllowed, match="15 minutes"):
        services.comment_edit(actor=citizen, comment=comment, body="Too late")


def test_nobody_edits_the_comment_of_another(proposal, citizen, author):
    comment = services.comment_create(author=citizen, proposal=proposal, body="Mine")
    with pytest.raises(NotAllowed):
        services.comment_edit(actor=author, comment=comment, body="Yours")


def test_deleted_comment_keeps_its_place_without_its_words(proposal, citizen, author):
    root = services.comment_create(author=citizen, proposal=proposal, body="Root")
    services.comment_create(author=author, proposal=proposal, parent=root, body="Reply")
    deleted = services.comment_delete(actor=citizen, comment=root)
    assert deleted.status == Comment.Status.DELETED
    assert deleted.body == ""
    assert Comment.objects.filter(parent=root).count() == 1
    proposal.refresh_from_db()
    assert proposal.comment_count == 1


def test_only_the_author_deletes_a_comment(proposal, citizen, moderator):
    comment = services.comment_create(author=citizen, proposal=proposal, body="Mine")
    with pytest.raises(NotAllowed):
        services.comment_delete(actor=moderator, comment=comment)
