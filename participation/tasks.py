"""Celery tasks about participants: delivering notifications, digests and announcements.

All are idempotent (the services lock the rows they change), so a message delivered twice or a
task re-run after a lost worker does no harm.
"""

from celery import shared_task

from participation import notifications

SAFE = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(**SAFE)
def deliver_notification(notification_id: str) -> bool:
    """E-mail one notification (a second run sends nothing)."""
    return notifications.notification_deliver(notification_id=notification_id)


@shared_task(**SAFE)
def deliver_notifications(notification_ids: list[str]) -> int:
    """E-mail a batch of notifications (one message for a whole fan-out)."""
    return sum(
        notifications.notification_deliver(notification_id=notification_id)
        for notification_id in notification_ids
    )


@shared_task(**SAFE)
def deliver_pending_notifications() -> int:
    """Periodic safety net: deliver what a broker or SMTP outage left undelivered."""
    pending = notifications.notifications_pending()
    batch = notifications.outbox.DELIVERY_BATCH
    for start in range(0, len(pending), batch):
        deliver_notifications.delay(pending[start : start + batch])
    return len(pending)


@shared_task(**SAFE)
def send_digest(user_id: int) -> int:
    """E-mail one person's daily digest if it is due."""
    return notifications.digest_send(user_id=user_id)


@shared_task(**SAFE)
def send_daily_digests() -> int:
    """Periodic: queue the digest of everyone whose digest is due."""
    user_ids = notifications.digests_due()
    for user_id in user_ids:
        send_digest.delay(user_id)
    return len(user_ids)


@shared_task(**SAFE)
def announce_opened_phases() -> int:
    """Periodic: tell followers of the proposal and voting phases that opened since last time."""
    return notifications.announce_opened_phases()


@shared_task(**SAFE)
def notify_moderation_queues() -> int:
    """Periodic: tell moderators of new items in their queue (at most hourly)."""
    return notifications.notify_moderators_of_queue()
