"""Following processes and proposals: buttons on their pages, and the API."""

import pytest
from django.db import IntegrityError
from django.test import Client
from rest_framework.test import APIClient

from participation import notifications
from participation.errors import NotFound
from participation.models import Follow
from proposals.models import Proposal
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(citizen):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    client.get("/notifications/")  # sets the CSRF cookie
    return client


def page(client, url):
    return client.get(url).content.decode()


def post(client, url, **data):
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_follow_and_unfollow_a_process_with_the_button_of_its_page(browser, citizen, process):
    html = page(browser, process.get_absolute_url())
    assert "Follow this process" in html
    response = post(browser, f"/follow/processes/{process.slug}/", action="follow")
    assert response.status_code == 302
    assert response["Location"] == process.get_absolute_url()
    assert notifications.is_following(user=citizen, process=process)
    html = page(browser, process.get_absolute_url())
    assert "Stop following this process" in html
    post(browser, f"/follow/processes/{process.slug}/", action="unfollow")
    assert not notifications.is_following(user=citizen, process=process)


def test_follow_a_proposal_with_the_button_of_its_page(browser, citizen, proposal):
    url = proposal.get_absolute_url()
    assert "Follow this proposal" in page(browser, url)
    response = post(browser, url + "follow/", action="follow", next=url)
    assert response.status_code == 302
    assert notifications.is_following(user=citizen, proposal=proposal)
    assert "Stop following this proposal" in page(browser, url)
    post(browser, url + "follow/", action="follow")  # twice: still one follow
    assert Follow.objects.filter(user=citizen).count() == 1


def test_anonymous_visitors_are_invited_to_log_in(client, process):
    html = client.get(process.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log in to follow" in html
    assert client.post(f"/follow/processes/{process.slug}/").status_code == 302
    assert not Follow.objects.exists()


def test_unsafe_next_is_ignored(browser, process):
    response = post(
        browser, f"/follow/processes/{process.slug}/", action="follow", next="https://evil.example/"
    )
    assert response["Location"] == process.get_absolute_url()


def test_nobody_follows_what_they_cannot_see(browser, citizen, axis):
    hidden_process = factories.ProcessFactory(is_published=False)
    assert post(browser, f"/follow/processes/{hidden_process.slug}/").status_code == 404
    draft = factories.ProposalFactory(axis=axis, status=Proposal.Status.DRAFT, published_at=None)
    assert post(browser, draft.get_absolute_url() + "follow/").status_code == 404
    with pytest.raises(NotFound):
        notifications.follow_create(actor=citizen, proposal=draft)
    assert not Follow.objects.exists()


def test_database_refuses_a_duplicate_or_an_empty_follow(citizen, process, proposal):
    Follow.objects.create(user=citizen, process=process)
    with pytest.raises(IntegrityError):
        Follow.objects.create(user=citizen, process=process)


def test_database_refuses_a_follow_of_nothing(citizen):
    with pytest.raises(IntegrityError):
        Follow.objects.create(user=citizen)


def test_api_follow_list_and_unfollow(citizen, process, proposal):
    api = APIClient()
    api.force_authenticate(citizen)
    created = api.post("/api/v1/follows/", {"process": process.slug}, format="json")
    assert created.status_code == 201
    assert created.json()["process"] == process.slug
    api.post("/api/v1/follows/", {"proposal": proposal.pk}, format="json")
    listed = api.get("/api/v1/follows/").json()
    assert listed["count"] == 2
    follow_id = created.json()["id"]
    assert api.delete(f"/api/v1/follows/{follow_id}/").status_code == 204
    assert not notifications.is_following(user=citizen, process=process)
    assert notifications.is_following(user=citizen, proposal=proposal)


def test_api_refuses_unclear_or_invisible_targets(citizen, process, proposal):
    api = APIClient()
    api.force_authenticate(citizen)
    both = {"process": process.slug, "proposal": proposal.pk}
    assert api.post("/api/v1/follows/", both, format="json").status_code == 400
    assert api.post("/api/v1/follows/", {}, format="json").status_code == 400
    hidden = factories.ProcessFactory(is_published=False)
    assert api.post("/api/v1/follows/", {"process": hidden.slug}, format="json").status_code == 404
    assert api.post("/api/v1/follows/", {"proposal": 999999}, format="json").status_code == 404


def test_api_shows_and_deletes_only_own_follows(citizen, author, process):
    theirs = notifications.follow(user=author, process=process)
    api = APIClient()
    api.force_authenticate(citizen)
    assert api.get("/api/v1/follows/").json()["count"] == 0
    assert api.delete(f"/api/v1/follows/{theirs.pk}/").status_code == 404
    assert Follow.objects.filter(pk=theirs.pk).exists()
    assert APIClient().get("/api/v1/follows/").status_code == 403
