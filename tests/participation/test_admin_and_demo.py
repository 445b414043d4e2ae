"""A usable Django admin for every model, and the demo data."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from participation.demo import DEMO_SLUG
from participation.models import Process, Role, User
from proposals.models import Comment, Proposal
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DOMAIN_MODELS = [
    "participation.User", "participation.Process", "participation.Phase", "participation.Axis",
    "participation.Role", "participation.Notification", "proposals.Proposal",
    "proposals.Comment", "proposals.Support", "proposals.Report",
    "proposals.ModerationDecision", "proposals.Evaluation", "votes.VoterRecord",
    "votes.Ballot", "votes.Result", "participation.NotificationPreference",
    "participation.Follow", "participation.PhaseAnnouncement", "votes.CensusEntry",
    "votes.VotingState",
]  # fmt: skip


@pytest.mark.parametrize("label", DOMAIN_MODELS)
def test_admin_changelist_works_for_every_domain_model(client, label, settings):
    settings.DEBUG = True  # load_demo refuses otherwise
    call_command("load_demo")
    model = apps.get_model(label)
    assert model in admin.site._registry
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200


def test_demo_is_loaded_once_with_axes_proposals_comments_and_roles(settings):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")  # idempotent
    process = Process.objects.get(slug=DEMO_SLUG)
    assert Process.objects.filter(slug=DEMO_SLUG).count() == 1
    assert [a.title for a in process.axes.all()] == ["Lieux", "Données", "Communs"]
    proposals = Proposal.objects.filter(axis__process=process)
    assert proposals.count() >= 30
    assert Comment.objects.filter(proposal__axis__process=process, parent__isnull=False).exists()
    kinds = set(Role.objects.filter(process=process).values_list("kind", flat=True))
    assert kinds >= {"organiser", "moderator", "evaluator", "mediator"}
    assert User.objects.filter(email="citoyenne@example.org").exists()


def test_demo_refuses_to_load_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="public password"):
        call_command("load_demo")
