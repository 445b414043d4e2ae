"""The pages of the proposal phase, through Django's client, working without JavaScript."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from participation.models import Phase
from proposals.models import Comment, Proposal, Report, Support
from tests import factories
from tests.proposals.conftest import proposal_fields
from tests.proposals.images import image_upload

pytestmark = pytest.mark.django_db


def csrf_client(user=None):
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def csrf_post(client, url, data=None, **extra):
    """GET the page to receive the CSRF cookie, then POST with the token, as a browser does."""
    page = client.get(url)
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else None
    if token is None:  # a POST-only URL: take the cookie from the home page
        client.get("/")
        token = client.cookies["csrftoken"].value
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": token}, **extra), page


def url(name, proposal=None, axis=None, **kwargs):
    if proposal is not None:
        axis = proposal.axis
        kwargs["pk"] = proposal.pk
    return reverse(
        f"frontend:{name}", kwargs={"slug": axis.process.slug, "axis": axis.slug, **kwargs}
    )


def test_citizen_submits_a_proposal_through_the_form(citizen, axis):
    client = csrf_client(citizen)
    page = client.get(url("proposal_create", axis=axis))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<label for="id_title">' in html
    assert 'aria-describedby="id_summary-help"' in html
    response, _ = csrf_post(
        client,
        url("proposal_create", axis=axis),
        {**proposal_fields(), "intent": "submit", "image": image_upload("JPEG")},
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == proposal.get_absolute_url()
    assert proposal.status == "published"
    assert proposal.image
    detail = client.get(response["Location"]).content.decode()
    assert "Your proposal is published." in detail
    assert "<script>" not in detail


def test_form_errors_are_announced_and_nothing_is_written(citizen, axis):
    client = csrf_client(citizen)
    response, _ = csrf_post(
        client,
        url("proposal_create", axis=axis),
        {**proposal_fields(estimated_cost="9999999"), "intent": "submit"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_estimated_cost-error" role="alert"' in html
    assert 'aria-invalid="true"' in html
    assert "cannot exceed the budget" in html
    assert not Proposal.objects.exists()


def test_a_fake_image_is_refused_on_its_field(citizen, axis):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = csrf_client(citizen)
    fake = SimpleUploadedFile("cat.png", b"GIF89a not really", content_type="image/png")
    response, _ = csrf_post(
        client, url("proposal_create", axis=axis), {**proposal_fields(), "image": fake}
    )
    assert response.status_code == 400
    assert 'id="id_image-error" role="alert"' in response.content.decode()
    assert not Proposal.objects.exists()


def test_outside_the_proposal_phase_the_page_says_why(citizen, axis, move_phase):
    move_phase(axis.process, Phase.Kind.VOTING)
    client = csrf_client(citizen)
    response = client.get(url("proposal_create", axis=axis))
    assert response.status_code == 403
    assert "only during the proposal phase" in response.content.decode()
    axis_page = client.get(axis.get_absolute_url()).content.decode()
    assert "only during the proposal phase" in axis_page


def test_anonymous_visitors_are_sent_to_log_in(client, axis):
    response = client.get(url("proposal_create", axis=axis))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_draft_edit_submit_flow(citizen, axis):
    client = csrf_client(citizen)
    csrf_post(client, url("proposal_create", axis=axis), {**proposal_fields(), "intent": "draft"})
    draft = Proposal.objects.get()
    assert draft.status == "draft"
    mine = client.get(reverse("frontend:my_proposals")).content.decode()
    assert draft.title in mine
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert Client().get(draft.get_absolute_url()).status_code == 404
    response, page = csrf_post(
        client,
        url("proposal_edit", proposal=draft),
        {**proposal_fields(title="Better lanes"), "intent": "submit"},
    )
    assert page.status_code == 200
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Better lanes", "published")


def test_withdraw_through_the_page(author, proposal):
    client = csrf_client(author)
    response, _ = csrf_post(client, url("proposal_withdraw", proposal=proposal))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"


def test_support_without_javascript_redirects(citizen, proposal):
    client = csrf_client(citizen)
    response, _ = csrf_post(client, url("proposal_support", proposal=proposal))
    assert response.status_code == 302
    assert Support.objects.filter(user=citizen, proposal=proposal).exists()
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Withdraw my support" in html


def test_support_with_htmx_swaps_the_button(citizen, proposal):
    client = csrf_client(citizen)
    response, _ = csrf_post(
        client,
        url("proposal_support", proposal=proposal),
        {"action": "support"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith('<div class="support" id="support-')
    assert "1 support" in html
    assert 'aria-pressed="true"' in html
    again, _ = csrf_post(
        client,
        url("proposal_support", proposal=proposal),
        {"action": "support"},
        HTTP_HX_REQUEST="true",
    )
    assert 'role="alert"' in again.content.decode()
    assert Support.objects.count() == 1


def _english_page(client, proposal) -> str:
    return client.get(proposal.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").text


def test_only_a_cost_validated_by_the_evaluators_says_so(client, proposal):
    # Reading `proposal.evaluation` without an evaluation fails silently in a template; the
    # page must not take that for a validated cost.
    assert "validated by the evaluators" not in _english_page(client, proposal)
    evaluation = factories.EvaluationFactory(proposal=proposal, validated_cost=None)
    assert "validated by the evaluators" not in _english_page(client, proposal)
    evaluation.validated_cost = 12_000
    evaluation.save()
    assert "validated by the evaluators" in _english_page(client, proposal)


def test_the_page_shows_the_support_count_once(client, citizen, proposal):
    # One count only: the one beside the button, which htmx keeps up to date.
    Support.objects.create(user=citizen, proposal=proposal)
    Proposal.objects.filter(pk=proposal.pk).update(support_count=1)
    html = _english_page(client, proposal)
    assert html.count("1 support") == 1
    assert "<dt>Supports</dt>" not in html


def test_post_without_csrf_token_is_refused(citizen, proposal):
    client = csrf_client(citizen)
    assert client.post(url("proposal_support", proposal=proposal)).status_code == 403
    assert not Support.objects.exists()


def test_comment_reply_edit_delete_through_pages(citizen, author, proposal):
    client = csrf_client(citizen)
    response, _ = csrf_post(client, url("comment_create", proposal=proposal), {"body": "Great"})
    comment = Comment.objects.get()
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    other = csrf_client(author)
    reply_url = url("comment_reply", proposal=proposal, comment=comment.pk)
    response, page = csrf_post(other, reply_url, {"body": "Thanks"})
    assert page.status_code == 200
    assert Comment.objects.filter(parent=comment).exists()
    edit_url = url("comment_edit", proposal=proposal, comment=comment.pk)
    csrf_post(client, edit_url, {"body": "Great idea"})
    comment.refresh_from_db()
    assert comment.body == "Great idea"
    assert other.get(edit_url).status_code == 403
    delete_url = url("comment_delete", proposal=proposal, comment=comment.pk)
    csrf_post(client, delete_url)
    comment.refresh_from_db()
    assert comment.status == "deleted"
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "This comment was deleted by its author." in html
    assert "Thanks" in html


def test_empty_comment_shows_the_error(citizen, proposal):
    client = csrf_client(citizen)
    response, _ = csrf_post(client, url("comment_create", proposal=proposal), {"body": "  "})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Comment.objects.exists()


def test_comment_rate_limit_is_a_form_message(citizen, proposal):
    client = csrf_client(citizen)
    for n in range(20):
        csrf_post(client, url("comment_create", proposal=proposal), {"body": f"c{n}"})
    response, _ = csrf_post(client, url("comment_create", proposal=proposal), {"body": "more"})
    assert response.status_code == 429
    assert "Too many actions" in response.content.decode()
    assert Comment.objects.count() == 20


def test_report_through_the_page(citizen, proposal):
    client = csrf_client(citizen)
    response, page = csrf_post(client, url("proposal_report", proposal=proposal), {"reason": "Ad"})
    assert page.status_code == 200
    assert response.status_code == 302
    assert Report.objects.filter(proposal=proposal, reporter=citizen).exists()


def test_comment_thread_sorts(client, proposal):
    old = factories.CommentFactory(proposal=proposal, body="old one")
    new = factories.CommentFactory(proposal=proposal, body="new one")
    Comment.objects.filter(pk=new.pk).update(support_count=5)
    oldest = client.get(proposal.get_absolute_url(), {"sort": "oldest"}).content.decode()
    newest = client.get(proposal.get_absolute_url(), {"sort": "newest"}).content.decode()
    supported = client.get(proposal.get_absolute_url(), {"sort": "supported"}).content.decode()
    assert oldest.index("old one") < oldest.index("new one")
    assert newest.index("new one") < newest.index("old one")
    assert supported.index("new one") < supported.index("old one")
    assert old.pk


def test_process_search_page_filters_by_axis_and_text(client, process, axis):
    other_axis = factories.AxisFactory(process=process, slug="culture", title="Culture")
    factories.ProposalFactory(axis=axis, title="Bike lanes")
    factories.ProposalFactory(axis=other_axis, title="Street theatre")
    page = reverse("frontend:process_proposals", kwargs={"slug": process.slug})
    html = client.get(page, {"axis": "culture"}).content.decode()
    assert "Street theatre" in html and "Bike lanes" not in html
    html = client.get(page, {"q": "bike"}).content.decode()
    assert "Bike lanes" in html and "Street theatre" not in html


def test_random_order_is_stable_for_a_visitor(client, axis):
    factories.ProposalFactory.create_batch(10, axis=axis)

    def titles(c):
        html = c.get(axis.get_absolute_url(), {"sort": "random"}).content.decode()
        return re.findall(r"Proposal \d+", html)

    first = titles(client)
    assert len(first) == 10
    assert titles(client) == first


def test_headings_and_landmarks_of_the_form_page(citizen, axis):
    html = csrf_client(citizen).get(url("proposal_create", axis=axis)).content.decode()
    assert html.count("<h1") == 1
    assert '<main id="main"' in html
    assert 'aria-label="Breadcrumb"' in html
