"""The demo process shows a proposal in every state, a moderation queue and a log."""

import pytest

from participation.demo import DEMO_SLUG, load_demo
from proposals.models import ModerationDecision, Proposal
from proposals.moderation_queue import moderation_queue

pytestmark = pytest.mark.django_db


def test_demo_shows_every_state_and_loads_once(settings):
    settings.DEBUG = True
    process, created = load_demo()
    assert created
    again, created_again = load_demo()
    assert (again.pk, created_again) == (process.pk, False)
    proposals = Proposal.objects.filter(axis__process__slug=DEMO_SLUG)
    statuses = set(proposals.values_list("status", flat=True))
    assert statuses >= {"draft", "pending", "published", "rejected", "hidden", "merged"}
    assert proposals.filter(evaluation__isnull=False).exists()
    assert proposals.filter(selected_for_vote=True).exists()
    assert not proposals.filter(selected_for_vote=True, evaluation__feasible=False).exists()
    assert proposals.get(status="rejected").rejection_reason
    assert ModerationDecision.objects.filter(process=process, action="reject").exists()
    kinds = {entry.kind for entry in moderation_queue(process=process)}
    assert kinds == {"proposal", "comment"}
