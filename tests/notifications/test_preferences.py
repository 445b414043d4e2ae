"""E-mail preferences per kind, and the signed one-click unsubscribe links (RFC 8058)."""

import pytest
from django.core import signing
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from participation import notifications
from participation.errors import DomainError
from participation.models import Notification, NotificationPreference
from tests import factories
from tests.notifications.conftest import make_notification

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


def delivery(user, kind):
    return {row.kind: row.delivery for row in notifications.preference_list(user=user)}[kind]


def unsubscribe_url(user, kind):
    token = notifications.unsubscribe_token(user, kind)
    return reverse("frontend:notifications_unsubscribe", kwargs={"token": token})


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_every_kind_is_emailed_immediately_by_default(author):
    rows = notifications.preference_list(user=author)
    assert {row.kind for row in rows} == set(Kind.values)
    assert {row.delivery for row in rows} == {"immediate"}


def test_preference_is_unique_per_person_and_kind(author):
    NotificationPreference.objects.create(user=author, kind=Kind.COMMENT_REPLIED)
    with pytest.raises(IntegrityError):
        NotificationPreference.objects.create(user=author, kind=Kind.COMMENT_REPLIED)


def test_account_messages_cannot_be_turned_off(author):
    with pytest.raises(DomainError):
        notifications.preferences_update(user=author, changes={Kind.ACCOUNT_BLOCKED: "off"})
    with pytest.raises(IntegrityError):  # and the database refuses it too
        NotificationPreference.objects.create(
            user=author, kind=Kind.ACCOUNT_BLOCKED, delivery="off"
        )


def test_unsubscribe_link_asks_for_confirmation_on_get_and_stops_on_post(author, csrf_client):
    url = unsubscribe_url(author, Kind.PROPOSAL_COMMENTED)
    page = csrf_client.get(url)
    assert page.status_code == 200
    assert "New comment on your proposal" in page.content.decode()
    assert delivery(author, Kind.PROPOSAL_COMMENTED) == "immediate"  # a GET changes nothing
    # One-click (RFC 8058): the mail client POSTs without session nor CSRF token.
    response = csrf_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert delivery(author, Kind.PROPOSAL_COMMENTED) == "off"
    assert delivery(author, Kind.COMMENT_REPLIED) == "immediate"


def test_unsubscribed_kind_is_no_longer_emailed(author, csrf_client, mailoutbox):
    csrf_client.post(unsubscribe_url(author, Kind.PROPOSAL_COMMENTED))
    notification = make_notification(author, Kind.PROPOSAL_COMMENTED)
    notifications.notification_deliver(notification_id=notification.pk)
    assert mailoutbox == []


def test_the_link_of_an_email_unsubscribes_its_recipient(author, csrf_client, mailoutbox):
    notifications.notification_deliver(notification_id=make_notification(author).pk)
    link = mailoutbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    csrf_client.post(link.replace("http://127.0.0.1:8000", ""))
    assert delivery(author, Kind.PROPOSAL_PUBLISHED) == "off"


def test_forged_or_damaged_links_are_refused(author, citizen, csrf_client):
    url = unsubscribe_url(author, Kind.PROPOSAL_COMMENTED)
    damaged = url.replace("/unsubscribe/", "/unsubscribe/x")
    assert csrf_client.post(damaged).status_code == 404
    # The same signature on a payload naming someone else.
    _payload, signature = notifications.unsubscribe_token(author, Kind.PROPOSAL_COMMENTED).split(
        ":"
    )
    other = signing.b64_encode(f'{{"u":{citizen.pk},"k":"proposal_commented"}}'.encode()).decode()
    forged = f"{other}:{signature}"
    assert csrf_client.post(f"/notifications/unsubscribe/{forged}/").status_code == 404
    account = unsubscribe_url(author, Kind.ACCOUNT_BLOCKED)
    response = csrf_client.post(account)
    assert response.status_code == 404
    assert 'role="alert"' in response.content.decode()
    assert delivery(citizen, Kind.PROPOSAL_COMMENTED) == "immediate"


def test_digest_link_stops_every_kind_sent_in_the_digest(author, csrf_client):
    notifications.preferences_update(
        user=author, changes={Kind.PROPOSAL_COMMENTED: "digest", Kind.COMMENT_REPLIED: "digest"}
    )
    csrf_client.post(unsubscribe_url(author, "digest"))
    assert delivery(author, Kind.PROPOSAL_COMMENTED) == "off"
    assert delivery(author, Kind.COMMENT_REPLIED) == "off"
    assert delivery(author, Kind.PROPOSAL_PUBLISHED) == "immediate"


def test_preferences_page_saves_the_choices(author, csrf_client):
    csrf_client.force_login(author)
    url = reverse("frontend:notification_preferences")
    page = csrf_client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<legend>New comment on your proposal" in html
    assert 'name="account_blocked"' not in html  # not a choice
    token = csrf_client.cookies["csrftoken"].value
    data = {row.kind: row.delivery for row in notifications.preference_list(user=author)}
    data.pop(Kind.ACCOUNT_BLOCKED)
    data[Kind.PROPOSAL_COMMENTED] = "digest"
    data[Kind.PHASE_OPENED] = "off"
    response = csrf_client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert delivery(author, Kind.PROPOSAL_COMMENTED) == "digest"
    assert delivery(author, Kind.PHASE_OPENED) == "off"


def test_preferences_page_shows_errors_accessibly(author):
    client = Client()
    client.force_login(author)
    response = client.post(
        reverse("frontend:notification_preferences"), {Kind.PROPOSAL_COMMENTED: "weekly"}
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert delivery(author, Kind.PROPOSAL_COMMENTED) == "immediate"


def test_preferences_page_needs_login():
    response = Client().get(reverse("frontend:notification_preferences"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_preferences_api_lists_and_changes_one_kind(author):
    api = APIClient()
    api.force_authenticate(author)
    rows = api.get("/api/v1/notification-preferences/").json()
    assert {row["kind"] for row in rows} == set(Kind.values)
    response = api.patch(
        "/api/v1/notification-preferences/comment_replied/", {"delivery": "digest"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["delivery"] == "digest"
    assert delivery(author, Kind.COMMENT_REPLIED) == "digest"
    refused = api.put(
        "/api/v1/notification-preferences/account_blocked/", {"delivery": "off"}, format="json"
    )
    assert refused.status_code == 400
    assert api.get("/api/v1/notification-preferences/nothing/").status_code == 404
    assert APIClient().get("/api/v1/notification-preferences/").status_code == 403


def test_preferences_of_one_person_do_not_touch_another(author):
    other = factories.UserFactory()
    notifications.preferences_update(user=author, changes={Kind.COMMENT_REPLIED: "off"})
    assert delivery(other, Kind.COMMENT_REPLIED) == "immediate"
