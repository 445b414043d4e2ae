"""The daily digest: one e-mail per person with the day's notifications, sent once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from participation import notifications, tasks
from participation.models import Notification, NotificationPreference
from participation.notifications import emails
from tests import factories
from tests.notifications.conftest import make_notification

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
Status = Notification.EmailStatus


def digest_of(user, *kinds):
    for kind in kinds:
        NotificationPreference.objects.create(user=user, kind=kind, delivery="digest")


def delivered(user, kind, title):
    notification = make_notification(user, kind, payload={"title": title})
    notifications.notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    return notification


def test_digest_kind_waits_for_the_next_digest_at_seven(author, mailoutbox):
    digest_of(author, Kind.PROPOSAL_COMMENTED)
    notification = delivered(author, Kind.PROPOSAL_COMMENTED, "Bike lanes")
    assert mailoutbox == []
    assert notification.email_status == Status.DIGEST
    due = timezone.localtime(notification.email_next_attempt_at)
    assert (due.hour, due.minute) == (emails.DIGEST_HOUR, 0)
    assert timezone.now() < due <= timezone.now() + timedelta(days=1)


def test_next_digest_time_is_today_or_tomorrow_at_seven():
    tz = timezone.get_current_timezone()
    morning = timezone.make_aware(timezone.datetime(2027, 3, 10, 6, 30), tz)
    evening = timezone.make_aware(timezone.datetime(2027, 3, 10, 19, 0), tz)
    assert timezone.localtime(emails.next_digest_time(morning)).day == 10
    assert timezone.localtime(emails.next_digest_time(evening)).day == 11


def test_one_digest_email_per_person_gathers_their_items_and_is_sent_once(
    author, citizen, mailoutbox
):
    digest_of(author, Kind.PROPOSAL_COMMENTED, Kind.COMMENT_REPLIED)
    digest_of(citizen, Kind.PROPOSAL_COMMENTED)
    first = delivered(author, Kind.PROPOSAL_COMMENTED, "Bike lanes")
    delivered(author, Kind.COMMENT_REPLIED, "Trees on the square")
    delivered(citizen, Kind.PROPOSAL_COMMENTED, "Library hours")
    immediate = delivered(author, Kind.PROPOSAL_PUBLISHED, "Bike lanes")  # not in digest
    assert len(mailoutbox) == 1
    mailoutbox.clear()

    assert notifications.digests_due() == []  # not before seven o'clock
    tomorrow = first.email_next_attempt_at + timedelta(minutes=1)
    assert sorted(notifications.digests_due(now=tomorrow)) == sorted([author.pk, citizen.pk])
    assert notifications.digest_send(user_id=author.pk, now=tomorrow) == 2
    assert notifications.digest_send(user_id=citizen.pk, now=tomorrow) == 1
    # Run again (a second beat, a redelivered task): nothing more is sent.
    assert notifications.digest_send(user_id=author.pk, now=tomorrow) == 0
    assert notifications.digests_due(now=tomorrow) == []

    assert len(mailoutbox) == 2
    to_author = next(mail for mail in mailoutbox if mail.to == [author.email])
    assert "Your daily digest: 2 notifications" in to_author.subject
    assert "Bike lanes" in to_author.body and "Trees on the square" in to_author.body
    assert "Library hours" not in to_author.body
    assert "Trees on the square" in to_author.alternatives[0][0]
    assert to_author.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    waiting = Notification.objects.filter(recipient=author).exclude(pk=immediate.pk)
    assert set(waiting.values_list("email_status", flat=True)) == {Status.SENT}
    assert all(n.emailed_at for n in waiting)


def test_daily_digest_task_queues_each_due_person(author, mailoutbox):
    digest_of(author, Kind.PROPOSAL_COMMENTED)
    notification = delivered(author, Kind.PROPOSAL_COMMENTED, "Bike lanes")
    Notification.objects.filter(pk=notification.pk).update(
        email_next_attempt_at=timezone.now() - timedelta(minutes=1)
    )
    assert tasks.send_daily_digests.delay().get() == 1
    assert tasks.send_daily_digests.delay().get() == 0
    assert len(mailoutbox) == 1


def test_failed_digest_keeps_its_items_for_a_later_try(author, mailoutbox, settings):
    digest_of(author, Kind.PROPOSAL_COMMENTED)
    notification = delivered(author, Kind.PROPOSAL_COMMENTED, "Bike lanes")
    due = notification.email_next_attempt_at
    settings.EMAIL_BACKEND = "tests.notifications.mailers.DownBackend"
    assert notifications.digest_send(user_id=author.pk, now=due) == 0
    notification.refresh_from_db()
    assert notification.email_status == Status.DIGEST
    assert notification.email_attempts == 1
    assert notification.email_next_attempt_at == due + timedelta(minutes=1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications.digest_send(user_id=author.pk, now=due + timedelta(minutes=1)) == 1
    assert len(mailoutbox) == 1


def test_kind_turned_off_before_the_digest_leaves_it(author, mailoutbox):
    digest_of(author, Kind.PROPOSAL_COMMENTED, Kind.COMMENT_REPLIED)
    kept = delivered(author, Kind.PROPOSAL_COMMENTED, "Bike lanes")
    dropped = delivered(author, Kind.COMMENT_REPLIED, "Trees")
    notifications.preferences_update(user=author, changes={Kind.COMMENT_REPLIED: "off"})
    sent = notifications.digest_send(user_id=author.pk, now=kept.email_next_attempt_at)
    assert sent == 1
    dropped.refresh_from_db()
    assert dropped.email_status == Status.SKIPPED
    [mail] = mailoutbox
    assert "Trees" not in mail.body


def test_digest_is_written_in_the_recipient_language(mailoutbox):
    person = factories.UserFactory(language="fr")
    digest_of(person, Kind.PROPOSAL_COMMENTED)
    notification = delivered(person, Kind.PROPOSAL_COMMENTED, "Pistes")
    notifications.digest_send(user_id=person.pk, now=notification.email_next_attempt_at)
    [mail] = mailoutbox
    assert "Bonjour" in mail.body
