"""Supports: one per person, counted in step, only while the proposal phase runs."""

import pytest

from participation.errors import Conflict, NotAllowed
from participation.models import Phase
from proposals import services
from proposals.models import Proposal, Support
from tests import factories

pytestmark = pytest.mark.django_db


def test_support_is_counted(proposal, citizen):
    supported = services.proposal_support(user=citizen, proposal=proposal)
    assert supported.support_count == 1
    assert Support.objects.filter(proposal=proposal, user=citizen).exists()


def test_second_support_by_the_same_person_is_refused(proposal, citizen):
    services.proposal_support(user=citizen, proposal=proposal)
    with pytest.raises(Conflict, match="already support"):
        services.proposal_support(user=citizen, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.support_count == 1


def test_support_can_be_withdrawn(proposal, citizen):
    services.proposal_support(user=citizen, proposal=proposal)
    unsupported = services.proposal_unsupport(user=citizen, proposal=proposal)
    assert unsupported.support_count == 0
    assert not Support.objects.exists()


def test_withdrawing_a_support_one_never_gave_is_a_conflict(proposal, citizen):
    with pytest.raises(Conflict):
        services.proposal_unsupport(user=citizen, proposal=proposal)


def test_support_after_the_proposal_phase_is_refused(proposal, citizen, move_phase):
    move_phase(proposal.axis.process, Phase.Kind.VOTING)
    with pytest.raises(NotAllowed, match="only during the proposal phase"):
        services.proposal_support(user=citizen, proposal=proposal)


@pytest.mark.parametrize("status", ["draft", "pending", "rejected", "hidden", "withdrawn"])
def test_only_published_proposals_can_be_supported(axis, citizen, status):
    proposal = factories.ProposalFactory(axis=axis, status=status)
    with pytest.raises(NotAllowed):
        services.proposal_support(user=citizen, proposal=proposal)


def test_count_stays_in_step_with_many_supporters(proposal):
    for _ in range(5):
        services.proposal_support(user=factories.UserFactory(), proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.support_count == Support.objects.filter(proposal=proposal).count() == 5


def test_comment_support_is_counted_once(proposal, citizen):
    comment = factories.CommentFactory(proposal=proposal)
    assert services.comment_support(user=citizen, comment=comment).support_count == 1
    with pytest.raises(Conflict):
        services.comment_support(user=citizen, comment=comment)
    assert services.comment_unsupport(user=citizen, comment=comment).support_count == 0


def test_merged_proposal_cannot_be_supported(proposal, citizen, axis):
    survivor = factories.ProposalFactory(axis=axis)
    Proposal.objects.filter(pk=proposal.pk).update(status="merged", merged_into=survivor)
    proposal.refresh_from_db()
    with pytest.raises(NotAllowed):
        services.proposal_support(user=citizen, proposal=proposal)
