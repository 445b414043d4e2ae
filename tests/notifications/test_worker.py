"""With a real Redis and a real Celery worker on PostgreSQL: every notification is e-mailed
exactly once, even when the broker was unreachable at the time of the event.

Locally these tests skip without PostgreSQL and Redis; under CI=true they must run.
"""

import re
import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from config.celery import app
from participation import notifications, tasks
from participation.models import Notification, NotificationPreference, Phase
from proposals import services as proposal_services
from proposals.models import Proposal
from tests import factories
from tests.notifications.conftest import member
from tests.worker import celery_worker, require_real_services, wait_for
from votes.models import VoterRecord

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

Kind = Notification.Kind
Status = Notification.EmailStatus
CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"
SENTINEL = "sentinel@example.org"


def mails(directory):
    """The e-mails the worker wrote. The file backend may append several to one file (named
    by the second and the backend's id), each followed by a line of dashes."""
    written = []
    for path in sorted(directory.iterdir()):
        if path.name != "worker.log":
            written += [m for m in path.read_text().split("-" * 79 + "\n") if m.strip()]
    return written


def all_sent(expected):
    return lambda: Notification.objects.filter(email_status=Status.SENT).count() >= expected


def drain(directory):
    """Wait until every task queued so far has run: the worker takes one message at a time
    from one FIFO queue, so when a last notification is e-mailed, all before it are done."""
    sentinel = factories.UserFactory(email=SENTINEL)
    last = Notification.objects.create(recipient=sentinel, kind=Kind.PROPOSAL_PUBLISHED)
    tasks.deliver_notification.delay(str(last.pk))
    wait_for(
        lambda: Notification.objects.get(pk=last.pk).email_status == Status.SENT,
        log=directory / "worker.log",
    )
    return [mail for mail in mails(directory) if SENTINEL not in mail]


def reset_producers():
    # Forget the cached pools, so the next task is published to the broker URL of now. (Not
    # closed: kombu's registry would hand the closed pool out again for the same URL.)
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_unreachable():
    """Point this process' Celery producer at a closed port (Redis down), then back."""
    reachable = app.conf.broker_url
    app.conf.broker_url = CLOSED_PORT_BROKER
    reset_producers()
    try:
        yield
    finally:
        app.conf.broker_url = reachable
        reset_producers()


@pytest.fixture
def cast(process_in_phase):
    """A process in its proposal phase with an author, a commenter, a follower, a moderator."""
    process = process_in_phase(Phase.Kind.PROPOSALS, title="Budget 2027")
    axis = factories.AxisFactory(process=process, slug="mobility", title="Mobility")
    people = {
        name: factories.UserFactory(display_name=name, language="en")
        for name in ("author", "commenter", "replier", "follower")
    }
    proposal = factories.ProposalFactory(axis=axis, author=people["author"], title="Bike lanes")
    pending = factories.ProposalFactory(
        axis=axis,
        author=people["author"],
        title="Skate park",
        status=Proposal.Status.PENDING,
        published_at=None,
        submitted_at=timezone.now(),
    )
    notifications.follow(user=people["follower"], process=process)
    return {
        **people,
        "process": process,
        "axis": axis,
        "proposal": proposal,
        "pending": pending,
        "moderator": member(process, "moderator"),
    }


def events(cast):
    """A publication, a rejection with its reason, a comment, a reply, results for voters."""
    proposal_services.proposal_publish(moderator=cast["moderator"], proposal=cast["pending"])
    proposal_services.proposal_reject(
        moderator=cast["moderator"], proposal=cast["proposal"], reason="Secret reason 42"
    )
    other = factories.ProposalFactory(axis=cast["axis"], author=cast["author"], title="Trees")
    comment = proposal_services.comment_create(
        author=cast["commenter"], proposal=other, body="Good idea"
    )
    proposal_services.comment_create(
        author=cast["replier"], proposal=other, body="Agreed", parent=comment
    )
    for voter in factories.UserFactory.create_batch(3, language="en"):
        VoterRecord.objects.create(axis=cast["axis"], voter=voter)
    with transaction.atomic():
        notifications.notify_results_published(axis=cast["axis"])


def recipient_of(mail):
    return re.search(r"^To: (.+)$", mail, re.MULTILINE).group(1)


