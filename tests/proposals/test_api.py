"""Every proposal, comment and moderation action through /api/v1/ (DRF's client)."""

import pytest
from rest_framework.test import APIClient

from participation.models import Notification, Phase
from proposals.models import Comment, ModerationDecision, Proposal, Report, Support
from tests import factories
from tests.proposals.conftest import proposal_fields
from tests.proposals.images import image_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def as_user(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_citizen_submits_a_proposal(citizen, axis):
    response = as_user(citizen).post(
        "/api/v1/proposals/", {"axis": axis.pk, "submit": True, **proposal_fields()}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "published"
    assert "<script" not in body["body_html"]
    assert body["url"].endswith(f"/proposals/{body['id']}/")


def test_draft_then_edit_then_submit(citizen, axis):
    client = as_user(citizen)
    draft = client.post(
        "/api/v1/proposals/", {"axis": axis.pk, **proposal_fields()}, format="json"
    ).json()
    assert draft["status"] == "draft"
    url = f"/api/v1/proposals/{draft['id']}/"
    patched = client.patch(url, {"title": "Lanes, safer"}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["title"] == "Lanes, safer"
    assert patched.json()["summary"] == proposal_fields()["summary"]
    submitted = client.post(url + "submit/")
    assert submitted.json()["status"] == "published"
    assert client.patch(url, {"title": "Too late"}, format="json").status_code == 403


def test_drafts_are_seen_by_their_author_only(citizen, author, axis):
    draft = factories.ProposalFactory(axis=axis, author=author, status="draft")
    assert as_user(citizen).get(f"/api/v1/proposals/{draft.pk}/").status_code == 404
    assert APIClient().get(f"/api/v1/proposals/{draft.pk}/").status_code == 404
    mine = as_user(author).get("/api/v1/proposals/", {"mine": "true"}).json()
    assert [p["id"] for p in mine["results"]] == [draft.pk]


def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(citizen, axis):
    client = as_user(citizen)
    response = client.post(
        "/api/v1/proposals/",
        {"axis": axis.pk, **proposal_fields(estimated_cost="1000000")},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "estimated_cost"
    shape = client.post("/api/v1/proposals/", {"axis": axis.pk, "title": "x"}, format="json")
    assert shape.status_code == 400
    assert "summary" in shape.json()
    assert not Proposal.objects.exists()


def test_unknown_axis_is_a_400(citizen):
    response = as_user(citizen).post(
        "/api/v1/proposals/", {"axis": 999999, **proposal_fields()}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "axis"


def test_image_upload_through_multipart(citizen, axis):
    response = as_user(citizen).post(
        "/api/v1/proposals/",
        {"axis": axis.pk, "image": image_upload("PNG"), **proposal_fields()},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["image"].endswith(".png")


def test_fake_image_is_a_400(citizen, axis):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = as_user(citizen).post(
        "/api/v1/proposals/", {"axis": axis.pk, "image": fake, **proposal_fields()}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "image"


def test_submission_outside_the_phase_is_a_403_with_the_reason(citizen, axis, move_phase):
    move_phase(axis.process, Phase.Kind.VOTING)
    response = as_user(citizen).post(
        "/api/v1/proposals/", {"axis": axis.pk, **proposal_fields()}, format="json"
    )
    assert response.status_code == 403
    assert "proposal phase" in response.json()["detail"]
    assert response.json()["code"] == "not_allowed"


def test_anonymous_writes_are_refused(api, proposal):
    assert api.post(f"/api/v1/proposals/{proposal.pk}/support/").status_code == 403


def test_session_writes_need_the_csrf_token(citizen, proposal):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(citizen)
    assert client.post(f"/api/v1/proposals/{proposal.pk}/support/").status_code == 403
    assert not Support.objects.exists()


def test_support_and_withdraw(citizen, proposal):
    client = as_user(citizen)
    url = f"/api/v1/proposals/{proposal.pk}/support/"
    body = client.post(url).json()
    assert (body["support_count"], body["supported"]) == (1, True)
    again = client.post(url)
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    body = client.delete(url).json()
    assert (body["support_count"], body["supported"]) == (0, False)


def test_support_rate_limit_is_a_429_with_retry_after(citizen, axis):
    client = as_user(citizen)
    proposals = factories.ProposalFactory.create_batch(31, axis=axis)
    for proposal in proposals[:30]:
        url = f"/api/v1/proposals/{proposal.pk}/support/"
        assert client.post(url).status_code == 200
        assert client.delete(url).status_code == 200
    response = client.post(f"/api/v1/proposals/{proposals[30].pk}/support/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert not Support.objects.filter(proposal=proposals[30]).exists()


def test_withdraw(author, proposal):
    response = as_user(author).post(f"/api/v1/proposals/{proposal.pk}/withdraw/")
    assert response.json()["status"] == "withdrawn"


def test_report_then_moderate(citizen, moderator, proposal):
    response = as_user(citizen).post(
        f"/api/v1/proposals/{proposal.pk}/report/", {"reason": "Spam"}, format="json"
    )
    assert response.status_code == 204
    client = as_user(moderator)
    queue = client.get("/api/v1/moderation/queue/", {"process": proposal.axis.process.slug})
    assert queue.status_code == 200
    [item] = queue.json()["results"]
    assert (item["kind"], item["id"], item["open_reports"]) == ("proposal", proposal.pk, 1)
    assert item["reports"][0]["reason"] == "Spam"
    hidden = client.post(f"/api/v1/proposals/{proposal.pk}/hide/", {"reason": "Spam"})
    assert hidden.json()["status"] == "hidden"
    restored = client.post(f"/api/v1/proposals/{proposal.pk}/restore/")
    assert restored.json()["status"] == "published"
    log = client.get("/api/v1/moderation/decisions/", {"process": proposal.axis.process.slug})
    assert [d["action"] for d in log.json()["results"]] == ["restore", "hide"]


def test_moderation_queue_is_for_moderators_of_that_process(citizen, other_organiser, process):
    for user in (citizen, other_organiser):
        response = as_user(user).get("/api/v1/moderation/queue/", {"process": process.slug})
        assert response.status_code == 403


def test_publish_and_reject_pending_proposals(moderator, axis, author):
    first, second = factories.ProposalFactory.create_batch(2, axis=axis, status="pending")
    client = as_user(moderator)
    assert client.post(f"/api/v1/proposals/{first.pk}/publish/").json()["status"] == "published"
    no_reason = client.post(f"/api/v1/proposals/{second.pk}/reject/", {"reason": ""})
    assert no_reason.status_code == 400
    rejected = client.post(f"/api/v1/proposals/{second.pk}/reject/", {"reason": "Off topic"})
    assert rejected.json()["rejection_reason"] == "Off topic"


def test_block_through_the_api(moderator, proposal, author):
    client = as_user(moderator)
    payload = {"process": proposal.axis.process.slug, "user": author.pk, "reason": "Abuse"}
    assert client.post("/api/v1/moderation/block/", payload).status_code == 204
    author.refresh_from_db()
    assert author.is_blocked
    assert client.post("/api/v1/moderation/block/", payload).status_code == 409
    assert client.post("/api/v1/moderation/unblock/", payload).status_code == 204


def test_evaluate_select_and_merge(evaluator, organiser, axis, proposal):
    evaluated = as_user(evaluator).post(
        f"/api/v1/proposals/{proposal.pk}/evaluate/",
        {"feasible": True, "reason": "Fine", "validated_cost": "9000"},
        format="json",
    )
    assert evaluated.status_code == 200, evaluated.content
    assert (evaluated.json()["vote_cost"], evaluated.json()["feasible"]) == ("9000.00", True)
    client = as_user(organiser)
    selected = client.post(f"/api/v1/proposals/{proposal.pk}/select/", {"selected": True})
    assert selected.json()["selected_for_vote"] is True
    duplicate = factories.ProposalFactory(axis=axis)
    merged = client.post(f"/api/v1/proposals/{duplicate.pk}/merge/", {"into": proposal.pk})
    assert merged.json()["status"] == "merged"
    assert merged.json()["merged_into"] == proposal.pk


def test_evaluation_by_a_citizen_is_a_403(citizen, proposal):
    response = as_user(citizen).post(
        f"/api/v1/proposals/{proposal.pk}/evaluate/", {"feasible": True, "reason": "x"}
    )
    assert response.status_code == 403


def test_comment_reply_edit_support_delete(citizen, author, proposal):
    client = as_user(citizen)
    root = client.post(
        "/api/v1/comments/", {"proposal": proposal.pk, "body": "Nice"}, format="json"
    )
    assert root.status_code == 201, root.content
    root_id = root.json()["id"]
    reply = as_user(author).post(
        "/api/v1/comments/",
        {"proposal": proposal.pk, "parent": root_id, "body": "Thanks"},
        format="json",
    )
    assert reply.json()["depth"] == 1
    assert Notification.objects.filter(recipient=citizen, kind="comment_replied").exists()
    edited = client.patch(f"/api/v1/comments/{root_id}/", {"body": "Very nice"}, format="json")
    assert edited.json()["body"] == "Very nice"
    supported = as_user(author).post(f"/api/v1/comments/{root_id}/support/")
    assert supported.json()["support_count"] == 1
    assert client.delete(f"/api/v1/comments/{root_id}/").status_code == 204
    listing = APIClient().get("/api/v1/comments/", {"proposal": proposal.pk}).json()
    assert [(c["id"], c["body"], c["status"]) for c in listing["results"]][0] == (
        root_id,
        "",
        "deleted",
    )


def test_comment_on_someone_elses_comment_cannot_be_edited(citizen, author, proposal):
    comment = factories.CommentFactory(proposal=proposal, author=author)
    response = as_user(citizen).patch(
        f"/api/v1/comments/{comment.pk}/", {"body": "Hacked"}, format="json"
    )
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.body != "Hacked"


def test_comment_report_and_moderation(citizen, moderator, proposal):
    comment = factories.CommentFactory(proposal=proposal)
    response = as_user(citizen).post(f"/api/v1/comments/{comment.pk}/report/", {"reason": "Rude"})
    assert response.status_code == 204
    assert Report.objects.filter(comment=comment).exists()
    client = as_user(moderator)
    assert client.post(f"/api/v1/comments/{comment.pk}/hide/").json()["status"] == "hidden"
    assert client.post(f"/api/v1/comments/{comment.pk}/restore/").json()["status"] == "published"
    assert ModerationDecision.objects.filter(comment=comment).count() == 2


def test_pending_comment_is_published_by_a_moderator(citizen, moderator, proposal):
    proposal.axis.process.pre_moderation = True
    proposal.axis.process.save()
    created = (
        as_user(citizen)
        .post("/api/v1/comments/", {"proposal": proposal.pk, "body": "Hello"}, format="json")
        .json()
    )
    assert (created["status"], created["body"]) == ("pending", "Hello")
    assert APIClient().get(f"/api/v1/comments/{created['id']}/").status_code == 404
    published = as_user(moderator).post(f"/api/v1/comments/{created['id']}/publish/")
    assert published.json()["status"] == "published"
    assert Comment.objects.get().status == "published"


def test_random_order_is_stable_for_a_seed(api, axis):
    factories.ProposalFactory.create_batch(12, axis=axis)

    def ids(seed):
        params = {"sort": "random", "seed": seed, "page_size": 100}
        return [p["id"] for p in api.get("/api/v1/proposals/", params).json()["results"]]

    assert ids(42) == ids(42)
    assert sorted(ids(42)) == sorted(ids(7))
    assert ids(42) != ids(7) or ids(42) != ids(8)


def test_random_order_without_a_seed_keeps_the_visitors_session_order(api, axis):
    factories.ProposalFactory.create_batch(12, axis=axis)
    first = [p["id"] for p in api.get("/api/v1/proposals/", {"sort": "random"}).json()["results"]]
    again = [p["id"] for p in api.get("/api/v1/proposals/", {"sort": "random"}).json()["results"]]
    assert first == again


def test_schema_documents_the_write_endpoints(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    assert "post" in paths["/api/v1/proposals/"]
    for path in (
        "/api/v1/proposals/{id}/support/",
        "/api/v1/proposals/{id}/evaluate/",
        "/api/v1/proposals/{id}/merge/",
        "/api/v1/comments/{id}/report/",
        "/api/v1/moderation/queue/",
        "/api/v1/moderation/block/",
    ):
        assert path in paths, path
