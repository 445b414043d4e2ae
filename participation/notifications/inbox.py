"""The in-app notifications of one person: the list, the unread count, read marks.

Every read and write here is filtered on the recipient: nobody ever sees another's.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from participation.errors import NotFound
from participation.models import Notification, User


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The person's notifications, newest first."""
    notifications = Notification.objects.filter(recipient=user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-pk")


def notification_unread_count(*, user: User) -> int:
    """How many of the person's notifications are unread (one query)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_mark_read(*, user: User, notification_id: object) -> Notification:
    """Mark one of the person's notifications read (NotFound for anyone else's)."""
    try:
        notification = Notification.objects.get(pk=notification_id, recipient=user)
    except (Notification.DoesNotExist, ValidationError, ValueError, TypeError) as error:
        raise NotFound(_("No such notification.")) from error
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark all the person's notifications read; how many were unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
