"""Evaluation, selection for the vote, and merging of duplicates."""

from decimal import Decimal

import pytest

from participation.errors import Conflict, DomainError, NotAllowed
from participation.models import Notification, Phase
from proposals import services
from proposals.models import Evaluation, Proposal, Support
from tests import factories

pytestmark = pytest.mark.django_db


def test_evaluation_sets_the_vote_cost_and_notifies(proposal, evaluator, author):
    services.proposal_evaluate(
        evaluator=evaluator,
        proposal=proposal,
        feasible=True,
        reason="Checked with the roads department",
        validated_cost="12500.50",
    )
    proposal = Proposal.objects.select_related("evaluation").get(pk=proposal.pk)
    assert proposal.vote_cost == Decimal("12500.50")
    notification = Notification.objects.get(recipient=author)
    assert notification.kind == "proposal_evaluated"
    assert notification.payload["reason"] == "Checked with the roads department"


def test_evaluation_can_be_revised(proposal, evaluator):
    services.proposal_evaluate(evaluator=evaluator, proposal=proposal, feasible=True, reason="a")
    services.proposal_evaluate(evaluator=evaluator, proposal=proposal, feasible=False, reason="b")
    assert Evaluation.objects.get().feasible is False


def test_evaluation_needs_a_reason_and_a_positive_cost(proposal, evaluator):
    with pytest.raises(DomainError) as error:
        services.proposal_evaluate(evaluator=evaluator, proposal=proposal, feasible=True, reason="")
    assert error.value.field == "reason"
    with pytest.raises(DomainError) as error:
        services.proposal_evaluate(
            evaluator=evaluator, proposal=proposal, feasible=True, reason="x", validated_cost="0"
        )
    assert error.value.field == "validated_cost"
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("who", ["citizen", "author", "moderator", "other_organiser"])
def test_only_evaluators_and_organisers_evaluate(request, proposal, who):
    with pytest.raises(NotAllowed):
        services.proposal_evaluate(
            evaluator=request.getfixturevalue(who), proposal=proposal, feasible=True, reason="x"
        )


def test_evaluation_is_closed_during_the_vote(proposal, evaluator, move_phase):
    move_phase(proposal.axis.process, Phase.Kind.VOTING)
    with pytest.raises(NotAllowed):
        services.proposal_evaluate(
            evaluator=evaluator, proposal=proposal, feasible=True, reason="x"
        )


def test_organiser_selects_a_published_unevaluated_proposal(proposal, organiser, author):
    selected = services.proposal_select(organiser=organiser, proposal=proposal)
    assert selected.selected_for_vote
    assert Notification.objects.get(recipient=author).kind == "proposal_selected"
    unselected = services.proposal_select(organiser=organiser, proposal=proposal, selected=False)
    assert not unselected.selected_for_vote


def test_infeasible_proposal_cannot_be_selected(proposal, organiser):
    factories.EvaluationFactory(proposal=proposal, feasible=False)
    with pytest.raises(Conflict, match="not feasible"):
        services.proposal_select(organiser=organiser, proposal=proposal)


def test_unpublished_proposal_cannot_be_selected(axis, organiser):
    pending = factories.ProposalFactory(axis=axis, status="pending")
    with pytest.raises(Conflict):
        services.proposal_select(organiser=organiser, proposal=pending)


def test_an_infeasible_verdict_unselects(proposal, organiser, evaluator):
    services.proposal_select(organiser=organiser, proposal=proposal)
    services.proposal_evaluate(evaluator=evaluator, proposal=proposal, feasible=False, reason="x")
    proposal.refresh_from_db()
    assert not proposal.selected_for_vote


@pytest.mark.parametrize("who", ["evaluator", "moderator", "other_organiser", "author"])
def test_only_organisers_select(request, proposal, who):
    with pytest.raises(NotAllowed):
        services.proposal_select(organiser=request.getfixturevalue(who), proposal=proposal)


def test_merge_moves_supports_without_duplicates(axis, organiser):
    survivor = factories.ProposalFactory(axis=axis)
    duplicate = factories.ProposalFactory(axis=axis)
    both, only_dup, only_survivor = (factories.UserFactory() for _ in range(3))
    for user in (both, only_dup):
        services.proposal_support(user=user, proposal=duplicate)
    for user in (both, only_survivor):
        services.proposal_support(user=user, proposal=survivor)
    merged = services.proposal_merge(organiser=organiser, proposal=duplicate, into=survivor)
    assert merged.status == Proposal.Status.MERGED
    assert merged.merged_into == survivor
    survivor.refresh_from_db()
    assert survivor.support_count == 3
    assert set(Support.objects.filter(proposal=survivor).values_list("user", flat=True)) == {
        both.pk,
        only_dup.pk,
        only_survivor.pk,
    }
    assert not Support.objects.filter(proposal=duplicate).exists()
    assert Notification.objects.filter(recipient=duplicate.author, kind="proposal_merged").exists()


def test_earlier_duplicates_follow_to_the_survivor(axis, organiser):
    first, second, survivor = (factories.ProposalFactory(axis=axis) for _ in range(3))
    services.proposal_merge(organiser=organiser, proposal=first, into=second)
    services.proposal_merge(organiser=organiser, proposal=second, into=survivor)
    first.refresh_from_db()
    assert first.merged_into == survivor


def test_merge_across_axes_or_into_itself_is_refused(proposal, organiser, process):
    elsewhere = factories.ProposalFactory(axis=factories.AxisFactory(process=process))
    with pytest.raises(DomainError):
        services.proposal_merge(organiser=organiser, proposal=proposal, into=elsewhere)
    with pytest.raises(DomainError):
        services.proposal_merge(organiser=organiser, proposal=proposal, into=proposal)


def test_merge_into_a_proposal_of_another_process_is_refused(proposal, organiser):
    foreign = factories.ProposalFactory()
    with pytest.raises((DomainError, NotAllowed)):
        services.proposal_merge(organiser=organiser, proposal=proposal, into=foreign)
    with pytest.raises(NotAllowed):
        services.proposal_merge(organiser=organiser, proposal=foreign, into=proposal)


def test_followers_hear_of_the_evaluation_but_not_of_the_reason(proposal, evaluator, citizen):
    from participation.notifications import follow

    follow(user=citizen, proposal=proposal)
    services.proposal_evaluate(
        evaluator=evaluator, proposal=proposal, feasible=True, reason="Internal detail"
    )
    told = Notification.objects.get(recipient=citizen)
    assert told.kind == "proposal_evaluated"
    assert "reason" not in told.payload
