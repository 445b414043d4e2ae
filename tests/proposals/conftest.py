"""Fixtures of the proposal tests: a process in its proposal phase and a cast of actors."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from participation.models import Phase, Role
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache: start every test from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in their English source (the default language is French)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def process(process_in_phase):
    return process_in_phase(Phase.Kind.PROPOSALS)


@pytest.fixture
def axis(process):
    return factories.AxisFactory(process=process, slug="mobility", title="Mobility")


@pytest.fixture
def citizen(db):
    return factories.UserFactory(display_name="Camille", language="en")


@pytest.fixture
def author(db):
    return factories.UserFactory(display_name="Alix", language="en")


@pytest.fixture
def unverified(db):
    return factories.UserFactory(verified=False, language="en")


@pytest.fixture
def blocked(db):
    return factories.UserFactory(blocked_at=timezone.now(), blocked_reason="spam", language="en")


def _member(process, kind):
    return factories.RoleFactory(process=process, kind=kind, user__language="en").user


@pytest.fixture
def moderator(process):
    return _member(process, Role.Kind.MODERATOR)


@pytest.fixture
def evaluator(process):
    return _member(process, Role.Kind.EVALUATOR)


@pytest.fixture
def organiser(process):
    return _member(process, Role.Kind.ORGANISER)


@pytest.fixture
def other_organiser(db):
    """Organiser of another process: no power over this one."""
    other = factories.ProcessFactory()
    return _member(other, Role.Kind.ORGANISER)


@pytest.fixture
def proposal(axis, author):
    return factories.ProposalFactory(axis=axis, author=author, title="Bike lanes")


@pytest.fixture
def move_phase():
    """Put a process in another phase (or none, with kind=None) from now on."""

    def move(process, kind):
        now = timezone.now()
        process.phases.all().delete()
        if kind is not None:
            factories.PhaseFactory(
                process=process,
                kind=kind,
                starts_at=now - timedelta(days=1),
                ends_at=now + timedelta(days=10),
            )
        process.__dict__.pop("_encommun_phase", None)
        return process

    return move


def proposal_fields(**overrides):
    fields = {
        "title": "Safe bike lanes",
        "summary": "Protected lanes on the main avenue",
        "body": "We need **protected** lanes.\n\n<script>alert(1)</script>",
        "estimated_cost": "25000",
        "place": "Main avenue",
    }
    fields.update(overrides)
    return fields
