"""Each event produces exactly the expected notifications, and none tells another's secrets."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from participation import notifications, tasks
from participation.models import Follow, Notification, Phase, PhaseAnnouncement
from proposals import services as proposal_services
from proposals.models import Proposal
from tests import factories
from votes.models import VoterRecord

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


def told(kind=None, **filters):
    """{recipient: [kinds]} of the notifications written, for exact comparisons."""
    rows = Notification.objects.filter(**filters)
    if kind:
        rows = rows.filter(kind=kind)
    result = {}
    for notification in rows.select_related("recipient").order_by("created_at"):
        result.setdefault(notification.recipient, []).append(notification.kind)
    return result


def assert_private_to(notification_rows, secret, owner):
    """`secret` appears only in notifications of `owner`."""
    for notification in notification_rows:
        if notification.recipient_id != owner.pk:
            assert secret not in json.dumps(notification.payload), notification
            assert secret not in notifications.notification_text(notification)


@pytest.fixture
def follower(proposal):
    person = factories.UserFactory(display_name="Follower", language="en")
    notifications.follow(user=person, proposal=proposal)
    return person


@pytest.fixture
def pending(axis, author):
    return factories.ProposalFactory(
        axis=axis,
        author=author,
        title="Skate park",
        status=Proposal.Status.PENDING,
        published_at=None,
        submitted_at=timezone.now(),
    )


# --- The author's proposal ------------------------------------------------------------------


def test_published_proposal_tells_its_author_only(pending, moderator, author, citizen):
    proposal_services.proposal_publish(moderator=moderator, proposal=pending)
    assert told() == {author: [Kind.PROPOSAL_PUBLISHED]}


def test_rejection_reason_goes_to_the_author_and_to_nobody_else(
    pending, moderator, author, citizen
):
    notifications.follow(user=citizen, proposal=pending)
    proposal_services.proposal_reject(
        moderator=moderator, proposal=pending, reason="Outside the city's competence"
    )
    # Followers of the proposal hear nothing of a rejection (the helper refuses it too).
    assert (
        notifications.notify_proposal_followers(proposal=pending, kind=Kind.PROPOSAL_REJECTED) == 0
    )
    assert told() == {author: [Kind.PROPOSAL_REJECTED]}
    notification = Notification.objects.get()
    assert notification.payload["reason"] == "Outside the city's competence"
    assert_private_to(Notification.objects.all(), "Outside the city", author)


def test_evaluation_tells_the_author_with_the_reason_and_followers_without(
    proposal, evaluator, author, follower
):
    proposal_services.proposal_evaluate(
        evaluator=evaluator, proposal=proposal, feasible=True, reason="Roads department agrees"
    )
    assert told() == {author: [Kind.PROPOSAL_EVALUATED], follower: [Kind.PROPOSAL_EVALUATED]}
    to_follower = Notification.objects.get(recipient=follower)
    assert "reason" not in to_follower.payload
    assert notifications.notification_text(to_follower) == (
        "The proposal “Bike lanes” that you follow was evaluated."
    )
    assert_private_to(Notification.objects.all(), "Roads department", author)


def test_selection_for_the_vote_tells_the_author(proposal, organiser, author):
    proposal_services.proposal_select(organiser=organiser, proposal=proposal)
    assert told() == {author: [Kind.PROPOSAL_SELECTED]}


def test_merge_tells_the_author_of_the_duplicate_with_a_link_to_the_survivor(
    axis, proposal, organiser, author
):
    survivor = factories.ProposalFactory(axis=axis, title="Cycle paths")
    proposal_services.proposal_merge(organiser=organiser, proposal=proposal, into=survivor)
    assert told() == {author: [Kind.PROPOSAL_MERGED]}
    assert Notification.objects.get().url == survivor.get_absolute_url()


def test_comment_tells_the_author_and_a_reply_tells_the_commenter(proposal, author, citizen):
    comment = proposal_services.comment_create(author=citizen, proposal=proposal, body="Yes!")
    assert told() == {author: [Kind.PROPOSAL_COMMENTED]}
    replier = factories.UserFactory(language="en")
    proposal_services.comment_create(author=replier, proposal=proposal, body="No", parent=comment)
    assert told() == {
        author: [Kind.PROPOSAL_COMMENTED, Kind.PROPOSAL_COMMENTED],
        citizen: [Kind.COMMENT_REPLIED],
    }


def test_own_comment_on_own_proposal_tells_nobody(proposal, author):
    proposal_services.comment_create(author=author, proposal=proposal, body="Precision")
    assert told() == {}


def test_blocked_account_is_told_with_the_reason_only_to_itself(process, proposal, moderator):
    troll = factories.UserFactory(language="en")
    factories.CommentFactory(proposal=proposal, author=troll)
    proposal_services.user_block(
        moderator=moderator, process=process, user=troll, reason="Repeated insults"
    )
    assert told() == {troll: [Kind.ACCOUNT_BLOCKED]}
    assert_private_to(Notification.objects.all(), "Repeated insults", troll)


# --- Followers of a proposal ----------------------------------------------------------------


def test_proposal_followers_hear_of_its_updates_but_not_its_author_nor_the_actor(
    proposal, author, follower, organiser
):
    notifications.follow(user=author, proposal=proposal)  # authors follow their proposals
    notifications.follow(user=organiser, proposal=proposal)
    count = notifications.notify_proposal_followers(
        proposal=proposal, kind=Kind.PROPOSAL_SELECTED, actor=organiser
    )
    assert count == 1
    assert told() == {follower: [Kind.PROPOSAL_SELECTED]}


def test_followers_hear_nothing_of_a_proposal_the_public_cannot_see(axis, follower, proposal):
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.HIDDEN)
    proposal.refresh_from_db()
    assert (
        notifications.notify_proposal_followers(proposal=proposal, kind=Kind.PROPOSAL_COMMENTED)
        == 0
    )
    assert told() == {}


# --- Phases ---------------------------------------------------------------------------------


def test_opened_phase_is_announced_once_to_the_followers_of_the_process(process, citizen):
    notifications.follow(user=citizen, process=process)
    factories.UserFactory()  # follows nothing
    blocked = factories.UserFactory(blocked_at=timezone.now())
    notifications.follow(user=blocked, process=process)
    assert tasks.announce_opened_phases.delay().get() == 1
    assert tasks.announce_opened_phases.delay().get() == 0
    assert told() == {citizen: [Kind.PHASE_OPENED]}
    notification = Notification.objects.get()
    assert notification.payload == {"title": "Budget 2027", "phase": "proposals", "phase_title": ""}
    assert notifications.notification_text(notification) == (
        "“Budget 2027”: the phase “Proposals” is open."
    )
    assert PhaseAnnouncement.objects.get().recipient_count == 1


def test_vote_opening_also_tells_followers_of_the_process_proposals(
    process_in_phase, author, citizen
):
    voting = process_in_phase(Phase.Kind.VOTING, title="Vote 2027")
    proposal = factories.ProposalFactory(axis__process=voting, author=author)
    notifications.follow(user=author, proposal=proposal)
    notifications.follow(user=citizen, process=voting)
    phase = voting.phases.get()
    assert notifications.notify_followers_phase_opened(process=voting, phase=phase) == 2
    assert notifications.notify_followers_phase_opened(process=voting, phase=phase) == 0
    assert told() == {author: [Kind.PHASE_OPENED], citizen: [Kind.PHASE_OPENED]}


def test_phase_announced_elsewhere_is_not_told_twice_to_the_same_person(process, citizen):
    notifications.follow(user=citizen, process=process)
    notifications.notification_create(
        recipient=citizen, kind=Kind.PHASE_OPENED, payload={"title": "x"}, process=process
    )
    assert notifications.announce_opened_phases() == 0
    assert told() == {citizen: [Kind.PHASE_OPENED]}


def test_old_future_and_unpublished_phases_are_not_announced(process_in_phase, citizen):
    old = process_in_phase(Phase.Kind.PROPOSALS)
    old.phases.update(starts_at=timezone.now() - timedelta(days=5))
    future = process_in_phase(Phase.Kind.VOTING)
    future.phases.update(starts_at=timezone.now() + timedelta(days=1))
    hidden = process_in_phase(Phase.Kind.PROPOSALS, is_published=False)
    review = process_in_phase(Phase.Kind.REVIEW)
    for process in (old, future, hidden, review):
        notifications.follow(user=citizen, process=process)
    assert notifications.announce_opened_phases() == 0
    assert told() == {}


# --- Results --------------------------------------------------------------------------------


def test_results_are_told_once_to_voters_and_followers(axis, process, proposal, follower, citizen):
    voters = factories.UserFactory.create_batch(2, language="en")
    for voter in voters:
        VoterRecord.objects.create(axis=axis, voter=voter)
    VoterRecord.objects.create(axis=factories.AxisFactory(), voter=citizen)  # another axis
    process_follower = factories.UserFactory()
    notifications.follow(user=process_follower, process=process)
    notifications.follow(user=voters[0], process=process)  # voter and follower: told once
    assert notifications.notify_results_published(axis=axis) == 4
    assert notifications.notify_results_published(axis=axis) == 0
    assert told() == {
        voters[0]: [Kind.RESULTS_PUBLISHED],
        voters[1]: [Kind.RESULTS_PUBLISHED],
        process_follower: [Kind.RESULTS_PUBLISHED],
        follower: [Kind.RESULTS_PUBLISHED],
    }
    payloads = {json.dumps(n.payload, sort_keys=True) for n in Notification.objects.all()}
    expected = {"title": "Budget 2027 — Mobility", "axis": axis.pk}
    assert payloads == {json.dumps(expected, sort_keys=True)}


# --- Moderation queue -----------------------------------------------------------------------


def test_moderators_are_told_of_their_queue_at_most_once_an_hour(
    process, axis, pending, moderator, organiser, citizen
):
    other_process_moderator = factories.RoleFactory(kind="moderator").user
    assert tasks.notify_moderation_queues.delay().get() == 2
    assert told() == {moderator: [Kind.MODERATION_QUEUE], organiser: [Kind.MODERATION_QUEUE]}
    assert Notification.objects.filter(recipient=moderator).get().payload == {
        "title": "Budget 2027",
        "count": 1,
    }
    # More items within the hour: nobody is told again yet.
    factories.ProposalFactory(
        axis=axis, status=Proposal.Status.PENDING, published_at=None, submitted_at=timezone.now()
    )
    assert notifications.notify_moderators_of_queue() == 0
    # An hour later, they hear of the new item once.
    later = timezone.now() + timedelta(minutes=61)
    assert notifications.notify_moderators_of_queue(now=later) == 2
    assert notifications.notify_moderators_of_queue(now=later) == 0
    latest = Notification.objects.filter(recipient=moderator).order_by("-created_at").first()
    assert notifications.notification_text(latest) == "2 items await moderation in “Budget 2027”."
    # Nothing new since: no reminder, however late.
    assert notifications.notify_moderators_of_queue(now=later + timedelta(hours=5)) == 0
    assert other_process_moderator not in told()
    assert citizen not in told()


def test_reported_items_reach_the_moderation_queue_notification(proposal, moderator, citizen):
    proposal_services.report_create(reporter=citizen, proposal=proposal, reason="Spam")
    assert notifications.notify_moderators_of_queue() >= 1
    assert Kind.MODERATION_QUEUE in told().get(moderator, [])
    assert_private_to(Notification.objects.all(), "Spam", moderator)


def test_empty_queue_tells_nobody(process, moderator):
    assert notifications.notify_moderators_of_queue() == 0


# --- Follows --------------------------------------------------------------------------------


def test_follow_helper_is_idempotent(author, proposal, process):
    first = notifications.follow(user=author, proposal=proposal)
    assert notifications.follow(user=author, proposal=proposal) == first
    notifications.follow(user=author, process=process)
    assert Follow.objects.filter(user=author).count() == 2
    assert notifications.unfollow(user=author, proposal=proposal) is True
    assert notifications.unfollow(user=author, proposal=proposal) is False
