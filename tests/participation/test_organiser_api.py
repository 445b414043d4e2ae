"""Organisers set up their process through /api/v1/manage/."""

import pytest
from rest_framework.test import APIClient

from participation.models import Axis, Phase, Process, Role
from tests.proposals import organiser_fixtures

# The shared fixtures of the organiser tests, registered in this module.
_fresh_rate_limits_and_english = organiser_fixtures._fresh_rate_limits_and_english
process = organiser_fixtures.process
organiser = organiser_fixtures.organiser
other_organiser = organiser_fixtures.other_organiser
staff = organiser_fixtures.staff
citizen = organiser_fixtures.citizen

pytestmark = pytest.mark.django_db


def as_user(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_staff_create_a_process(staff):
    response = as_user(staff).post(
        "/api/v1/manage/processes/", {"slug": "river", "title": "River"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert Role.objects.filter(process__slug="river", user=staff, kind="organiser").exists()


def test_citizens_cannot_create_a_process(citizen):
    response = as_user(citizen).post(
        "/api/v1/manage/processes/", {"slug": "river", "title": "River"}, format="json"
    )
    assert response.status_code == 403
    assert not Process.objects.filter(slug="river").exists()


def test_organiser_edits_their_process_only(organiser, other_organiser, process):
    response = as_user(organiser).patch(
        f"/api/v1/manage/processes/{process.slug}/", {"pre_moderation": True}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["pre_moderation"] is True
    other = as_user(other_organiser).patch(
        f"/api/v1/manage/processes/{process.slug}/", {"title": "Stolen"}, format="json"
    )
    assert other.status_code in (403, 404)
    process.refresh_from_db()
    assert process.title != "Stolen"


def test_phases_through_the_api(organiser, process):
    client = as_user(organiser)
    created = client.post(
        "/api/v1/manage/phases/",
        {
            "process": process.slug,
            "kind": "proposals",
            "starts_at": "2027-01-01T00:00:00Z",
            "ends_at": "2027-02-01T00:00:00Z",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    overlapping = client.post(
        "/api/v1/manage/phases/",
        {
            "process": process.slug,
            "kind": "voting",
            "starts_at": "2027-01-15T00:00:00Z",
            "ends_at": "2027-03-01T00:00:00Z",
        },
        format="json",
    )
    assert overlapping.status_code == 409
    phase_id = created.json()["id"]
    assert (
        client.patch(
            f"/api/v1/manage/phases/{phase_id}/", {"title": "Ideas"}, format="json"
        ).json()["title"]
        == "Ideas"
    )
    assert client.delete(f"/api/v1/manage/phases/{phase_id}/").status_code == 204
    assert not Phase.objects.exists()


def test_axes_through_the_api(organiser, process):
    client = as_user(organiser)
    created = client.post(
        "/api/v1/manage/axes/",
        {
            "process": process.slug,
            "slug": "trees",
            "title": "Trees",
            "budget": "30000",
            "ballot_type": "points",
            "points_total": 10,
            "points_max_per_proposal": 3,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    bad = client.patch(
        f"/api/v1/manage/axes/{created.json()['id']}/", {"points_max_per_proposal": 11}
    )
    assert bad.status_code == 400
    assert bad.json()["field"] == "points_max_per_proposal"
    assert Axis.objects.get().points_max_per_proposal == 3


def test_axes_of_another_process_are_out_of_reach(other_organiser, process):
    response = as_user(other_organiser).post(
        "/api/v1/manage/axes/",
        {"process": process.slug, "slug": "x", "title": "X", "budget": "1"},
        format="json",
    )
    assert response.status_code == 403
    assert not Axis.objects.exists()


def test_roles_through_the_api(organiser, process, citizen):
    client = as_user(organiser)
    granted = client.post(
        "/api/v1/manage/roles/",
        {"process": process.slug, "email": citizen.email, "role": "evaluator"},
        format="json",
    )
    assert granted.status_code == 201, granted.content
    assert granted.json()["role"] == "evaluator"
    listing = client.get("/api/v1/manage/roles/", {"process": process.slug}).json()
    assert {r["role"] for r in listing["results"]} == {"organiser", "evaluator"}
    unknown = client.post(
        "/api/v1/manage/roles/",
        {"process": process.slug, "email": "nobody@example.org", "role": "evaluator"},
        format="json",
    )
    assert unknown.status_code == 404
    assert unknown.json()["field"] == "email"
    assert client.delete(f"/api/v1/manage/roles/{granted.json()['id']}/").status_code == 204
