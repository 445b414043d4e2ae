"""The daily digest: one e-mail per person gathering the notifications they chose to batch.

A notification whose kind the person gets "in a daily digest" waits with status DIGEST and the
time of the next digest (``email_next_attempt_at``). The periodic task sends each person whose
digest is due one e-mail with everything waiting, and marks it all e-mailed.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from participation.models import Notification, NotificationPreference, User
from participation.notifications import emails
from participation.notifications.outbox import record_failure

logger = logging.getLogger(__name__)

EmailStatus = Notification.EmailStatus


def digests_due(*, now: datetime | None = None) -> list[int]:
    """Ids of the people with a digest to send now."""
    now = now or timezone.now()
    return list(
        Notification.objects.filter(email_status=EmailStatus.DIGEST, email_next_attempt_at__lte=now)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def _turned_off(user: User) -> set[str]:
    return set(
        NotificationPreference.objects.filter(
            user=user, delivery=NotificationPreference.Delivery.OFF
        ).values_list("kind", flat=True)
    )


def digest_send(*, user_id: int, now: datetime | None = None) -> int:
    """E-mail a person their digest if due; the number of notifications it told (0 if none).

    Locks the waiting notifications, so that two runs at once send one e-mail; a failed send
    leaves them waiting for a later try (with the outbox's backoff and limit).
    """
    now = now or timezone.now()
    with transaction.atomic():
        waiting = list(
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(recipient_id=user_id, email_status=EmailStatus.DIGEST)
            .order_by("created_at")
        )
        if not any(n.email_next_attempt_at and n.email_next_attempt_at <= now for n in waiting):
            return 0
        user = waiting[0].recipient
        off = _turned_off(user) if user.is_active else set(Notification.Kind.values)
        told = [n for n in waiting if n.kind not in off]
        Notification.objects.filter(pk__in=[n.pk for n in waiting if n.kind in off]).update(
            email_status=EmailStatus.SKIPPED, email_next_attempt_at=None
        )
        if not told:
            return 0
        try:
            emails.digest_message(user, told).send()
        except Exception as error:  # the mail server is down: keep them for a later try
            for notification in told:
                record_failure(notification, error, now)
            fields = ["email_status", "email_attempts", "email_next_attempt_at", "email_error"]
            Notification.objects.bulk_update(told, fields)
            return 0
        Notification.objects.filter(pk__in=[n.pk for n in told]).update(
            email_status=EmailStatus.SENT,
            emailed_at=timezone.now(),
            email_attempts=F("email_attempts") + 1,
            email_next_attempt_at=None,
            email_error="",
        )
    return len(told)
