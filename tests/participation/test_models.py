"""The database itself guards the invariants of the domain."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from participation.models import Phase, Role
from proposals.models import Comment, ModerationDecision, Proposal, Report, Support
from tests.factories import (
    AxisFactory,
    CommentFactory,
    PhaseFactory,
    ProcessFactory,
    ProposalFactory,
    RoleFactory,
    UserFactory,
)
from votes.models import Ballot, Result, VoterRecord

pytestmark = pytest.mark.django_db


def _refused(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_phase_must_end_after_it_starts():
    now = timezone.now()
    _refused(lambda: PhaseFactory(starts_at=now, ends_at=now - timedelta(hours=1)))


def test_one_phase_of_each_kind_per_process():
    process = ProcessFactory()
    PhaseFactory(process=process, kind=Phase.Kind.VOTING)
    _refused(lambda: PhaseFactory(process=process, kind=Phase.Kind.VOTING))


def test_axis_budget_cannot_be_negative():
    _refused(lambda: AxisFactory(budget=Decimal("-1")))


def test_axis_max_choices_not_below_min_choices():
    _refused(lambda: AxisFactory(min_choices=3, max_choices=2))


def test_points_axis_needs_points():
    _refused(lambda: AxisFactory(ballot_type="points", points_total=None))
    _refused(lambda: AxisFactory(ballot_type="points", points_total=5, points_max_per_proposal=6))


def test_axis_slug_unique_within_a_process():
    process = ProcessFactory()
    AxisFactory(process=process, slug="lieux")
    AxisFactory(slug="lieux")  # another process may reuse it
    _refused(lambda: AxisFactory(process=process, slug="lieux"))


def test_role_granted_once():
    role = RoleFactory()
    _refused(lambda: Role.objects.create(user=role.user, process=role.process, kind=role.kind))


def test_proposal_cost_cannot_be_negative():
    _refused(lambda: ProposalFactory(estimated_cost=Decimal("-5")))


def test_merged_proposal_points_to_a_survivor_and_only_then():
    _refused(lambda: ProposalFactory(status=Proposal.Status.MERGED))
    survivor = ProposalFactory()
    _refused(lambda: ProposalFactory(merged_into=survivor))
    ProposalFactory(status=Proposal.Status.MERGED, merged_into=survivor)


def test_only_published_proposals_are_selected_for_the_vote():
    _refused(lambda: ProposalFactory(status=Proposal.Status.DRAFT, selected_for_vote=True))


def test_one_support_per_person_and_proposal():
    proposal, user = ProposalFactory(), UserFactory()
    Support.objects.create(proposal=proposal, user=user)
    _refused(lambda: Support.objects.create(proposal=proposal, user=user))


def test_comment_depth_is_bounded_and_matches_its_parent():
    root = CommentFactory()
    _refused(lambda: CommentFactory(proposal=root.proposal, parent=root, depth=0))
    _refused(lambda: CommentFactory(proposal=root.proposal, depth=4, parent=root))


def test_report_targets_exactly_one_item_once_per_person():
    proposal, comment, user = ProposalFactory(), CommentFactory(), UserFactory()
    _refused(lambda: Report.objects.create(reporter=user, reason="x"))
    _refused(lambda: Report.objects.create(reporter=user, proposal=proposal, comment=comment))
    Report.objects.create(reporter=user, proposal=proposal, reason="spam")
    _refused(lambda: Report.objects.create(reporter=user, proposal=proposal, reason="again"))


def test_moderation_decisions_can_be_neither_changed_nor_deleted():
    proposal = ProposalFactory()
    decision = ModerationDecision.objects.create(
        process=proposal.axis.process,
        moderator=UserFactory(),
        action=ModerationDecision.Action.HIDE,
        proposal=proposal,
        reason="insults",
    )
    decision.reason = "rewritten"
    with pytest.raises(PermissionDenied):
        decision.save()
    with pytest.raises(PermissionDenied):
        decision.delete()
    assert ModerationDecision.objects.get(pk=decision.pk).reason == "insults"


def test_rejection_needs_a_reason():
    proposal = ProposalFactory()
    _refused(
        lambda: ModerationDecision.objects.create(
            process=proposal.axis.process,
            moderator=UserFactory(),
            action=ModerationDecision.Action.REJECT,
            proposal=proposal,
        )
    )


def test_one_voter_record_per_voter_and_axis_whatever_the_channel():
    axis, voter, mediator = AxisFactory(), UserFactory(), UserFactory()
    VoterRecord.objects.create(axis=axis, voter=voter)
    _refused(lambda: VoterRecord.objects.create(axis=axis, voter=voter))
    VoterRecord.objects.create(axis=axis, person_hash="a" * 64, channel="paper", mediator=mediator)
    _refused(
        lambda: VoterRecord.objects.create(
            axis=axis, person_hash="a" * 64, channel="assisted", mediator=mediator
        )
    )
    _refused(lambda: VoterRecord.objects.create(axis=axis, channel="paper"))  # no mediator


def test_ballot_has_no_link_to_a_person():
    field_names = {f.name for f in Ballot._meta.get_fields()}
    assert field_names == {"id", "axis", "choices", "receipt_hash"}
    axis = AxisFactory()
    Ballot.objects.create(axis=axis, choices=[1], receipt_hash="b" * 64)
    _refused(lambda: Ballot.objects.create(axis=axis, choices=[2], receipt_hash="b" * 64))


def test_result_counts_must_agree_and_one_published_per_axis():
    axis = AxisFactory()
    _refused(
        lambda: Result.objects.create(
            axis=axis,
            rule="greedy",
            engine_version="1",
            input_hash="x",
            voter_count=2,
            ballot_count=1,
        )
    )
    now = timezone.now()
    Result.objects.create(
        axis=axis, rule="greedy", engine_version="1", input_hash="x", published_at=now
    )
    _refused(
        lambda: Result.objects.create(
            axis=axis, rule="equal_shares", engine_version="1", input_hash="x", published_at=now
        )
    )


def test_deleting_an_account_keeps_contributions_as_from_a_deleted_participant():
    comment = CommentFactory()
    proposal = comment.proposal
    proposal.author.delete()
    comment.author.delete()
    proposal.refresh_from_db()
    assert proposal.author is None
    assert Comment.objects.get(pk=comment.pk).author is None
