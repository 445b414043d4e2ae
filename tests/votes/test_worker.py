"""The results task and the notifications it leads to, through Redis and a real Celery worker."""

from decimal import Decimal

import pytest
from django.db import transaction

from participation.models import Axis, Notification
from tests.votes.conftest import end_voting
from tests.worker import celery_worker, require_real_services, wait_for
from votes import services
from votes.models import Result
from votes.tasks import compute_results, update_voting_phases

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_results_are_computed_once_by_the_worker_then_voters_are_told(
    tmp_path, voting_axis, organiser
):
    require_real_services()
    from tests.factories import UserFactory

    axis = voting_axis(
        Axis.BallotType.BUDGET, costs=(30_000, 25_000, 15_000), budget=Decimal(50_000)
    )
    library, park, wifi = axis.test_proposals
    voters = [UserFactory(language="en") for _ in range(4)]
    for voter, choices in zip(
        voters, [[library.pk, wifi.pk], [library.pk], [park.pk, wifi.pk], [wifi.pk]], strict=True
    ):
        services.ballot_cast(voter=voter, axis=axis, choices=choices)
    end_voting(axis)
    update_voting_phases()  # the beat task, run here: it closes the vote

    with celery_worker(tmp_path):
        compute_results.delay(axis.pk)
        compute_results.delay(axis.pk)  # twice: the task is idempotent
        log = tmp_path / "worker.log"
        wait_for(
            lambda: log.read_text().count("compute_results") >= 4, log=log
        )  # 2 × received, succeeded
        assert Result.objects.filter(axis=axis).count() == 1
        result = Result.objects.get(axis=axis)
        assert result.voter_count == result.ballot_count == 4
        assert result.outcome["winners"] == [wifi.pk, library.pk]

        with transaction.atomic():
            services.result_publish(actor=organiser(axis.process), result=result)
        notified = Notification.objects.filter(kind=Notification.Kind.RESULTS_PUBLISHED)
        assert set(notified.values_list("recipient", flat=True)) == {v.pk for v in voters}
        wait_for(lambda: not notified.filter(emailed_at__isnull=True).exists(), log=log)
