"""The whole life of a vote: open by the dates → cast → close → compute (a Celery task sent
with `.delay()`) → review → publish → voters notified.

Tasks run in-process here (CELERY_TASK_ALWAYS_EAGER); the test reads the Result back from the
database, as it would with a real worker, so the same steps serve a worker variant.
"""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from participation.errors import NotAllowed
from participation.models import Axis, Follow, Notification, Phase
from tests import factories
from votes import services
from votes.models import Result
from votes.tasks import compute_results, update_voting_phases


def compute_and_wait(axis: Axis, *, seconds: float = 60) -> Result:
    """Send the computation to Celery and wait for its Result to appear in the database."""
    compute_results.delay(axis.pk)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = Result.objects.filter(axis=axis).first()
        if result is not None:
            return result
        time.sleep(0.2)
    pytest.fail("compute_results stored no Result")


def move_voting_phase(process, *, starts_in: timedelta, ends_in: timedelta) -> None:
    now = timezone.now()
    process.phases.filter(kind=Phase.Kind.VOTING).update(
        starts_at=now + starts_in, ends_at=now + ends_in
    )


@pytest.mark.django_db(transaction=True)
def test_open_cast_close_compute_publish(organiser):
    now = timezone.now()
    process = factories.ProcessFactory()
    factories.PhaseFactory(
        process=process,
        kind=Phase.Kind.VOTING,
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=8),
    )
    axis = factories.AxisFactory(
        process=process, ballot_type=Axis.BallotType.BUDGET, budget=Decimal("50000")
    )
    library, park, wifi = (
        factories.ProposalFactory(axis=axis, estimated_cost=Decimal(cost), selected_for_vote=True)
        for cost in (30_000, 25_000, 15_000)
    )
    voters = [factories.UserFactory(language="en") for _ in range(4)]
    # Authors follow their proposals (proposal_create makes them); factories do not.
    Follow.objects.create(user=library.author, proposal=library)

    # Before the phase: nothing to announce, nobody can vote.
    assert update_voting_phases.delay().get() == {"opened": [], "closed": []}
    with pytest.raises(NotAllowed):
        services.ballot_cast(voter=voters[0], axis=axis, choices=[library.pk])

    # The phase opens by its dates; the periodic task announces it to the process' followers.
    move_voting_phase(process, starts_in=-timedelta(minutes=1), ends_in=timedelta(days=7))
    assert update_voting_phases.delay().get()["opened"] == [axis.pk]
    assert Notification.objects.filter(kind="phase_opened", recipient=library.author).exists()

    for voter, choices in zip(
        voters, [[library.pk, wifi.pk], [library.pk], [park.pk, wifi.pk], [wifi.pk]], strict=True
    ):
        services.ballot_cast(voter=voter, axis=axis, choices=choices)

    # The phase ends; the periodic task closes the vote.
    move_voting_phase(process, starts_in=-timedelta(days=7), ends_in=-timedelta(minutes=1))
    assert update_voting_phases.delay().get()["closed"] == [axis.pk]

    result = compute_and_wait(axis)
    assert result.voter_count == result.ballot_count == 4
    # wifi 3 votes, library 2, park 1: wifi + library = 45 000; park no longer fits.
    assert result.outcome["winners"] == [wifi.pk, library.pk]
    assert result.outcome["budget_used"] == "45000.00"
    assert result.published_at is None

    # Computing again stores nothing new.
    compute_results.delay(axis.pk)
    assert Result.objects.filter(axis=axis).count() == 1

    services.result_publish(actor=organiser(process), result=result)
    result.refresh_from_db()
    assert result.published_at is not None
    notified = set(
        Notification.objects.filter(kind="results_published").values_list("recipient", flat=True)
    )
    # Voters, and followers of the axis' proposals (here the library's author).
    assert notified == {voter.pk for voter in voters} | {library.author.pk}
    # Each voter is e-mailed in their own language.
    emailed = {address for message in mail.outbox for address in message.to}
    assert {voter.email for voter in voters} <= emailed
