"""Notifications: written with the event (an outbox), e-mailed by Celery, never lost.

- ``outbox``: create notifications in the caller's transaction, deliver one by e-mail
  (idempotent, with retries and backoff), list what a broker outage left undelivered;
- ``digest``: the daily e-mail gathering a person's "digest" notifications;
- ``emails``: the messages (text and HTML, in the recipient's language, one-click unsubscribe);
- ``texts``: what a notification says, in the reader's language;
- ``preferences``: immediately, daily digest or never, per kind; signed unsubscribe links;
- ``follows``: following processes and proposals;
- ``fanout``: events told to many (phase opened, results published, proposal followers,
  moderation queue);
- ``inbox``: the in-app list, unread count and read marks.
"""

from participation.notifications.digest import digest_send, digests_due
from participation.notifications.fanout import (
    announce_opened_phases,
    notify_followers_phase_opened,
    notify_moderators_of_queue,
    notify_proposal_followers,
    notify_results_published,
)
from participation.notifications.follows import (
    follow,
    follow_create,
    follow_delete,
    is_following,
    unfollow,
)
from participation.notifications.inbox import (
    notification_list,
    notification_mark_read,
    notification_unread_count,
    notifications_mark_all_read,
)
from participation.notifications.outbox import (
    MAX_EMAIL_ATTEMPTS,
    notification_create,
    notification_deliver,
    notifications_create_many,
    notifications_pending,
)
from participation.notifications.preferences import (
    preference_list,
    preferences_update,
    unsubscribe,
    unsubscribe_read,
    unsubscribe_token,
)
from participation.notifications.texts import notification_text

__all__ = [
    "MAX_EMAIL_ATTEMPTS",
    "announce_opened_phases",
    "digest_send",
    "digests_due",
    "follow",
    "follow_create",
    "follow_delete",
    "is_following",
    "notification_create",
    "notification_deliver",
    "notification_list",
    "notification_mark_read",
    "notification_text",
    "notification_unread_count",
    "notifications_create_many",
    "notifications_mark_all_read",
    "notifications_pending",
    "notify_followers_phase_opened",
    "notify_moderators_of_queue",
    "notify_proposal_followers",
    "notify_results_published",
    "preference_list",
    "preferences_update",
    "unfollow",
    "unsubscribe",
    "unsubscribe_read",
    "unsubscribe_token",
]
