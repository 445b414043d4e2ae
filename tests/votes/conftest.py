"""Fixtures of the voting tests: an axis whose vote is open, with proposals on its ballot."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from participation.models import Axis, Phase, Role
from tests import factories


@pytest.fixture
def voting_axis(db):
    """Factory fixture: an axis of a process in its voting phase, with `costs` on its ballot.

    Returns the axis; its ballot proposals are in ``axis.test_proposals`` (in `costs` order).
    """

    def make(ballot_type: str = Axis.BallotType.APPROVAL, costs=(10_000, 20_000, 30_000), **fields):
        process = fields.pop("process", None) or factories.ProcessFactory(
            **fields.pop("process_fields", {})
        )
        now = timezone.now()
        if not process.phases.filter(kind=Phase.Kind.VOTING).exists():
            factories.PhaseFactory(
                process=process,
                kind=Phase.Kind.VOTING,
                starts_at=now - timedelta(days=1),
                ends_at=now + timedelta(days=10),
            )
        if ballot_type == Axis.BallotType.POINTS:
            fields.setdefault("points_total", 10)
            fields.setdefault("points_max_per_proposal", 5)
        axis = factories.AxisFactory(process=process, ballot_type=ballot_type, **fields)
        axis.test_proposals = [
            factories.ProposalFactory(
                axis=axis, estimated_cost=Decimal(cost), selected_for_vote=True, title=f"P{i}"
            )
            for i, cost in enumerate(costs)
        ]
        return axis

    return make


@pytest.fixture
def user(db):
    """A verified participant who reads the interface in English (messages are asserted)."""
    return factories.UserFactory(language="en")


@pytest.fixture
def organiser(db):
    def make(process):
        role_user = factories.UserFactory(language="en")
        return factories.RoleFactory(process=process, user=role_user, kind=Role.Kind.ORGANISER).user

    return make


@pytest.fixture
def mediator(db):
    def make(process):
        role_user = factories.UserFactory(language="en")
        return factories.RoleFactory(process=process, user=role_user, kind=Role.Kind.MEDIATOR).user

    return make


def end_voting(axis) -> None:
    """Move the axis' voting phase into the past (the vote has ended by the dates)."""
    now = timezone.now()
    axis.process.phases.filter(kind=Phase.Kind.VOTING).update(
        starts_at=now - timedelta(days=20), ends_at=now - timedelta(minutes=1)
    )


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, the source language."""
    from django.utils import translation

    with translation.override("en"):
        yield
