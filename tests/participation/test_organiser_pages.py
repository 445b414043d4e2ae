"""Organisers set up their process in the pages of the site (no JavaScript needed)."""

import pytest
from django.test import Client
from django.urls import reverse

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


def browser(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def post_form(client, url, data):
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    token = client.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def manage_url(process, name="manage_process", **kwargs):
    return reverse(f"frontend:{name}", kwargs={"slug": process.slug, **kwargs})


def test_staff_create_a_process_in_the_site(staff):
    response = post_form(
        browser(staff),
        reverse("frontend:manage_process_create"),
        {"slug": "river", "title": "River", "report_threshold": 3, "eligibility": "verified_email",
         "licence": "Licence Ouverte 2.0"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    process = Process.objects.get(slug="river")
    assert response["Location"] == manage_url(process)


def test_citizens_are_refused_the_create_page(citizen):
    assert browser(citizen).get(reverse("frontend:manage_process_create")).status_code == 403


def test_organiser_edits_settings(organiser, process):
    client = browser(organiser)
    html = client.get(manage_url(process)).content.decode()
    assert '<label for="id_title">' in html
    response = post_form(
        client,
        manage_url(process),
        {"title": "Parks 2027", "report_threshold": 2, "eligibility": "verified_email",
         "licence": "Licence Ouverte 2.0", "pre_moderation": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    process.refresh_from_db()
    assert (process.title, process.pre_moderation, process.report_threshold) == (
        "Parks 2027",
        True,
        2,
    )


def test_other_organisers_and_citizens_are_refused(other_organiser, citizen, process):
    for user in (other_organiser, citizen):
        assert browser(user).get(manage_url(process)).status_code in (403, 404)


def test_phase_form_shows_errors_and_writes_nothing(organiser, process):
    response = post_form(
        browser(organiser),
        manage_url(process, "manage_phase_create"),
        {"kind": "proposals", "starts_at": "2027-02-01T10:00", "ends_at": "2027-01-01T10:00"},
    )
    assert response.status_code == 400
    assert 'id="id_ends_at-error" role="alert"' in response.content.decode()
    assert not Phase.objects.exists()


def test_phase_and_axis_created_in_the_site(organiser, process):
    client = browser(organiser)
    response = post_form(
        client,
        manage_url(process, "manage_phase_create"),
        {"kind": "proposals", "starts_at": "2027-01-01T10:00", "ends_at": "2027-02-01T10:00"},
    )
    assert response.status_code == 302
    response = post_form(
        client,
        manage_url(process, "manage_axis_create"),
        {"slug": "trees", "title": "Trees", "budget": "40000", "ballot_type": "approval",
         "min_choices": 1, "max_choices": 3, "min_budget_share": "0", "result_rule": "greedy",
         "completion": "add1", "min_score": 0, "position": 0},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    axis = Axis.objects.get()
    edit = manage_url(process, "manage_axis_edit", axis="trees")
    response = post_form(
        client,
        edit,
        {"slug": "trees", "title": "Trees and parks", "budget": "40000", "ballot_type": "approval",
         "min_choices": 2, "max_choices": 1, "min_budget_share": "0", "result_rule": "greedy",
         "completion": "add1", "min_score": 0, "position": 0},
    )  # fmt: skip
    assert response.status_code == 400
    assert "cannot be below the minimum" in response.content.decode()
    axis.refresh_from_db()
    assert axis.title == "Trees"


def test_roles_granted_and_revoked_in_the_site(organiser, process, citizen):
    client = browser(organiser)
    client.get(manage_url(process))
    token = client.cookies["csrftoken"].value
    response = client.post(
        manage_url(process, "manage_role_grant"),
        {"email": citizen.email, "kind": "moderator", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    role = Role.objects.get(user=citizen)
    response = client.post(
        manage_url(process, "manage_role_revoke", pk=role.pk), {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert not Role.objects.filter(user=citizen).exists()
    unknown = client.post(
        manage_url(process, "manage_role_grant"),
        {"email": "nobody@example.org", "kind": "moderator", "csrfmiddlewaretoken": token},
    )
    assert unknown.status_code == 404
    assert "No account uses this e-mail address." in unknown.content.decode()
