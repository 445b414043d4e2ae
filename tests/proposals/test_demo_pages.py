"""Every page of issue #3 renders for the demo's team and citizens (French and English)."""

import pytest
from django.test import Client
from django.urls import reverse

from participation.demo import load_demo
from participation.models import User
from proposals.models import Comment, Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    return load_demo()[0]


def as_demo(email, language="fr"):
    client = Client()
    user = User.objects.get(email=email)
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


def _urls(process):
    axis = process.axes.get(slug="lieux")
    published = Proposal.objects.filter(axis=axis, status="published").first()
    comment = Comment.objects.filter(proposal=published, status="published").first()
    proposal = {"slug": process.slug, "axis": axis.slug, "pk": published.pk}
    return {
        "organisation@example.org": [
            reverse("frontend:manage_process", kwargs={"slug": process.slug}),
            reverse("frontend:manage_phase_create", kwargs={"slug": process.slug}),
            reverse(
                "frontend:manage_phase_edit",
                kwargs={"slug": process.slug, "pk": process.phases.first().pk},
            ),
            reverse("frontend:manage_axis_create", kwargs={"slug": process.slug}),
            reverse("frontend:manage_axis_edit", kwargs={"slug": process.slug, "axis": "lieux"}),
            reverse("frontend:manage_review", kwargs={"slug": process.slug}),
            reverse("frontend:proposal_merge", kwargs=proposal),
            reverse("frontend:moderation_queue", kwargs={"slug": process.slug}),
            reverse("frontend:moderation_log", kwargs={"slug": process.slug}),
            reverse("frontend:my_proposals"),
            published.get_absolute_url(),
        ],
        "evaluation@example.org": [
            reverse("frontend:proposal_evaluate", kwargs=proposal),
            reverse("frontend:manage_review", kwargs={"slug": process.slug}),
        ],
        "moderation@example.org": [
            reverse("frontend:moderation_queue", kwargs={"slug": process.slug}),
            reverse(
                "frontend:moderate_proposal",
                kwargs={"slug": process.slug, "pk": published.pk, "action": "reject"},
            ),
            reverse(
                "frontend:moderate_comment",
                kwargs={"slug": process.slug, "pk": comment.pk, "action": "hide"},
            ),
            published.get_absolute_url(),
        ],
        "citoyenne@example.org": [
            reverse("frontend:proposal_create", kwargs={"slug": process.slug, "axis": "lieux"}),
            reverse("frontend:proposal_report", kwargs=proposal),
            reverse("frontend:comment_reply", kwargs={**proposal, "comment": comment.pk}),
            reverse("frontend:comment_report", kwargs={**proposal, "comment": comment.pk}),
            reverse("frontend:my_proposals"),
            reverse("frontend:process_proposals", kwargs={"slug": process.slug}),
            axis.get_absolute_url() + "?sort=random",
            published.get_absolute_url(),
        ],
        "admin@example.org": [
            reverse("frontend:manage_process_create"),
            reverse("frontend:my_proposals"),
        ],
    }


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_page_renders(demo, language):
    for email, urls in _urls(demo).items():
        client = as_demo(email, language)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (email, url, response.status_code)
            html = response.content.decode()
            assert html.count("<h1") == 1, url
            assert f'lang="{language}"' in html


def test_camilles_draft_is_hers_only(demo):
    draft = Proposal.objects.get(axis__process=demo, status="draft")
    assert as_demo("citoyenne@example.org").get(draft.get_absolute_url()).status_code == 200
    assert as_demo("moderation@example.org").get(draft.get_absolute_url()).status_code == 404
