"""Celery tasks about participants: notification delivery."""

from celery import shared_task

from participation import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def deliver_notification(notification_id: str) -> bool:
    """E-mail one notification (idempotent: a second run sends nothing)."""
    return services.notification_deliver(notification_id=notification_id)


@shared_task
def deliver_pending_notifications() -> int:
    """Periodic safety net: deliver what a broker or SMTP outage left undelivered."""
    pending = services.notifications_pending()
    for notification_id in pending:
        deliver_notification.delay(notification_id)
    return len(pending)
