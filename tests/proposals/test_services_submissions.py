"""Citizens write, submit, change and withdraw proposals (services called directly)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from participation.errors import DomainError, NotAllowed, RateLimited
from participation.models import Notification, Phase
from proposals import services
from proposals.models import Proposal
from tests import factories
from tests.proposals.conftest import proposal_fields

pytestmark = pytest.mark.django_db


def test_draft_is_saved_with_sanitised_html(citizen, axis):
    proposal = services.proposal_create(author=citizen, axis=axis, **proposal_fields())
    assert proposal.status == Proposal.Status.DRAFT
    assert "<strong>protected</strong>" in proposal.body_html
    assert "<script" not in proposal.body_html
    assert proposal.published_at is None


def test_submit_publishes_at_once_without_pre_moderation(citizen, axis):
    proposal = services.proposal_create(author=citizen, axis=axis, submit=True, **proposal_fields())
    assert proposal.status == Proposal.Status.PUBLISHED
    assert proposal.published_at is not None
    # Publishing one's own proposal is one's own action: no notification.
    assert not Notification.objects.filter(recipient=citizen).exists()


def test_submit_waits_for_moderation_when_the_process_pre_moderates(citizen, axis):
    axis.process.pre_moderation = True
    axis.process.save()
    draft = services.proposal_create(author=citizen, axis=axis, **proposal_fields())
    submitted = services.proposal_submit(actor=citizen, proposal=draft)
    assert submitted.status == Proposal.Status.PENDING
    assert submitted.submitted_at is not None
    assert submitted.published_at is None


@pytest.mark.parametrize("kind", [Phase.Kind.INFORMATION, Phase.Kind.REVIEW, Phase.Kind.VOTING])
def test_submission_outside_the_proposal_phase_is_refused_with_a_reason(
    citizen, axis, move_phase, kind
):
    move_phase(axis.process, kind)
    with pytest.raises(NotAllowed, match="only during the proposal phase"):
        services.proposal_create(author=citizen, axis=axis, **proposal_fields())
    assert not Proposal.objects.exists()


def test_submission_with_no_phase_running_is_refused(citizen, axis, move_phase):
    move_phase(axis.process, None)
    with pytest.raises(NotAllowed):
        services.proposal_create(author=citizen, axis=axis, **proposal_fields())


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 151}, "title"),
        ({"summary": ""}, "summary"),
        ({"body": ""}, "body"),
        ({"estimated_cost": "0"}, "estimated_cost"),
        ({"estimated_cost": "-5"}, "estimated_cost"),
        ({"estimated_cost": "abc"}, "estimated_cost"),
        ({"estimated_cost": "NaN"}, "estimated_cost"),
        ({"estimated_cost": "100000.01"}, "estimated_cost"),
        ({"latitude": "47.2"}, "longitude"),
        ({"latitude": "91", "longitude": "2"}, "latitude"),
        ({"latitude": "45", "longitude": "-181"}, "longitude"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(citizen, axis, overrides, field):
    with pytest.raises(DomainError) as error:
        services.proposal_create(author=citizen, axis=axis, **proposal_fields(**overrides))
    assert error.value.field == field
    assert not Proposal.objects.exists()


def test_cost_equal_to_the_axis_budget_is_accepted(citizen, axis):
    proposal = services.proposal_create(
        author=citizen, axis=axis, **proposal_fields(estimated_cost=str(axis.budget))
    )
    assert proposal.estimated_cost == axis.budget


def test_coordinates_are_stored(citizen, axis):
    proposal = services.proposal_create(
        author=citizen, axis=axis, **proposal_fields(latitude="47.218371", longitude="-1.553621")
    )
    assert proposal.latitude == Decimal("47.218371")


@pytest.mark.parametrize("who", ["unverified", "blocked"])
def test_unverified_or_blocked_accounts_cannot_submit(request, axis, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        services.proposal_create(author=actor, axis=axis, **proposal_fields())


def test_author_edits_a_draft(citizen, axis):
    draft = services.proposal_create(author=citizen, axis=axis, **proposal_fields())
    edited = services.proposal_update(
        actor=citizen, proposal=draft, **proposal_fields(title="Bike lanes everywhere")
    )
    assert edited.title == "Bike lanes everywhere"


def test_nobody_else_edits_a_draft(citizen, author, axis):
    draft = services.proposal_create(author=citizen, axis=axis, **proposal_fields())
    with pytest.raises(NotAllowed, match="Only its author"):
        services.proposal_update(actor=author, proposal=draft, **proposal_fields(title="Mine"))
    draft.refresh_from_db()
    assert draft.title == "Safe bike lanes"


def test_published_proposal_can_no_longer_be_edited(proposal, author):
    with pytest.raises(NotAllowed, match="before it is published"):
        services.proposal_update(actor=author, proposal=proposal, **proposal_fields())


def test_pending_proposal_can_still_be_edited(author, axis):
    axis.process.pre_moderation = True
    axis.process.save()
    pending = services.proposal_create(author=author, axis=axis, submit=True, **proposal_fields())
    edited = services.proposal_update(
        actor=author, proposal=pending, **proposal_fields(summary="Better summary")
    )
    assert edited.status == Proposal.Status.PENDING
    assert edited.summary == "Better summary"


def test_submitting_twice_is_a_conflict(citizen, axis):
    proposal = services.proposal_create(author=citizen, axis=axis, submit=True, **proposal_fields())
    with pytest.raises(NotAllowed):
        services.proposal_submit(actor=citizen, proposal=proposal)


def test_author_withdraws_a_published_proposal(proposal, author):
    withdrawn = services.proposal_withdraw(actor=author, proposal=proposal)
    assert withdrawn.status == Proposal.Status.WITHDRAWN


def test_selected_proposal_cannot_be_withdrawn(proposal, author):
    Proposal.objects.filter(pk=proposal.pk).update(selected_for_vote=True)
    proposal.refresh_from_db()
    with pytest.raises(NotAllowed, match="no longer be withdrawn"):
        services.proposal_withdraw(actor=author, proposal=proposal)


def test_proposals_are_rate_limited_per_user(citizen, axis, settings):
    for _ in range(10):
        services.proposal_create(author=citizen, axis=axis, **proposal_fields())
    with pytest.raises(RateLimited) as error:
        services.proposal_create(author=citizen, axis=axis, **proposal_fields())
    assert error.value.retry_after > 0
    assert Proposal.objects.count() == 10


def test_the_refusal_says_when_the_proposal_phase_opens(citizen, axis):
    axis.process.phases.all().delete()
    factories.PhaseFactory(
        process=axis.process,
        kind=Phase.Kind.PROPOSALS,
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=30),
    )
    axis.process.__dict__.pop("_encommun_phase", None)
    with pytest.raises(NotAllowed, match="It opens on"):
        services.proposal_create(author=citizen, axis=axis, **proposal_fields())


def test_the_refusal_says_when_the_proposal_phase_closed(citizen, axis):
    axis.process.phases.all().delete()
    factories.PhaseFactory(
        process=axis.process,
        kind=Phase.Kind.PROPOSALS,
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=3),
    )
    axis.process.__dict__.pop("_encommun_phase", None)
    with pytest.raises(NotAllowed, match="It closed on"):
        services.proposal_create(author=citizen, axis=axis, **proposal_fields())
