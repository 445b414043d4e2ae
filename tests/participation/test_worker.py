"""Tasks travel through Redis to a real Celery worker, which writes to PostgreSQL."""

import pytest

from participation.models import Notification
from participation.services import notification_create
from participation.tasks import deliver_pending_notifications
from tests.factories import UserFactory
from tests.worker import celery_worker, require_real_services, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_notification_is_emailed_by_a_real_worker(tmp_path):
    require_real_services()
    recipient = UserFactory(language="en")
    with celery_worker(tmp_path):
        from django.db import transaction

        with transaction.atomic():
            notification = notification_create(
                recipient=recipient,
                kind=Notification.Kind.PROPOSAL_PUBLISHED,
                payload={"title": "Wifi in the parks"},
                url="/processes/x/",
            )
        wait_for(
            lambda: Notification.objects.get(pk=notification.pk).emailed_at is not None,
            log=tmp_path / "worker.log",
        )
    mails = [p for p in tmp_path.iterdir() if p.suffix == ".log" and p.name != "worker.log"]
    assert len(mails) == 1
    text = mails[0].read_text()
    assert "Wifi in the parks" in text
    assert recipient.email in text


def test_undelivered_notifications_are_sent_by_the_periodic_task_exactly_once(tmp_path):
    """A notification whose task was lost (broker down) is delivered by the safety net, once."""
    require_real_services()
    recipient = UserFactory()
    lost = Notification.objects.create(
        recipient=recipient, kind=Notification.Kind.COMMENT_REPLIED, payload={"title": "Lost"}
    )
    Notification.objects.filter(pk=lost.pk).update(
        created_at=lost.created_at.replace(year=lost.created_at.year - 1)
    )
    with celery_worker(tmp_path):
        deliver_pending_notifications.delay()
        deliver_pending_notifications.delay()  # twice: delivery must stay idempotent
        wait_for(
            lambda: Notification.objects.get(pk=lost.pk).emailed_at is not None,
            log=tmp_path / "worker.log",
        )
        # Two sweeps and the two deliveries they queued: wait for all four to finish.
        wait_for(
            lambda: (tmp_path / "worker.log").read_text().count(" succeeded in ") >= 4,
            seconds=30,
            log=tmp_path / "worker.log",
        )
    mails = [p for p in tmp_path.iterdir() if p.name != "worker.log"]
    assert len(mails) == 1
    assert Notification.objects.get(pk=lost.pk).email_attempts == 1
