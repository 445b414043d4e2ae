"""The outbox: notifications are rows written with their event, then e-mailed by Celery.

A notification is never lost: its row commits with the event; its delivery task is queued on
commit, and if the broker is down then, the periodic sweep (``notifications_pending``) queues it
later. Delivery locks the row, so a task run twice sends one e-mail. A failed send is counted
and tried again later with a growing delay; after MAX_EMAIL_ATTEMPTS it is recorded as failed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from participation.models import (
    MANDATORY_NOTIFICATION_KINDS,
    Notification,
    NotificationPreference,
    Process,
    User,
)
from participation.notifications import emails

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 10
FIRST_RETRY_DELAY = timedelta(minutes=1)
LONGEST_RETRY_DELAY = timedelta(hours=6)
# Ids per delivery message: one message for a fan-out instead of one per follower.
DELIVERY_BATCH = 100
SWEEP_LIMIT = 1000

Delivery = NotificationPreference.Delivery
EmailStatus = Notification.EmailStatus


def notification_create(
    *, recipient: User, kind: str, payload: dict, url: str = "", process: Process | None = None
) -> Notification:
    """Write a notification in the caller's transaction and queue its delivery on commit."""
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, payload=payload, url=url, process=process
    )
    _queue_on_commit([notification.pk])
    return notification


def notifications_create_many(
    *,
    recipients: Iterable[User],
    kind: str,
    payload: dict,
    url: str = "",
    process: Process | None = None,
) -> int:
    """Write one notification per recipient (same content) and queue their delivery on commit.

    The payload must hold only what every recipient may read.
    """
    rows = [
        Notification(
            recipient=recipient, kind=kind, payload=dict(payload), url=url, process=process
        )
        for recipient in recipients
    ]
    Notification.objects.bulk_create(rows, batch_size=500)
    _queue_on_commit([row.pk for row in rows])
    return len(rows)


def _queue_on_commit(notification_ids: list) -> None:
    if notification_ids:
        transaction.on_commit(partial(queue_delivery, [str(pk) for pk in notification_ids]))


def queue_delivery(notification_ids: list[str]) -> bool:
    """Send the delivery tasks; on a broker failure log it and leave the rest to the sweep.

    Runs after the event's transaction has committed: raising here would only hide the event's
    success from its author, and the rows are safe in the database.
    """
    from participation.tasks import deliver_notifications

    for start in range(0, len(notification_ids), DELIVERY_BATCH):
        batch = notification_ids[start : start + DELIVERY_BATCH]
        try:
            deliver_notifications.delay(batch)
        except Exception:
            logger.warning(
                "Could not queue the delivery of %d notification(s); the periodic sweep will "
                "deliver them.",
                len(notification_ids) - start,
                exc_info=True,
            )
            return False
    return True


def _delivery_of(notification: Notification) -> str:
    """Immediately, digest or off: the recipient's choice for this kind (at once by default)."""
    recipient = notification.recipient
    if not recipient.is_active:
        return Delivery.OFF
    if notification.kind in MANDATORY_NOTIFICATION_KINDS:
        return Delivery.IMMEDIATE
    choice = (
        NotificationPreference.objects.filter(user=recipient, kind=notification.kind)
        .values_list("delivery", flat=True)
        .first()
    )
    return choice or Delivery.IMMEDIATE


def retry_delay(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failures: 1, 2, 4... minutes, at most 6 hours."""
    return min(FIRST_RETRY_DELAY * 2 ** max(attempts - 1, 0), LONGEST_RETRY_DELAY)


def record_failure(notification: Notification, error: Exception, now: datetime) -> None:
    """Count a failed send; schedule the next try, or give up after MAX_EMAIL_ATTEMPTS."""
    notification.email_attempts += 1
    notification.email_error = f"{type(error).__name__}: {error}"[:300]
    if notification.email_attempts >= MAX_EMAIL_ATTEMPTS:
        notification.email_status = EmailStatus.FAILED
        notification.email_next_attempt_at = None
        logger.error(
            "Gave up e-mailing notification %s after %d attempts: %s",
            notification.pk,
            notification.email_attempts,
            notification.email_error,
        )
    else:
        notification.email_next_attempt_at = now + retry_delay(notification.email_attempts)
        logger.warning(
            "E-mailing notification %s failed (attempt %d), next try at %s: %s",
            notification.pk,
            notification.email_attempts,
            notification.email_next_attempt_at,
            notification.email_error,
        )


def notification_deliver(*, notification_id: str, now: datetime | None = None) -> bool:
    """E-mail one notification unless done already or not yet due; True when this call sent it.

    Holds the notification's row lock while sending, so that two workers running the same task
    (a redelivered message, the sweep and the on-commit task) send one e-mail between them.
    """
    now = now or timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, email_status=EmailStatus.PENDING)
            .first()
        )
        if notification is None:
            return False
        if notification.email_next_attempt_at and notification.email_next_attempt_at > now:
            return False  # a retry that is not due yet
        fields = ["email_status", "email_attempts", "email_next_attempt_at", "email_error"]
        delivery = _delivery_of(notification)
        if delivery == Delivery.OFF:
            notification.email_status = EmailStatus.SKIPPED
        elif delivery == Delivery.DIGEST:
            notification.email_status = EmailStatus.DIGEST
            notification.email_next_attempt_at = emails.next_digest_time(now)
        else:
            try:
                emails.notification_message(notification).send()
            except Exception as error:  # SMTP down, refused, timed out...: try again later
                record_failure(notification, error, now)
            else:
                notification.email_attempts += 1
                notification.email_status = EmailStatus.SENT
                notification.emailed_at = timezone.now()
                notification.email_next_attempt_at = None
                notification.email_error = ""
                fields.append("emailed_at")
        notification.save(update_fields=fields)
        return notification.email_status == EmailStatus.SENT


def notifications_pending(*, older_than_seconds: int = 60, now: datetime | None = None) -> list:
    """Ids of notifications still to e-mail now: their task was lost or their last try failed.

    The newest are left a minute to their own on-commit task.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=older_than_seconds)
    due = Notification.objects.filter(
        email_status=EmailStatus.PENDING, created_at__lte=cutoff
    ).exclude(email_next_attempt_at__gt=now)
    return [str(pk) for pk in due.order_by("created_at").values_list("pk", flat=True)[:SWEEP_LIMIT]]
