"""A verified citizen takes part in the proposal phase: writes a proposal, supports, comments,
replies and reports — in French, with JavaScript (htmx) on."""

import re

import pytest
from playwright.sync_api import expect

from participation.models import Phase
from proposals.models import Comment, Proposal, Report, Support
from tests import factories
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_citizen_writes_supports_comments_replies_and_reports(new_page, process_in_phase):
    process = process_in_phase(Phase.Kind.PROPOSALS, title="Budget participatif de Nantes")
    axis = factories.AxisFactory(process=process, slug="mobilite", title="Mobilité")
    benches = factories.ProposalFactory(
        axis=axis, title="Des bancs le long du canal", author__display_name="Alix"
    )
    question = factories.CommentFactory(
        proposal=benches, author__display_name="Sacha", body="Bonne idée, mais combien ?"
    )
    citizen = factories.UserFactory(display_name="Camille")
    page = new_page(user=citizen)

    # --- Write a proposal: a draft first, then submitted (no pre-moderation: published).
    page.goto(axis.get_absolute_url())
    page.get_by_role("heading", level=1, name="Mobilité").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Déposer une proposition").click()
    page.get_by_role("heading", level=1, name="Nouvelle proposition pour « Mobilité »").wait_for()
    assert_accessible(page)
    page.get_by_label("Titre").fill("Un garage à vélos à la gare")
    page.get_by_label("Résumé").fill("Cent places abritées et sûres.")
    page.get_by_label("Description").fill("Pour que l'on puisse venir **à vélo** au train.")
    page.get_by_label("Coût estimé (€)").fill("40000")
    page.get_by_label("Lieu").fill("Gare nord")
    page.get_by_role("button", name="Enregistrer comme brouillon").click()

    page.get_by_role("heading", level=1, name="Un garage à vélos à la gare").wait_for()
    status = page.get_by_role("status")
    assert "Votre brouillon a été enregistré" in status.inner_text()
    assert page.get_by_text("Ceci est un brouillon").is_visible()
    assert_accessible(page)
    mine = Proposal.objects.get(title="Un garage à vélos à la gare")
    assert mine.status == Proposal.Status.DRAFT

    # --- Edit the draft (allowed until it is published).
    page.get_by_role("link", name="Modifier", exact=True).click()
    page.get_by_role("heading", level=1, name="Modifier votre proposition").wait_for()
    assert page.get_by_label("Titre").input_value() == "Un garage à vélos à la gare"
    assert_accessible(page)
    page.get_by_label("Résumé").fill("Cent cinquante places abritées et sûres.")
    page.get_by_role("button", name="Enregistrer comme brouillon").click()
    page.get_by_role("status").get_by_text("Vos modifications ont été enregistrées.").wait_for()
    assert page.get_by_text("Cent cinquante places abritées et sûres.").is_visible()

    # --- Submit it: without pre-moderation, it is published at once.
    page.get_by_role("button", name="Déposer", exact=True).click()
    page.get_by_role("status").get_by_text("Votre proposition est publiée.").wait_for()
    mine.refresh_from_db()
    assert mine.status == Proposal.Status.PUBLISHED
    assert page.get_by_role("strong").filter(has_text="vélo").is_visible()
    # Published, it can no longer be changed.
    assert page.get_by_role("link", name="Modifier", exact=True).count() == 0
    assert_accessible(page)

    # --- Support another proposal: with JavaScript, htmx swaps the button in place.
    page.get_by_role("link", name="Mobilité").click()
    page.get_by_role("link", name="Des bancs le long du canal").click()
    page.get_by_role("heading", level=1, name="Des bancs le long du canal").wait_for()
    assert_accessible(page)
    support = page.locator(f"#support-{benches.pk}")
    assert support.get_by_text("0 soutien").is_visible()
    page.evaluate("window.stillTheSamePage = true")
    # With the keyboard: the focus stays on the button that htmx swapped in.
    support.get_by_role("button", name="Soutenir cette proposition", pressed=False).focus()
    page.keyboard.press("Enter")
    withdraw = support.get_by_role("button", name="Retirer mon soutien", pressed=True)
    withdraw.wait_for()
    expect(withdraw).to_be_focused()
    assert support.get_by_text("1 soutien").is_visible()
    assert page.evaluate("window.stillTheSamePage === true"), "the page was reloaded"
    # No other, stale count of supports on the page; no evaluation claimed before one exists.
    assert page.get_by_text(re.compile(r"^\d+ soutiens?$")).count() == 1
    assert "Soutiens" not in page.locator("dl.facts").inner_text()
    assert "validé" not in page.locator("dl.facts").inner_text()
    assert Support.objects.filter(proposal=benches, user=citizen).exists()
    assert_accessible(page)

    # --- Comment, then reply in the thread.
    page.get_by_label("Votre commentaire").fill("Et des arceaux à vélos à côté ?")
    page.get_by_role("button", name="Publier le commentaire").click()
    page.get_by_role("status").get_by_text("Votre commentaire est publié.").wait_for()
    mine_comment = Comment.objects.get(author=citizen, parent=None)
    assert page.locator(f"#comment-{mine_comment.pk}").get_by_text("Et des arceaux").is_visible()
    assert page.get_by_role("heading", name="2 commentaires").is_visible()
    assert_accessible(page)

    thread = page.locator(f"#comment-{question.pk}")
    thread.get_by_role("link", name="Répondre").first.click()
    page.get_by_role("heading", level=1, name="Répondre").wait_for()
    assert page.get_by_text("Bonne idée, mais combien ?").is_visible()
    assert_accessible(page)
    page.get_by_label("Votre commentaire").fill("Environ 300 € le banc.")
    page.get_by_role("button", name="Publier", exact=True).click()
    page.get_by_role("status").get_by_text("Votre commentaire est publié.").wait_for()
    reply = Comment.objects.get(author=citizen, parent=question)
    # The reply sits in the thread of the comment it answers.
    assert thread.locator(f"#comment-{reply.pk}").get_by_text("Environ 300 €").is_visible()
    assert_accessible(page)

    # --- Report a comment to the moderators.
    thread.locator(".comment-actions").first.get_by_role("link", name="Signaler").click()
    page.get_by_role("heading", level=1, name="Signaler un commentaire").wait_for()
    assert_accessible(page)
    page.get_by_label("Pourquoi la modération devrait-elle examiner ce contenu ?").fill(
        "Message hors sujet"
    )
    page.get_by_role("button", name="Envoyer le signalement").click()
    page.get_by_role("status").get_by_text("Merci. La modération va l'examiner.").wait_for()
    assert re.search(rf"/proposals/{benches.pk}/$", page.url)
    report = Report.objects.get(reporter=citizen)
    assert (report.comment_id, report.reason) == (question.pk, "Message hors sujet")


