"""Writes about participants and their notifications."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from participation.models import Notification, User

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 10


def user_update_profile(*, user: User, display_name: str, language: str) -> User:
    """Change a participant's public display name and preferred language."""
    display_name = display_name.strip()
    if not display_name:
        raise ValueError("display_name must not be empty")
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    user.display_name = display_name
    user.language = language
    user.save(update_fields=["display_name", "language"])
    return user


def notification_create(
    *, recipient: User, kind: str, payload: dict, url: str = "", process=None
) -> Notification:
    """Write a notification in the caller's transaction and queue its delivery on commit."""
    from participation.tasks import deliver_notification

    notification = Notification.objects.create(
        recipient=recipient, kind=kind, payload=payload, url=url, process=process
    )
    transaction.on_commit(lambda: deliver_notification.delay(str(notification.pk)))
    return notification


def notification_deliver(*, notification_id: str) -> bool:
    """E-mail one notification unless already done; True when it was sent by this call.

    The row is locked while sending so that two workers running the same task send one e-mail.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        recipient = notification.recipient
        if not recipient.is_active:
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
            return False
        notification.email_attempts += 1
        with translation.override(recipient.language):
            context = {"notification": notification, "site_url": settings.SITE_URL}
            subject = render_to_string("participation/email/notification_subject.txt", context)
            body = render_to_string("participation/email/notification_body.txt", context)
        send_mail(
            subject=" ".join(subject.split()),
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[recipient.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at", "email_attempts"])
        return True


def notifications_pending(*, older_than_seconds: int = 60) -> list[str]:
    """Ids of notifications not yet e-mailed (a broker outage may have dropped their task)."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return [
        str(pk)
        for pk in Notification.objects.filter(
            emailed_at__isnull=True,
            created_at__lte=cutoff,
            email_attempts__lt=MAX_EMAIL_ATTEMPTS,
        ).values_list("pk", flat=True)[:1000]
    ]
