"""The read API: processes, axes, proposals, comments, and its OpenAPI documentation."""

import pytest
from rest_framework.test import APIClient

from participation.demo import load_demo
from proposals.models import Comment, Proposal
from tests.factories import AxisFactory, CommentFactory, ProcessFactory, ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def demo():
    return load_demo()[0]


def test_processes_list_shows_published_processes_with_axes_and_phases(api, demo):
    ProcessFactory(slug="secret-draft", is_published=False)
    body = api.get("/api/v1/processes/").json()
    slugs = [p["slug"] for p in body["results"]]
    # The demo also holds the vote's demo processes (older, so listed after the main one).
    assert slugs[0] == demo.slug and "secret-draft" not in slugs
    process = body["results"][0]
    assert process["axes"] == ["lieux", "donnees", "communs"]
    assert process["current_phase"] == "proposals"
    assert [p["kind"] for p in process["phases"]][:2] == ["information", "proposals"]


def test_unpublished_process_is_not_found(api):
    ProcessFactory(slug="secret-draft", is_published=False)
    assert api.get("/api/v1/processes/secret-draft/").status_code == 404


def test_axes_list_has_budgets_and_rules(api, demo):
    body = api.get("/api/v1/axes/", {"process__slug": demo.slug}).json()
    axes = {a["slug"]: a for a in body["results"]}
    assert set(axes) == {"lieux", "donnees", "communs"}
    assert axes["lieux"]["budget"] == "150000.00"
    assert axes["donnees"]["result_rule"] == "equal_shares"
    assert axes["communs"]["ballot_type"] == "points"
    assert sum(a["proposal_count"] for a in axes.values()) == 30


def test_proposals_list_filters_by_axis_and_searches(api, demo):
    lieux = demo.axes.get(slug="lieux")
    body = api.get("/api/v1/proposals/", {"axis": lieux.pk, "page_size": 100}).json()
    assert body["count"] == 10
    assert {p["axis"] for p in body["results"]} == {"lieux"}
    found = api.get("/api/v1/proposals/", {"q": "arbres"}).json()
    assert [p["title"] for p in found["results"]] == ["Cartographier les arbres de la ville"]


def test_proposals_hide_drafts_and_rejected_ones(api):
    axis = AxisFactory()
    ProposalFactory(axis=axis, title="Visible")
    ProposalFactory(axis=axis, title="Draft", status=Proposal.Status.DRAFT)
    ProposalFactory(axis=axis, title="Rejected", status=Proposal.Status.REJECTED)
    titles = [p["title"] for p in api.get("/api/v1/proposals/").json()["results"]]
    assert titles == ["Visible"]


def test_proposal_detail_gives_sanitised_html(api):
    proposal = ProposalFactory(body="Hello <script>alert(1)</script> **world**")
    from proposals.markup import render_markdown

    proposal.body_html = render_markdown(proposal.body)
    proposal.save()
    body = api.get(f"/api/v1/proposals/{proposal.pk}/").json()
    assert "<script>" not in body["body_html"]
    assert "<strong>world</strong>" in body["body_html"]


def test_comments_of_deleted_authors_keep_their_place_without_their_words(api):
    proposal = ProposalFactory()
    CommentFactory(proposal=proposal, body="kept")
    CommentFactory(proposal=proposal, body="gone", status=Comment.Status.DELETED)
    body = api.get("/api/v1/comments/", {"proposal": proposal.pk}).json()
    assert [(c["body"], c["status"]) for c in body["results"]] == [
        ("kept", "published"),
        ("", "deleted"),
    ]


def test_read_api_refuses_writes(api, demo):
    response = api.post("/api/v1/processes/", {"slug": "x", "title": "x"}, format="json")
    assert response.status_code in (401, 403, 405)


def test_openapi_schema_and_swagger_ui(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/v1/processes/", "/api/v1/axes/", "/api/v1/proposals/", "/api/v1/comments/"):
        assert path in paths
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
