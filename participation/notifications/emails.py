"""The e-mails: plain text and HTML, in the recipient's language, with one-click unsubscribe."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from participation.models import MANDATORY_NOTIFICATION_KINDS, Notification, User
from participation.notifications.preferences import DIGEST, unsubscribe_token
from participation.notifications.texts import notification_text

# Local time (settings.TIME_ZONE) at which the daily digests go out.
DIGEST_HOUR = 7
# Never hold a notification's row lock for long on a mail server that does not answer.
SEND_TIMEOUT_SECONDS = 30


def next_digest_time(now: datetime) -> datetime:
    """The next DIGEST_HOUR o'clock, local time, after `now`."""
    local = timezone.localtime(now)
    today = timezone.make_aware(datetime.combine(local.date(), time(DIGEST_HOUR)))
    return today if today > local else today + timedelta(days=1)


def absolute(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_url(user: User, kind: str) -> str:
    return absolute(
        reverse(
            "frontend:notifications_unsubscribe", kwargs={"token": unsubscribe_token(user, kind)}
        )
    )


def _item(notification: Notification) -> dict:
    return {
        "text": notification_text(notification),
        "reason": notification.payload.get("reason", ""),
        "url": absolute(notification.url),
        "created_at": notification.created_at,
    }


def _message(
    *, user: User, template: str, context: dict, unsubscribe: str | None
) -> EmailMultiAlternatives:
    context = {
        **context,
        "recipient": user,
        "site_url": settings.SITE_URL,
        "preferences_url": absolute(reverse("frontend:notification_preferences")),
        "unsubscribe_url": unsubscribe,
    }
    with translation.override(user.language):
        subject = render_to_string(f"participation/email/{template}_subject.txt", context)
        text = render_to_string(f"participation/email/{template}_body.txt", context)
        html = render_to_string(f"participation/email/{template}_body.html", context)
    headers = {"Auto-Submitted": "auto-generated"}
    if unsubscribe:
        # RFC 8058: mail clients offer a one-click "unsubscribe" that POSTs to this address.
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or SEND_TIMEOUT_SECONDS
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers=headers,
        connection=get_connection(timeout=timeout),
    )
    message.attach_alternative(html, "text/html")
    return message


def notification_message(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail telling one notification to its recipient."""
    user = notification.recipient
    mandatory = notification.kind in MANDATORY_NOTIFICATION_KINDS
    with translation.override(user.language):
        context = {"notification": notification, "item": _item(notification)}
        unsubscribe = None if mandatory else unsubscribe_url(user, notification.kind)
    return _message(user=user, template="notification", context=context, unsubscribe=unsubscribe)


def digest_message(user: User, notifications: list[Notification]) -> EmailMultiAlternatives:
    """The daily e-mail gathering a person's digest notifications, oldest first."""
    with translation.override(user.language):
        items = [_item(notification) for notification in notifications]
        unsubscribe = unsubscribe_url(user, DIGEST)
    return _message(user=user, template="digest", context={"items": items}, unsubscribe=unsubscribe)
