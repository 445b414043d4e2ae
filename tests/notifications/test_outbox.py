"""The outbox: a notification is written with its event and e-mailed once, whatever fails."""

import logging
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from participation import notifications, tasks
from participation.models import Notification, NotificationPreference
from participation.notifications import outbox
from participation.services import notification_create
from tests import factories
from tests.notifications.conftest import make_notification

pytestmark = pytest.mark.django_db

DOWN = "tests.notifications.mailers.DownBackend"
Status = Notification.EmailStatus


def test_notification_is_written_in_the_event_transaction_and_delivered_on_commit(
    author, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        notification = notification_create(
            recipient=author,
            kind=Notification.Kind.PROPOSAL_PUBLISHED,
            payload={"title": "Bike lanes"},
            url="/processes/x/",
        )
        assert mailoutbox == []  # nothing leaves before the event commits
    assert len(callbacks) == 1
    notification.refresh_from_db()
    assert notification.email_status == Status.SENT
    assert notification.emailed_at is not None
    assert notification.email_attempts == 1
    assert len(mailoutbox) == 1


def test_rolled_back_event_leaves_no_notification(author, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        notification_create(
            recipient=author, kind=Notification.Kind.PROPOSAL_PUBLISHED, payload={"title": "x"}
        )
        raise RuntimeError("the event failed")
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_email_has_text_and_html_in_the_recipient_language_with_unsubscribe_headers(
    mailoutbox, settings
):
    settings.SITE_URL = "https://encommun.example"
    recipient = factories.UserFactory(language="fr", display_name="Dominique")
    notification = make_notification(recipient, payload={"title": "Pistes cyclables"})
    assert notifications.notification_deliver(notification_id=notification.pk)
    [mail] = mailoutbox
    assert mail.to == [recipient.email]
    assert "Pistes cyclables" in mail.body
    assert "Bonjour Dominique" in mail.body  # French, whatever the active language
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="fr">' in html
    assert "Pistes cyclables" in html
    unsubscribe = mail.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://encommun.example/notifications/unsubscribe/")
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.strip("<>") in mail.body
    assert "https://encommun.example/processes/x/" in mail.body


def test_account_email_has_no_unsubscribe_link(author, mailoutbox):
    notification = make_notification(
        author, Notification.Kind.ACCOUNT_BLOCKED, payload={"title": "Budget", "reason": "Spam"}
    )
    notifications.notification_deliver(notification_id=notification.pk)
    [mail] = mailoutbox
    assert "List-Unsubscribe" not in mail.extra_headers
    assert "Reason: Spam" in mail.body


def test_delivering_twice_sends_one_email(author, mailoutbox):
    notification = make_notification(author)
    assert notifications.notification_deliver(notification_id=notification.pk) is True
    assert notifications.notification_deliver(notification_id=notification.pk) is False
    tasks.deliver_notification.delay(str(notification.pk))  # a redelivered message
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.email_attempts == 1


def test_unreachable_broker_on_commit_loses_nothing_and_the_sweep_delivers(
    author, mailoutbox, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(tasks.deliver_notifications, "delay", broker_down)
    with (
        caplog.at_level(logging.WARNING),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        notification = notification_create(
            recipient=author, kind=Notification.Kind.COMMENT_REPLIED, payload={"title": "x"}
        )
    # The event committed, its author saw no error; the notification waits.
    assert "periodic sweep will deliver" in caplog.text
    notification.refresh_from_db()
    assert notification.email_status == Status.PENDING
    assert mailoutbox == []
    # Not swept during its first minute (its own task may still be coming)...
    assert notifications.notifications_pending() == []
    monkeypatch.undo()
    # ...then the sweep delivers it, once, however often it runs.
    later = timezone.now() + timedelta(minutes=2)
    assert notifications.notifications_pending(now=later) == [str(notification.pk)]
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - timedelta(minutes=2)
    )
    assert tasks.deliver_pending_notifications.delay().get() == 1
    assert tasks.deliver_pending_notifications.delay().get() == 0
    assert len(mailoutbox) == 1


def test_smtp_failure_is_counted_and_retried_later_with_a_growing_delay(
    author, mailoutbox, settings
):
    notification = make_notification(author)
    settings.EMAIL_BACKEND = DOWN
    now = timezone.now()
    assert notifications.notification_deliver(notification_id=notification.pk, now=now) is False
    notification.refresh_from_db()
    assert notification.email_status == Status.PENDING
    assert notification.email_attempts == 1
    assert "SMTPServerDisconnected" in notification.email_error
    assert notification.email_next_attempt_at == now + timedelta(minutes=1)
    # Not due yet: neither swept nor sent by a stray task.
    assert notifications.notifications_pending(now=now + timedelta(seconds=30)) == []
    assert not notifications.notification_deliver(
        notification_id=notification.pk, now=now + timedelta(seconds=30)
    )
    notification.refresh_from_db()
    assert notification.email_attempts == 1
    # Second failure: two minutes; then the server is back and it is sent once.
    later = now + timedelta(minutes=2)
    notifications.notification_deliver(notification_id=notification.pk, now=later)
    notification.refresh_from_db()
    assert notification.email_next_attempt_at == later + timedelta(minutes=2)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    much_later = later + timedelta(minutes=5)
    assert notifications.notifications_pending(now=much_later) == [str(notification.pk)]
    assert notifications.notification_deliver(notification_id=notification.pk, now=much_later)
    notification.refresh_from_db()
    assert notification.email_status == Status.SENT
    assert notification.email_attempts == 3
    assert notification.email_error == ""
    assert len(mailoutbox) == 1


def test_delivery_gives_up_after_the_last_attempt_and_records_it(author, settings, caplog):
    notification = make_notification(author)
    settings.EMAIL_BACKEND = DOWN
    when = timezone.now()
    for _attempt in range(outbox.MAX_EMAIL_ATTEMPTS):
        notifications.notification_deliver(notification_id=notification.pk, now=when)
        when += outbox.LONGEST_RETRY_DELAY
    notification.refresh_from_db()
    assert notification.email_status == Status.FAILED
    assert notification.email_attempts == outbox.MAX_EMAIL_ATTEMPTS
    assert notification.emailed_at is None
    assert "Gave up e-mailing notification" in caplog.text
    assert notifications.notifications_pending(now=when + timedelta(days=1)) == []
    # Still in the person's inbox.
    assert list(notifications.notification_list(user=author)) == [notification]


def test_retry_delays_double_up_to_six_hours():
    delays = [outbox.retry_delay(attempts) for attempts in range(1, 12)]
    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert delays[-1] == timedelta(hours=6)
    assert delays == sorted(delays)


def test_kind_turned_off_is_kept_in_app_but_not_emailed(author, mailoutbox):
    NotificationPreference.objects.create(
        user=author, kind=Notification.Kind.PROPOSAL_PUBLISHED, delivery="off"
    )
    notification = make_notification(author)
    assert not notifications.notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.email_status == Status.SKIPPED
    assert mailoutbox == []
    assert notifications.notification_unread_count(user=author) == 1


def test_inactive_recipient_is_not_emailed(author, mailoutbox):
    author.is_active = False
    author.save()
    notification = make_notification(author)
    notifications.notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.email_status == Status.SKIPPED
    assert mailoutbox == []


def test_fan_out_is_queued_in_batches_not_one_message_per_recipient(
    author, citizen, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks.deliver_notifications, "delay", queued.append)
    monkeypatch.setattr(outbox, "DELIVERY_BATCH", 2)
    third = factories.UserFactory()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        count = notifications.notifications_create_many(
            recipients=[author, citizen, third],
            kind=Notification.Kind.PHASE_OPENED,
            payload={"title": "Budget"},
        )
    assert count == 3
    assert [len(batch) for batch in queued] == [2, 1]
    assert {pk for batch in queued for pk in batch} == {
        str(pk) for pk in Notification.objects.values_list("pk", flat=True)
    }
