"""Fixtures of the notification tests: a process in its proposal phase and its people."""

import pytest
from django.utils import translation

from participation.models import Notification, Phase, Role
from tests import factories


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in their English source (the default language is French)."""
    with translation.override("en"):
        yield


@pytest.fixture
def process(process_in_phase):
    return process_in_phase(Phase.Kind.PROPOSALS, title="Budget 2027")


@pytest.fixture
def axis(process):
    return factories.AxisFactory(process=process, slug="mobility", title="Mobility")


@pytest.fixture
def author(db):
    return factories.UserFactory(display_name="Alix", language="en")


@pytest.fixture
def citizen(db):
    return factories.UserFactory(display_name="Camille", language="en")


@pytest.fixture
def proposal(axis, author):
    return factories.ProposalFactory(axis=axis, author=author, title="Bike lanes")


def member(process, kind, **user_fields):
    user_fields.setdefault("language", "en")
    return factories.RoleFactory(
        process=process, kind=kind, **{f"user__{k}": v for k, v in user_fields.items()}
    ).user


@pytest.fixture
def moderator(process):
    return member(process, Role.Kind.MODERATOR, display_name="Moderator")


@pytest.fixture
def organiser(process):
    return member(process, Role.Kind.ORGANISER, display_name="Organiser")


@pytest.fixture
def evaluator(process):
    return member(process, Role.Kind.EVALUATOR, display_name="Evaluator")


def make_notification(recipient, kind=Notification.Kind.PROPOSAL_PUBLISHED, **fields):
    """A notification row as a service writes it (without queuing its delivery)."""
    fields.setdefault("payload", {"title": "Bike lanes"})
    fields.setdefault("url", "/processes/x/")
    return Notification.objects.create(recipient=recipient, kind=kind, **fields)