def test_citizen_supports_without_javascript(new_page, process_in_phase):
    process = process_in_phase(Phase.Kind.PROPOSALS)
    axis = factories.AxisFactory(process=process, slug="mobilite", title="Mobilité")
    benches = factories.ProposalFactory(axis=axis, title="Des bancs le long du canal")
    comment = factories.CommentFactory(proposal=benches, body="Oui, et à l'ombre.")
    citizen = factories.UserFactory()
    page = new_page(user=citizen, js=False)
    page.goto(benches.get_absolute_url())
    support = page.locator(f"#support-{benches.pk}")

    support.get_by_role("button", name="Soutenir cette proposition").click()
    page.get_by_role("status").get_by_text("Merci pour votre soutien.").wait_for()
    assert support.get_by_text("1 soutien").is_visible()
    assert_accessible(page)
    support.get_by_role("button", name="Retirer mon soutien", pressed=True).click()
    page.get_by_role("status").get_by_text("Votre soutien a été retiré.").wait_for()
    assert support.get_by_text("0 soutien").is_visible()
    assert not Support.objects.filter(proposal=benches).exists()

    actions = page.locator(f"#comment-{comment.pk} .comment-actions")
    actions.get_by_role("button", name="Soutenir", pressed=False).click()
    actions.get_by_role("button", name="Retirer mon soutien", pressed=True).wait_for()
    assert actions.get_by_text("1 soutien").is_visible()
    assert_accessible(page)
