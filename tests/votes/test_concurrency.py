"""Many casts or changes at once for the same voter: the database keeps one ballot.

These need real concurrent transactions and row locks: PostgreSQL, with threads each holding
their own connection. Skipped on SQLite locally; under CI=true they must run.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import translation

from participation.errors import DomainError
from participation.models import Axis, User
from tests.conftest import ON_CI
from votes import selectors, services
from votes.models import Ballot, VoterRecord

THREADS = 12


def require_postgresql() -> None:
    if connection.vendor == "postgresql":
        return
    message = (
        "concurrent casts need PostgreSQL's concurrent transactions and row locks "
        "(set DATABASE_URL=postgres://…); SQLite serialises every write"
    )
    if ON_CI:
        pytest.fail(message)
    pytest.skip(message)


def run_at_once(action) -> list[tuple[str, str]]:
    """Run `action()` in THREADS threads released together; collect ("ok"|code, message)."""
    barrier = threading.Barrier(THREADS)
    outcomes: list[tuple[str, str]] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            barrier.wait(timeout=10)
            # Each thread answers in English, as a request from an English browser would.
            translation.activate("en")
            value = action()
            outcome = ("ok", value)
        except DomainError as error:
            outcome = (error.code, error.message)
        except Exception as error:  # noqa: BLE001 — anything else is the failure we look for
            outcome = ("crash", repr(error))
        finally:
            translation.deactivate()
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_casts_for_the_same_voter_leave_exactly_one_ballot(voting_axis, user):
    require_postgresql()
    axis = voting_axis()
    choices = [axis.test_proposals[0].pk]

    def cast():
        return services.ballot_cast(
            voter=User.objects.get(pk=user.pk), axis=Axis.objects.get(pk=axis.pk), choices=choices
        )

    outcomes = run_at_once(cast)
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["conflict"] * (THREADS - 1) + ["ok"], outcomes
    assert all("already voted" in message for kind, message in outcomes if kind == "conflict")
    assert VoterRecord.objects.filter(axis=axis, voter=user).count() == 1
    assert Ballot.objects.filter(axis=axis).count() == 1
    receipt = next(message for kind, message in outcomes if kind == "ok")
    assert selectors.ballot_by_receipt(code=receipt) is not None


@pytest.mark.django_db(transaction=True)
def test_concurrent_changes_with_one_receipt_leave_exactly_one_ballot(voting_axis, user):
    require_postgresql()
    axis = voting_axis()
    first = services.ballot_cast(voter=user, axis=axis, choices=[axis.test_proposals[0].pk])

    def change():
        return services.ballot_change(
            voter=User.objects.get(pk=user.pk),
            axis=Axis.objects.get(pk=axis.pk),
            receipt=first,
            choices=[axis.test_proposals[1].pk],
        )

    outcomes = run_at_once(change)
    kinds = sorted(kind for kind, _ in outcomes)
    # The first change wins; the others, once the lock is theirs, hold an outdated receipt.
    assert kinds == ["invalid_receipt"] * (THREADS - 1) + ["ok"], outcomes
    counts = selectors.ballot_counts(axis=axis)
    assert counts.voters == counts.ballots == 1
    assert Ballot.objects.get(axis=axis).choices == [axis.test_proposals[1].pk]


@pytest.mark.django_db(transaction=True)
def test_casts_racing_the_close_are_all_counted_or_all_refused(voting_axis, organiser):
    require_postgresql()
    axis = voting_axis()
    closer = organiser(axis.process)
    voters = [
        User.objects.create_user(f"racer{i}@example.org", display_name="R") for i in range(THREADS)
    ]
    for voter in voters:
        voter.emailaddress_set.create(email=voter.email, verified=True, primary=True)
    queue = list(range(THREADS))
    lock = threading.Lock()

    def cast_or_close():
        with lock:
            index = queue.pop()
        fresh_axis = Axis.objects.get(pk=axis.pk)
        if index == THREADS // 2:
            services.voting_close(actor=User.objects.get(pk=closer.pk), axis=fresh_axis)
            return "closed"
        return services.ballot_cast(
            voter=voters[index], axis=fresh_axis, choices=[axis.test_proposals[0].pk]
        )

    outcomes = run_at_once(cast_or_close)
    assert not [outcome for outcome in outcomes if outcome[0] == "crash"], outcomes
    cast = [value for kind, value in outcomes if kind == "ok" and value != "closed"]
    counts = selectors.ballot_counts(axis=axis)
    # Whatever the interleaving: every accepted ballot is in the count, no refused one is.
    assert counts.voters == counts.ballots == len(cast)
