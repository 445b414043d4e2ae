"""Fixtures shared by the organiser tests (imported by their modules)."""

import pytest
from django.core.cache import cache
from django.utils import translation

from participation.models import Role
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_rate_limits_and_english():
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


@pytest.fixture
def process(db):
    return factories.ProcessFactory(slug="park", title="Park budget")


@pytest.fixture
def organiser(process):
    return factories.RoleFactory(
        process=process, kind=Role.Kind.ORGANISER, user__language="en"
    ).user


@pytest.fixture
def other_organiser(db):
    return factories.RoleFactory(kind=Role.Kind.ORGANISER, user__language="en").user


@pytest.fixture
def staff(db):
    return factories.UserFactory(is_staff=True, language="en")


@pytest.fixture
def citizen(db):
    return factories.UserFactory(language="en")
