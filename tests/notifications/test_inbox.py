"""The in-app notifications: a page and an API, each person seeing only their own."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from frontend.context_processors import notifications as unread_context
from participation.models import Notification
from tests.notifications.conftest import make_notification

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


@pytest.fixture
def client_of():
    def make(user):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        client.get(reverse("frontend:notifications"))  # sets the CSRF cookie
        return client

    return make


@pytest.fixture
def api_of():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def post(client, url, **data):
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def series(user, count, **fields):
    """`count` notifications, one minute apart, the last one the newest."""
    now = timezone.now()
    return [
        make_notification(
            user,
            payload={"title": f"Proposal {i}"},
            created_at=now - timedelta(minutes=count - i),
            **fields,
        )
        for i in range(count)
    ]


# --- Page -----------------------------------------------------------------------------------


def test_page_lists_own_notifications_newest_first_paginated(author, citizen, client_of):
    series(author, 25)
    make_notification(citizen, payload={"title": "Someone else's"})
    page = client_of(author).get(reverse("frontend:notifications")).content.decode()
    assert page.index("Proposal 24") < page.index("Proposal 23")
    assert "Proposal 5" in page and "Proposal 4" not in page
    assert "Someone else" not in page
    assert "Page 1 of 2" in page
    second = client_of(author).get(reverse("frontend:notifications") + "?page=2").content.decode()
    assert "Proposal 4" in second and "Proposal 0" in second


def test_header_shows_the_unread_count(author, client_of):
    series(author, 3)
    html = client_of(author).get(reverse("frontend:home")).content.decode()
    assert '<span class="badge">3<span class="visually-hidden"> unread</span></span>' in html


def test_unread_count_costs_one_query_and_only_when_shown(author, django_assert_num_queries):
    series(author, 3)
    request = RequestFactory().get("/")
    request.user = author
    with django_assert_num_queries(0):
        context = unread_context(request)
    with django_assert_num_queries(1):
        assert bool(context["unread_notifications"])
        assert str(context["unread_notifications"]) == "3"


def test_header_has_no_count_for_anonymous_visitors(django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert unread_context(request) == {"unread_notifications": 0}


def test_mark_one_read_with_a_post_form(author, client_of):
    first, second = series(author, 2)
    client = client_of(author)
    response = post(client, reverse("frontend:notification_read", kwargs={"pk": first.pk}))
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None


def test_mark_one_read_with_htmx_returns_the_item(author, client_of):
    [notification] = series(author, 1)
    client = client_of(author)
    response = client.post(
        reverse("frontend:notification_read", kwargs={"pk": notification.pk}),
        {"csrfmiddlewaretoken": client.cookies["csrftoken"].value},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith("<li")
    assert "notification-unread" not in html


def test_mark_one_read_with_htmx_updates_the_unread_count_of_the_header(author, client_of):
    first, _second = series(author, 2)
    client = client_of(author)
    response = client.post(
        reverse("frontend:notification_read", kwargs={"pk": first.pk}),
        {"csrfmiddlewaretoken": client.cookies["csrftoken"].value},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    # The header's link comes along, swapped out of band, with the count that is left.
    link = html[html.index('id="nav-notifications"') :]
    assert 'hx-swap-oob="true"' in link
    assert '<span class="badge">1<span class="visually-hidden"> unread' in link


def test_mark_all_read(author, citizen, client_of):
    series(author, 3)
    [others] = series(citizen, 1)
    response = post(client_of(author), reverse("frontend:notifications_read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=author, read_at__isnull=True).exists()
    others.refresh_from_db()
    assert others.read_at is None


def test_nobody_can_mark_another_person_notification(author, citizen, client_of):
    [others] = series(citizen, 1)
    response = post(
        client_of(author), reverse("frontend:notification_read", kwargs={"pk": others.pk})
    )
    assert response.status_code == 404
    others.refresh_from_db()
    assert others.read_at is None


def test_read_needs_post_and_csrf(author, client_of):
    [notification] = series(author, 1)
    client = client_of(author)
    url = reverse("frontend:notification_read", kwargs={"pk": notification.pk})
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403


def test_page_needs_login():
    response = Client().get(reverse("frontend:notifications"))
    assert response.status_code == 302


def test_page_is_accessible(author, client_of):
    series(author, 1, kind=Kind.PROPOSAL_REJECTED)
    html = client_of(author).get(reverse("frontend:notifications")).content.decode()
    assert html.count("<h1>") == 1
    assert "Your proposal “Proposal 0” was rejected." in html
    assert '<span class="visually-hidden">: Your proposal' in html  # a button named in full


def test_page_shows_a_rejection_reason_to_its_recipient(author, client_of):
    make_notification(author, Kind.PROPOSAL_REJECTED, payload={"title": "x", "reason": "Off topic"})
    html = client_of(author).get(reverse("frontend:notifications")).content.decode()
    assert "Reason: Off topic" in html


# --- API ------------------------------------------------------------------------------------


def test_api_lists_own_notifications_only_newest_first(author, citizen, api_of):
    series(author, 3)
    series(citizen, 2)
    body = api_of(author).get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["count"] == 3
    titles = [item["payload"]["title"] for item in body["results"]]
    assert titles == ["Proposal 2", "Proposal 1", "Proposal 0"]
    first = body["results"][0]
    assert first["text"] == "Your proposal “Proposal 2” was published."
    assert first["read"] is False


def test_api_unread_count_mark_read_and_mark_all(author, citizen, api_of):
    first, second, third = series(author, 3)
    [others] = series(citizen, 1)
    api = api_of(author)
    assert api.get("/api/v1/notifications/unread-count/").json() == {"count": 3}
    response = api.post(f"/api/v1/notifications/{first.pk}/read/")
    assert response.status_code == 200
    assert response.json()["read"] is True
    assert api.get("/api/v1/notifications/unread-count/").json() == {"count": 2}
    unread = api.get("/api/v1/notifications/?unread=true").json()
    assert unread["count"] == 2
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert api.get("/api/v1/notifications/unread-count/").json() == {"count": 0}
    others.refresh_from_db()
    assert others.read_at is None


def test_api_never_shows_nor_marks_another_person_notification(author, citizen, api_of):
    [others] = series(citizen, 1)
    api = api_of(author)
    assert api.get(f"/api/v1/notifications/{others.pk}/").status_code == 404
    assert api.post(f"/api/v1/notifications/{others.pk}/read/").status_code == 404
    assert api.post("/api/v1/notifications/not-a-uuid/read/").status_code == 404
    others.refresh_from_db()
    assert others.read_at is None


def test_api_needs_authentication():
    client = APIClient()
    assert client.get("/api/v1/notifications/").status_code == 403
    assert client.get("/api/v1/notifications/unread-count/").status_code == 403
    assert client.post("/api/v1/notifications/read-all/").status_code == 403


def test_api_schema_documents_the_notification_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/notifications/unread-count/",
        "/api/v1/notifications/read-all/",
        "/api/v1/notification-preferences/",
        "/api/v1/follows/",
    ):
        assert path in schema
