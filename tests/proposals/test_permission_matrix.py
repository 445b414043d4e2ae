"""Who may do what: every write (page and API) against every kind of visitor.

Each case builds a fresh process in its proposal phase, tries one action as one actor, and
checks both the response and whether the database changed. Refusals are 302 to the log-in page
(anonymous visitors of pages), 403 or 404 (objects one may not even see), never a 500.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from participation.models import Phase, Role, User
from proposals.models import (
    Comment,
    Evaluation,
    ModerationDecision,
    Proposal,
    Report,
    Support,
)
from tests import factories

pytestmark = pytest.mark.django_db

ACTORS = [
    "anonymous",
    "unverified",
    "citizen",
    "author",
    "moderator",
    "evaluator",
    "organiser",
    "other_organiser",
    "blocked",
]
PARTICIPANTS = {"citizen", "author", "moderator", "evaluator", "organiser", "other_organiser"}
MODERATORS = {"moderator", "organiser"}
EVALUATORS = {"evaluator", "organiser"}


@dataclass
class World:
    process: object
    axis: object
    users: dict
    published: Proposal
    draft: Proposal
    pending: Proposal
    survivor: Proposal
    comment: Comment

    def proposal_url(self, name, proposal, **kwargs):
        return reverse(
            f"frontend:{name}",
            kwargs={"slug": self.process.slug, "axis": self.axis.slug, "pk": proposal.pk, **kwargs},
        )


@pytest.fixture
def world(db):
    process = factories.ProcessFactory()
    now = timezone.now()
    factories.PhaseFactory(
        process=process,
        kind=Phase.Kind.PROPOSALS,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=9),
    )
    axis = factories.AxisFactory(process=process)
    users = {
        "citizen": factories.UserFactory(language="en"),
        "author": factories.UserFactory(language="en"),
        "unverified": factories.UserFactory(verified=False, language="en"),
        "blocked": factories.UserFactory(blocked_at=now, language="en"),
    }
    for kind in ("moderator", "evaluator", "organiser"):
        users[kind] = factories.RoleFactory(process=process, kind=kind, user__language="en").user
    users["other_organiser"] = factories.RoleFactory(kind=Role.Kind.ORGANISER).user
    author = users["author"]
    return World(
        process=process,
        axis=axis,
        users=users,
        published=factories.ProposalFactory(axis=axis, author=author),
        draft=factories.ProposalFactory(axis=axis, author=author, status="draft"),
        pending=factories.ProposalFactory(axis=axis, author=author, status="pending"),
        survivor=factories.ProposalFactory(axis=axis),
        comment=None,
    )


@pytest.fixture
def world_with_comment(world):
    world.comment = factories.CommentFactory(proposal=world.published, author=world.users["author"])
    return world


def _status(w: World, proposal: Proposal) -> str:
    return Proposal.objects.get(pk=proposal.pk).status


# name: (who may, page call, api call, did it happen?)
def _fields(**overrides):
    return {
        "title": "New",
        "summary": "S",
        "body": "B",
        "estimated_cost": "100",
        "place": "",
        **overrides,
    }


ACTIONS = {
    "submit_proposal": (
        PARTICIPANTS,
        lambda c, w: c.post(
            reverse(
                "frontend:proposal_create", kwargs={"slug": w.process.slug, "axis": w.axis.slug}
            ),
            {**_fields(), "intent": "submit"},
        ),
        lambda c, w: c.post("/api/v1/proposals/", {"axis": w.axis.pk, **_fields()}, format="json"),
        lambda w: Proposal.objects.filter(title="New").exists(),
    ),
    "edit_draft": (
        {"author"},
        lambda c, w: c.post(w.proposal_url("proposal_edit", w.draft), _fields(title="Edited")),
        lambda c, w: c.patch(
            f"/api/v1/proposals/{w.draft.pk}/", {"title": "Edited"}, format="json"
        ),
        lambda w: Proposal.objects.get(pk=w.draft.pk).title == "Edited",
    ),
    "submit_draft": (
        {"author"},
        lambda c, w: c.post(w.proposal_url("proposal_submit", w.draft)),
        lambda c, w: c.post(f"/api/v1/proposals/{w.draft.pk}/submit/"),
        lambda w: _status(w, w.draft) == "published",
    ),
    "withdraw": (
        {"author"},
        lambda c, w: c.post(w.proposal_url("proposal_withdraw", w.published)),
        lambda c, w: c.post(f"/api/v1/proposals/{w.published.pk}/withdraw/"),
        lambda w: _status(w, w.published) == "withdrawn",
    ),
    "support": (
        PARTICIPANTS,
        lambda c, w: c.post(w.proposal_url("proposal_support", w.published)),
        lambda c, w: c.post(f"/api/v1/proposals/{w.published.pk}/support/"),
        lambda w: Support.objects.filter(proposal=w.published).exists(),
    ),
    "comment": (
        PARTICIPANTS,
        lambda c, w: c.post(w.proposal_url("comment_create", w.published), {"body": "Hi"}),
        lambda c, w: c.post(
            "/api/v1/comments/", {"proposal": w.published.pk, "body": "Hi"}, format="json"
        ),
        lambda w: Comment.objects.filter(body="Hi").exists(),
    ),
    "report": (
        PARTICIPANTS - {"author"},
        lambda c, w: c.post(w.proposal_url("proposal_report", w.published), {"reason": "Spam"}),
        lambda c, w: c.post(f"/api/v1/proposals/{w.published.pk}/report/", {"reason": "Spam"}),
        lambda w: Report.objects.exists(),
    ),
    "publish": (
        MODERATORS,
        lambda c, w: c.post(
            reverse(
                "frontend:moderate_proposal",
                kwargs={"slug": w.process.slug, "pk": w.pending.pk, "action": "publish"},
            )
        ),
        lambda c, w: c.post(f"/api/v1/proposals/{w.pending.pk}/publish/"),
        lambda w: _status(w, w.pending) == "published",
    ),
    "reject": (
        MODERATORS,
        lambda c, w: c.post(
            reverse(
                "frontend:moderate_proposal",
                kwargs={"slug": w.process.slug, "pk": w.pending.pk, "action": "reject"},
            ),
            {"reason": "No"},
        ),
        lambda c, w: c.post(f"/api/v1/proposals/{w.pending.pk}/reject/", {"reason": "No"}),
        lambda w: _status(w, w.pending) == "rejected",
    ),
    "hide": (
        MODERATORS,
        lambda c, w: c.post(
            reverse(
                "frontend:moderate_proposal",
                kwargs={"slug": w.process.slug, "pk": w.published.pk, "action": "hide"},
            )
        ),
        lambda c, w: c.post(f"/api/v1/proposals/{w.published.pk}/hide/"),
        lambda w: _status(w, w.published) == "hidden",
    ),
    "block": (
        MODERATORS,
        lambda c, w: c.post(
            reverse(
                "frontend:moderate_account",
                kwargs={"slug": w.process.slug, "user": w.users["author"].pk, "action": "block"},
            ),
            {"reason": "Abuse"},
        ),
        lambda c, w: c.post(
            "/api/v1/moderation/block/",
            {"process": w.process.slug, "user": w.users["author"].pk, "reason": "Abuse"},
        ),
        lambda w: User.objects.get(pk=w.users["author"].pk).is_blocked,
    ),
    "evaluate": (
        EVALUATORS,
        lambda c, w: c.post(
            w.proposal_url("proposal_evaluate", w.published), {"feasible": "yes", "reason": "Ok"}
        ),
        lambda c, w: c.post(
            f"/api/v1/proposals/{w.published.pk}/evaluate/", {"feasible": True, "reason": "Ok"}
        ),
        lambda w: Evaluation.objects.exists(),
    ),
    "select": (
        {"organiser"},
        lambda c, w: c.post(w.proposal_url("proposal_select", w.published), {"selected": "yes"}),
        lambda c, w: c.post(f"/api/v1/proposals/{w.published.pk}/select/", {"selected": True}),
        lambda w: Proposal.objects.get(pk=w.published.pk).selected_for_vote,
    ),
    "merge": (
        {"organiser"},
        lambda c, w: c.post(w.proposal_url("proposal_merge", w.published), {"into": w.survivor.pk}),
        lambda c, w: c.post(f"/api/v1/proposals/{w.published.pk}/merge/", {"into": w.survivor.pk}),
        lambda w: _status(w, w.published) == "merged",
    ),
    "update_process": (
        {"organiser"},
        lambda c, w: c.post(
            reverse("frontend:manage_process", kwargs={"slug": w.process.slug}),
            {
                "title": "Taken",
                "report_threshold": 3,
                "eligibility": "verified_email",
                "licence": "x",
            },
        ),  # fmt: skip
        lambda c, w: c.patch(
            f"/api/v1/manage/processes/{w.process.slug}/", {"title": "Taken"}, format="json"
        ),
        lambda w: type(w.process).objects.get(pk=w.process.pk).title == "Taken",
    ),
    "grant_role": (
        {"organiser"},
        lambda c, w: c.post(
            reverse("frontend:manage_role_grant", kwargs={"slug": w.process.slug}),
            {"email": w.users["citizen"].email, "kind": "moderator"},
        ),
        lambda c, w: c.post(
            "/api/v1/manage/roles/",
            {"process": w.process.slug, "email": w.users["citizen"].email, "role": "moderator"},
        ),
        lambda w: Role.objects.filter(user=w.users["citizen"], kind="moderator").exists(),
    ),
}
COMMENT_ACTIONS = {
    "edit_comment": (
        {"author"},
        lambda c, w: c.post(
            w.proposal_url("comment_edit", w.published, comment=w.comment.pk), {"body": "Edited"}
        ),
        lambda c, w: c.patch(
            f"/api/v1/comments/{w.comment.pk}/", {"body": "Edited"}, format="json"
        ),
        lambda w: Comment.objects.get(pk=w.comment.pk).body == "Edited",
    ),
    "delete_comment": (
        {"author"},
        lambda c, w: c.post(w.proposal_url("comment_delete", w.published, comment=w.comment.pk)),
        lambda c, w: c.delete(f"/api/v1/comments/{w.comment.pk}/"),
        lambda w: Comment.objects.get(pk=w.comment.pk).status == "deleted",
    ),
    "reply": (
        PARTICIPANTS,
        lambda c, w: c.post(
            w.proposal_url("comment_reply", w.published, comment=w.comment.pk), {"body": "Re"}
        ),
        lambda c, w: c.post(
            "/api/v1/comments/",
            {"proposal": w.published.pk, "parent": w.comment.pk, "body": "Re"},
            format="json",
        ),
        lambda w: Comment.objects.filter(parent=w.comment).exists(),
    ),
    "hide_comment": (
        MODERATORS,
        lambda c, w: c.post(
            reverse(
                "frontend:moderate_comment",
                kwargs={"slug": w.process.slug, "pk": w.comment.pk, "action": "hide"},
            )
        ),
        lambda c, w: c.post(f"/api/v1/comments/{w.comment.pk}/hide/"),
        lambda w: Comment.objects.get(pk=w.comment.pk).status == "hidden",
    ),
    "report_comment": (
        PARTICIPANTS - {"author"},
        lambda c, w: c.post(
            w.proposal_url("comment_report", w.published, comment=w.comment.pk), {"reason": "x"}
        ),
        lambda c, w: c.post(f"/api/v1/comments/{w.comment.pk}/report/", {"reason": "x"}),
        lambda w: Report.objects.filter(comment=w.comment).exists(),
    ),
}


def _clients(w: World, actor: str) -> tuple[Client, APIClient]:
    page, api = Client(), APIClient()
    if actor != "anonymous":
        page.force_login(w.users[actor])
        api.force_login(w.users[actor])
    return page, api


def _check(response, allowed: bool, happened: bool, actor: str, api: bool) -> None:
    assert response.status_code < 500
    if allowed:
        assert happened, (response.status_code, response.content[:500])
        assert response.status_code in ((200, 201, 204) if api else (302,))
        return
    assert not happened, response.status_code
    if actor == "anonymous" and not api:
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    else:
        assert response.status_code in (403, 404), response.status_code


CASES = [(name, actor) for name in ACTIONS for actor in ACTORS]
COMMENT_CASES = [(name, actor) for name in COMMENT_ACTIONS for actor in ACTORS]


@pytest.mark.parametrize(("action", "actor"), CASES)
def test_page(world, action, actor):
    allowed_actors, page_call, _api_call, happened = ACTIONS[action]
    page, _ = _clients(world, actor)
    response = page_call(page, world)
    _check(response, actor in allowed_actors, happened(world), actor, api=False)


@pytest.mark.parametrize(("action", "actor"), CASES)
def test_api(world, action, actor):
    allowed_actors, _page_call, api_call, happened = ACTIONS[action]
    _, api = _clients(world, actor)
    response = api_call(api, world)
    _check(response, actor in allowed_actors, happened(world), actor, api=True)


@pytest.mark.parametrize(("action", "actor"), COMMENT_CASES)
def test_comment_page(world_with_comment, action, actor):
    allowed_actors, page_call, _api_call, happened = COMMENT_ACTIONS[action]
    page, _ = _clients(world_with_comment, actor)
    response = page_call(page, world_with_comment)
    _check(response, actor in allowed_actors, happened(world_with_comment), actor, api=False)


@pytest.mark.parametrize(("action", "actor"), COMMENT_CASES)
def test_comment_api(world_with_comment, action, actor):
    allowed_actors, _page_call, api_call, happened = COMMENT_ACTIONS[action]
    _, api = _clients(world_with_comment, actor)
    response = api_call(api, world_with_comment)
    _check(response, actor in allowed_actors, happened(world_with_comment), actor, api=True)


# Reading pages of the team.
TEAM_PAGES = {
    "moderation_queue": (MODERATORS, "frontend:moderation_queue"),
    "moderation_log": (MODERATORS, "frontend:moderation_log"),
    "manage_process": ({"organiser"}, "frontend:manage_process"),
    "manage_review": (EVALUATORS, "frontend:manage_review"),
}


@pytest.mark.parametrize(("page_name", "actor"), [(p, a) for p in TEAM_PAGES for a in ACTORS])
def test_team_pages(world, page_name, actor):
    allowed_actors, url_name = TEAM_PAGES[page_name]
    page, _ = _clients(world, actor)
    response = page.get(reverse(url_name, kwargs={"slug": world.process.slug}))
    if actor in allowed_actors:
        assert response.status_code == 200
    elif actor == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == 403


def test_nested_urls_must_match(world):
    """A proposal reached through another axis or process is not found, for anyone."""
    client, _ = _clients(world, "organiser")
    other_axis = factories.AxisFactory(process=world.process)
    foreign = factories.ProposalFactory()  # in another process
    wrong_axis = reverse(
        "frontend:proposal_support",
        kwargs={"slug": world.process.slug, "axis": other_axis.slug, "pk": world.published.pk},
    )
    assert client.post(wrong_axis).status_code == 404
    foreign_through_ours = reverse(
        "frontend:proposal_select",
        kwargs={"slug": world.process.slug, "axis": world.axis.slug, "pk": foreign.pk},
    )
    assert client.post(foreign_through_ours).status_code == 404
    foreign_moderation = reverse(
        "frontend:moderate_proposal",
        kwargs={"slug": world.process.slug, "pk": foreign.pk, "action": "hide"},
    )
    assert client.post(foreign_moderation).status_code == 404
    comment = factories.CommentFactory(proposal=foreign)
    wrong_thread = reverse(
        "frontend:comment_edit",
        kwargs={
            "slug": world.process.slug,
            "axis": world.axis.slug,
            "pk": world.published.pk,
            "comment": comment.pk,
        },
    )
    assert client.get(wrong_thread).status_code == 404
    assert not Support.objects.exists()
    assert Proposal.objects.get(pk=foreign.pk).status == "published"
    assert not ModerationDecision.objects.exists()
