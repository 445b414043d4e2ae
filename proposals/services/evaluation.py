"""Evaluators assess published proposals; organisers choose those for the vote and merge twins."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from participation import permissions
from participation.errors import Conflict, DomainError
from participation.models import Notification, User
from participation.ratelimit import check_rate
from proposals.models import Evaluation, Proposal, Support
from proposals.services import cleaning
from proposals.services.locks import lock_proposal, lock_proposals
from proposals.services.notify import notify, tell_followers

MERGE_FIELDS = ("status", "merged_into", "selected_for_vote", "support_count", "updated_at")


def proposal_evaluate(
    *,
    evaluator: User,
    proposal: Proposal,
    feasible: bool,
    reason: str,
    validated_cost: Decimal | str | None = None,
) -> Evaluation:
    """Record (or revise) whether a proposal is feasible, why, and what it would really cost.

    The validated cost replaces the estimate in the vote. A proposal found not feasible leaves
    the selection for the vote.
    """
    reason = cleaning.text(reason, field="reason", max_length=cleaning.BODY_MAX_LENGTH)
    with transaction.atomic():
        proposal = lock_proposal(proposal.pk)
        permissions.check_evaluate(evaluator, proposal)
        cost = None
        if validated_cost not in (None, ""):
            cost = cleaning.decimal(validated_cost, field="validated_cost")
            if cost <= 0:
                raise DomainError(
                    _("The validated cost must be greater than zero."), field="validated_cost"
                )
        check_rate(user_id=evaluator.pk, action="organiser")
        evaluation, _created = Evaluation.objects.update_or_create(
            proposal=proposal,
            defaults={
                "evaluator": evaluator,
                "feasible": bool(feasible),
                "reason": reason,
                "validated_cost": cost,
            },
        )
        if not feasible and proposal.selected_for_vote:
            proposal.selected_for_vote = False
            proposal.save(update_fields=["selected_for_vote", "updated_at"])
        notify(
            recipient=proposal.author,
            actor=evaluator,
            kind=Notification.Kind.PROPOSAL_EVALUATED,
            proposal=proposal,
            reason=reason,
        )
        tell_followers(
            proposal=proposal, kind=Notification.Kind.PROPOSAL_EVALUATED, actor=evaluator
        )
    return evaluation


def proposal_select(*, organiser: User, proposal: Proposal, selected: bool = True) -> Proposal:
    """Put a published, feasible (or unevaluated) proposal on its axis' ballot, or take it off."""
    with transaction.atomic():
        proposal = lock_proposal(proposal.pk)
        permissions.check_select(organiser, proposal)
        if selected:
            if proposal.status != Proposal.Status.PUBLISHED:
                raise Conflict(_("Only published proposals can go to the vote."))
            evaluation = Evaluation.objects.filter(proposal=proposal).first()
            if evaluation is not None and not evaluation.feasible:
                raise Conflict(_("A proposal found not feasible cannot go to the vote."))
        if proposal.selected_for_vote == selected:
            return proposal
        check_rate(user_id=organiser.pk, action="organiser")
        proposal.selected_for_vote = selected
        proposal.save(update_fields=["selected_for_vote", "updated_at"])
        if selected:
            notify(
                recipient=proposal.author,
                actor=organiser,
                kind=Notification.Kind.PROPOSAL_SELECTED,
                proposal=proposal,
            )
            tell_followers(
                proposal=proposal, kind=Notification.Kind.PROPOSAL_SELECTED, actor=organiser
            )
    return proposal


def proposal_merge(*, organiser: User, proposal: Proposal, into: Proposal) -> Proposal:
    """Merge a duplicate into a survivor of the same axis; its supports move, never twice.

    Locks both proposals (in key order) so that no support lands on the duplicate meanwhile.
    """
    if proposal.pk == into.pk:
        raise DomainError(_("A proposal cannot be merged into itself."), field="into")
    with transaction.atomic():
        locked = {p.pk: p for p in lock_proposals(proposal.pk, into.pk)}
        proposal, into = locked[proposal.pk], locked[into.pk]
        permissions.check_select(organiser, proposal)
        if into.axis_id != proposal.axis_id:
            raise DomainError(_("Proposals can be merged only within one axis."), field="into")
        if (proposal.status, into.status) != (Proposal.Status.PUBLISHED,) * 2:
            raise Conflict(_("Only published proposals can be merged."))
        check_rate(user_id=organiser.pk, action="organiser")
        moved = (
            Support.objects.filter(proposal=proposal)
            .exclude(user__in=Support.objects.filter(proposal=into).values("user"))
            .update(proposal=into)
        )
        Support.objects.filter(proposal=proposal).delete()  # those who supported both
        Proposal.objects.filter(pk=into.pk).update(support_count=F("support_count") + moved)
        # Earlier duplicates of the duplicate now point at the survivor.
        Proposal.objects.filter(merged_into=proposal).update(merged_into=into)
        proposal.status = Proposal.Status.MERGED
        proposal.merged_into = into
        proposal.selected_for_vote = False
        proposal.support_count = 0
        proposal.save(update_fields=[*MERGE_FIELDS])
        notify(
            recipient=proposal.author,
            actor=organiser,
            kind=Notification.Kind.PROPOSAL_MERGED,
            proposal=proposal,
            url=into.get_absolute_url(),
        )
        tell_followers(
            proposal=proposal,
            kind=Notification.Kind.PROPOSAL_MERGED,
            actor=organiser,
            url=into.get_absolute_url(),
        )
    return proposal