def check_delivered_once(cast, written):
    """One e-mail per notification, to its recipient; the rejection reason to its author only."""
    rows = Notification.objects.exclude(recipient__email=SENTINEL).select_related("recipient")
    assert all(n.email_status == Status.SENT and n.email_attempts == 1 for n in rows)
    assert Counter(recipient_of(mail) for mail in written) == Counter(
        n.recipient.email for n in rows
    )
    secret = [mail for mail in written if "Secret reason 42" in mail]
    assert [recipient_of(mail) for mail in secret] == [cast["author"].email]


def expected_kinds(cast):
    kinds = {}
    for n in Notification.objects.select_related("recipient"):
        kinds.setdefault(n.recipient.display_name, set()).add(n.kind)
    assert {Kind.PROPOSAL_PUBLISHED, Kind.PROPOSAL_REJECTED, Kind.PROPOSAL_COMMENTED} <= kinds[
        "author"
    ]
    assert kinds["commenter"] == {Kind.COMMENT_REPLIED}
    assert kinds["follower"] == {Kind.RESULTS_PUBLISHED}
    assert "replier" not in kinds
    assert "moderator" not in kinds or kinds["moderator"] <= {Kind.MODERATION_QUEUE}


def test_events_are_emailed_exactly_once_by_a_real_worker(tmp_path, cast):
    require_real_services()
    with celery_worker(tmp_path):
        events(cast)
        expected_kinds(cast)
        total = Notification.objects.count()
        wait_for(all_sent(total), log=tmp_path / "worker.log")
        written = drain(tmp_path)
    check_delivered_once(cast, written)


def test_broker_outage_at_the_event_loses_nothing_and_the_sweep_delivers_each_once(tmp_path, cast):
    require_real_services()
    with celery_worker(tmp_path):
        with broker_unreachable():
            events(cast)  # every service returns normally: its transaction has committed
        total = Notification.objects.count()
        assert total >= 8
        time.sleep(2)
        assert Notification.objects.filter(email_status=Status.PENDING).count() == total
        assert mails(tmp_path) == []
        # Some minutes later the broker is back and beat runs the sweep (twice, say).
        Notification.objects.update(created_at=timezone.now() - timedelta(minutes=3))
        tasks.deliver_pending_notifications.delay()
        tasks.deliver_pending_notifications.delay()
        wait_for(all_sent(total), log=tmp_path / "worker.log")
        written = drain(tmp_path)
    expected_kinds(cast)
    check_delivered_once(cast, written)


def test_daily_digest_is_sent_once_by_a_real_worker(tmp_path, cast):
    require_real_services()
    author = cast["author"]
    for kind in (Kind.PROPOSAL_PUBLISHED, Kind.PROPOSAL_REJECTED):
        NotificationPreference.objects.create(user=author, kind=kind, delivery="digest")
    with celery_worker(tmp_path):
        proposal_services.proposal_publish(moderator=cast["moderator"], proposal=cast["pending"])
        proposal_services.proposal_reject(
            moderator=cast["moderator"], proposal=cast["proposal"], reason="Too expensive"
        )
        wait_for(
            lambda: Notification.objects.filter(email_status=Status.DIGEST).count() == 2,
            log=tmp_path / "worker.log",
        )
        Notification.objects.update(email_next_attempt_at=timezone.now())
        tasks.send_daily_digests.delay()
        tasks.send_daily_digests.delay()
        wait_for(all_sent(2), log=tmp_path / "worker.log")
        written = drain(tmp_path)
    [digest] = written
    assert "Skate park" in digest and "Too expensive" in digest
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in digest


def test_two_deliveries_at_once_send_one_email(settings, author):
    """The row lock: two workers running the same delivery task send one e-mail."""
    require_real_services()
    from tests.notifications.mailers import SlowBackend

    settings.EMAIL_BACKEND = "tests.notifications.mailers.SlowBackend"
    SlowBackend.sent.clear()
    notification = Notification.objects.create(
        recipient=author, kind=Kind.PROPOSAL_PUBLISHED, payload={"title": "Bike lanes"}
    )
    results = []

    def deliver():
        try:
            results.append(notifications.notification_deliver(notification_id=notification.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert len(SlowBackend.sent) == 1
    notification.refresh_from_db()
    assert notification.email_attempts == 1
