"""Supports, reports and merges at once: the counts and the constraints hold.

Real concurrent transactions need PostgreSQL (threads, each with its own connection); skipped on
SQLite locally, required under CI=true.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from participation.errors import DomainError
from participation.models import Phase
from proposals import services
from proposals.models import Proposal, Support
from tests import factories
from tests.conftest import ON_CI

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 10


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        message = "concurrent supports need PostgreSQL (set DATABASE_URL=postgres://…)"
        if ON_CI:
            pytest.fail(message)
        pytest.skip(message)
    cache.clear()


def run_at_once(actions) -> list[str]:
    """Run each action in its own thread, released together; collect "ok" or the error code."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker(action) -> None:
        try:
            barrier.wait(timeout=10)
            action()
            outcome = "ok"
        except DomainError as error:
            outcome = error.code
        except Exception as error:  # noqa: BLE001 — anything else is the failure we look for
            outcome = f"crash: {error!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=worker, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.fixture
def proposal():
    process = factories.ProcessFactory()
    now = timezone.now()
    factories.PhaseFactory(
        process=process,
        kind=Phase.Kind.PROPOSALS,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=1),
    )
    return factories.ProposalFactory(axis=factories.AxisFactory(process=process))


def test_double_clicks_give_one_support(proposal):
    user = factories.UserFactory()
    outcomes = run_at_once(
        [lambda: services.proposal_support(user=user, proposal=proposal)] * THREADS
    )
    assert sorted(outcomes) == ["conflict"] * (THREADS - 1) + ["ok"]
    proposal.refresh_from_db()
    assert proposal.support_count == Support.objects.filter(proposal=proposal).count() == 1


def test_many_supporters_at_once_are_all_counted(proposal):
    users = factories.UserFactory.create_batch(THREADS)
    outcomes = run_at_once(
        [lambda u=u: services.proposal_support(user=u, proposal=proposal) for u in users]
    )
    assert outcomes == ["ok"] * THREADS
    proposal.refresh_from_db()
    assert proposal.support_count == THREADS


def test_supports_during_a_merge_all_land_on_the_survivor(proposal):
    survivor = factories.ProposalFactory(axis=proposal.axis)
    organiser = factories.RoleFactory(process=proposal.axis.process, kind="organiser").user
    users = factories.UserFactory.create_batch(THREADS - 1)
    actions = [lambda u=u: services.proposal_support(user=u, proposal=proposal) for u in users]
    actions.append(
        lambda: services.proposal_merge(organiser=organiser, proposal=proposal, into=survivor)
    )
    outcomes = run_at_once(actions)
    assert not [o for o in outcomes if o.startswith("crash")], outcomes
    merged = Proposal.objects.get(pk=proposal.pk)
    survivor.refresh_from_db()
    assert merged.status == "merged"
    # Supports given before the merge moved; those after it were refused: none is left behind.
    assert not Support.objects.filter(proposal=merged).exists()
    assert survivor.support_count == Support.objects.filter(proposal=survivor).count()
    assert survivor.support_count == outcomes.count("ok") - 1
