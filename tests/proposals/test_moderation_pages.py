"""Moderators work the queue, decide with reasons, and read the log, in the pages."""

import pytest
from django.test import Client
from django.urls import reverse

from participation.models import Notification
from proposals import services
from proposals.models import ModerationDecision, Proposal
from tests import factories

pytestmark = pytest.mark.django_db


def browser(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def post_form(client, url, data=None):
    page = client.get(url)
    assert page.status_code == 200
    return client.post(
        url, {**(data or {}), "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )


def queue_url(process):
    return reverse("frontend:moderation_queue", kwargs={"slug": process.slug})


def decide_url(process, item, action, kind="proposal"):
    return reverse(
        f"frontend:moderate_{kind}", kwargs={"slug": process.slug, "pk": item.pk, "action": action}
    )


def test_queue_lists_submissions_and_reports_oldest_first(moderator, axis, citizen):
    process = axis.process
    first = factories.ProposalFactory(axis=axis, status="pending", title="First pending")
    reported = factories.ProposalFactory(axis=axis, title="Reported one")
    comment = factories.CommentFactory(proposal=reported, body="Rude words")
    services.report_create(reporter=citizen, proposal=reported, reason="Advert")
    services.report_create(reporter=citizen, comment=comment, reason="Insult")
    factories.ProposalFactory(axis=axis, title="Quiet one")
    html = browser(moderator).get(queue_url(process)).content.decode()
    assert html.index("First pending") < html.index("Reported one") < html.index("Rude words")
    assert "Quiet one" not in html
    assert "Advert" in html and "Insult" in html
    assert first.pk


def test_reject_with_reason_from_the_page(moderator, axis, author):
    pending = factories.ProposalFactory(axis=axis, author=author, status="pending")
    client = browser(moderator)
    empty = post_form(client, decide_url(axis.process, pending, "reject"), {"reason": ""})
    assert empty.status_code == 400
    assert 'role="alert"' in empty.content.decode()
    response = post_form(
        client, decide_url(axis.process, pending, "reject"), {"reason": "Duplicate"}
    )
    assert response.status_code == 302
    assert response["Location"] == queue_url(axis.process)
    pending.refresh_from_db()
    assert (pending.status, pending.rejection_reason) == ("rejected", "Duplicate")
    # The author sees the reason on their proposal and in their list.
    author_client = browser(author)
    assert "Duplicate" in author_client.get(pending.get_absolute_url()).content.decode()
    assert "Duplicate" in author_client.get(reverse("frontend:my_proposals")).content.decode()
    assert Notification.objects.filter(recipient=author, kind="proposal_rejected").exists()


def test_publish_hide_restore_from_the_pages(moderator, axis):
    pending = factories.ProposalFactory(axis=axis, status="pending")
    client = browser(moderator)
    for action, status in (("publish", "published"), ("hide", "hidden"), ("restore", "published")):
        response = post_form(client, decide_url(axis.process, pending, action))
        assert response.status_code == 302
        pending.refresh_from_db()
        assert pending.status == status


def test_a_decision_that_does_not_apply_is_explained(moderator, proposal):
    response = post_form(browser(moderator), decide_url(proposal.axis.process, proposal, "restore"))
    assert response.status_code == 409
    assert "does not apply" in response.content.decode()


def test_block_from_the_page(moderator, proposal, author):
    url = reverse(
        "frontend:moderate_account",
        kwargs={"slug": proposal.axis.process.slug, "user": author.pk, "action": "block"},
    )
    response = post_form(browser(moderator), url, {"reason": "Spam, again"})
    assert response.status_code == 302
    author.refresh_from_db()
    assert author.blocked_reason == "Spam, again"


def test_log_lists_every_decision(moderator, axis):
    pending = factories.ProposalFactory(axis=axis, status="pending", title="Logged one")
    services.proposal_publish(moderator=moderator, proposal=pending)
    html = (
        browser(moderator)
        .get(reverse("frontend:moderation_log", kwargs={"slug": axis.process.slug}))
        .content.decode()
    )
    assert "Logged one" in html
    assert moderator.display_name in html
    assert ModerationDecision.objects.count() == 1


def test_moderator_sees_and_restores_a_hidden_comment_on_the_proposal_page(moderator, proposal):
    comment = factories.CommentFactory(proposal=proposal, status="hidden")
    html = browser(moderator).get(proposal.get_absolute_url()).content.decode()
    assert decide_url(proposal.axis.process, comment, "restore", kind="comment") in html


def test_hidden_proposal_is_seen_by_the_team_and_its_author_only(proposal, moderator, citizen):
    Proposal.objects.filter(pk=proposal.pk).update(status="hidden")
    assert browser(moderator).get(proposal.get_absolute_url()).status_code == 200
    assert browser(proposal.author).get(proposal.get_absolute_url()).status_code == 200
    assert browser(citizen).get(proposal.get_absolute_url()).status_code == 404


def test_evaluate_select_merge_in_the_pages(evaluator, organiser, axis, author):
    proposal = factories.ProposalFactory(axis=axis, author=author)
    survivor = factories.ProposalFactory(axis=axis, title="The survivor")
    kwargs = {"slug": axis.process.slug, "axis": axis.slug, "pk": proposal.pk}
    response = post_form(
        browser(evaluator),
        reverse("frontend:proposal_evaluate", kwargs=kwargs),
        {"feasible": "yes", "reason": "Checked", "validated_cost": "8000"},
    )
    assert response.status_code == 302
    html = Client().get(proposal.get_absolute_url()).content.decode()
    assert "Checked" in html and "8" in html
    client = browser(organiser)
    review = client.get(reverse("frontend:manage_review", kwargs={"slug": axis.process.slug}))
    assert proposal.title in review.content.decode()
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("frontend:proposal_select", kwargs=kwargs),
        {"selected": "yes", "csrfmiddlewaretoken": token, "next": "https://evil.example/"},
    )
    assert response["Location"] == proposal.get_absolute_url()
    proposal.refresh_from_db()
    assert proposal.selected_for_vote
    merge_page = client.get(reverse("frontend:proposal_merge", kwargs=kwargs))
    assert "The survivor" in merge_page.content.decode()
    response = client.post(
        reverse("frontend:proposal_merge", kwargs=kwargs),
        {"into": survivor.pk, "csrfmiddlewaretoken": token},
    )
    assert response["Location"] == survivor.get_absolute_url()
    proposal.refresh_from_db()
    assert (proposal.status, proposal.merged_into) == ("merged", survivor)
    kinds = set(Notification.objects.filter(recipient=author).values_list("kind", flat=True))
    assert kinds == {"proposal_evaluated", "proposal_selected", "proposal_merged"}


def test_my_proposals_lists_every_state_and_my_team_roles(author, axis, moderator):
    for status in ("draft", "pending", "rejected", "published"):
        factories.ProposalFactory(axis=axis, author=author, status=status, title=f"Mine {status}")
    html = browser(author).get(reverse("frontend:my_proposals")).content.decode()
    for status in ("draft", "pending", "rejected", "published"):
        assert f"Mine {status}" in html
    team = browser(moderator).get(reverse("frontend:my_proposals")).content.decode()
    assert queue_url(axis.process) in team
