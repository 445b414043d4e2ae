"""Pre-moderation: an author's proposal waits; a moderator publishes one and rejects another
with a reason; the author reads the reason; the decision log keeps both — in French."""

import re

import pytest
from django.utils import timezone

from participation.models import Phase, Role
from proposals.models import ModerationDecision, Proposal
from tests import factories
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _queue_item(page, title: str):
    return page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=title, exact=True)
    )


def test_moderator_publishes_and_rejects_and_the_author_reads_the_reason(
    new_page, process_in_phase
):
    process = process_in_phase(
        Phase.Kind.PROPOSALS, title="Budget participatif de Rezé", pre_moderation=True
    )
    axis = factories.AxisFactory(process=process, slug="nature", title="Nature en ville")
    author = factories.UserFactory(display_name="Alix")
    factories.ProposalFactory(
        axis=axis,
        author=author,
        title="Un golf de dix-huit trous",
        status=Proposal.Status.PENDING,
        submitted_at=timezone.now(),
        published_at=None,
    )
    moderator = factories.RoleFactory(
        process=process, kind=Role.Kind.MODERATOR, user__display_name="Modération"
    ).user

    # --- The author submits a proposal: under pre-moderation, it waits for a moderator.
    author_page = new_page(user=author)
    author_page.goto(axis.get_absolute_url())
    assert_accessible(author_page)
    author_page.get_by_role("link", name="Déposer une proposition").click()
    author_page.get_by_label("Titre").fill("Un verger partagé")
    author_page.get_by_label("Résumé").fill("Des arbres fruitiers pour le quartier.")
    author_page.get_by_label("Description").fill("Pommiers, poiriers, cerisiers.")
    author_page.get_by_label("Coût estimé (€)").fill("15000")
    author_page.get_by_role("button", name="Déposer la proposition").click()
    author_page.get_by_role("status").get_by_text(
        "Votre proposition a été déposée. Elle sera publiée après relecture par la modération."
    ).wait_for()
    assert author_page.get_by_text("en attente de modération").is_visible()
    assert_accessible(author_page)
    orchard = Proposal.objects.get(title="Un verger partagé")
    assert orchard.status == Proposal.Status.PENDING
    # Not public yet: the axis page does not list it to others.
    visitor = new_page()
    visitor.goto(axis.get_absolute_url())
    visitor.get_by_role("heading", level=1, name="Nature en ville").wait_for()
    assert visitor.get_by_role("link", name="Un verger partagé").count() == 0

    # --- The moderator finds the queue from their page.
    page = new_page(user=moderator)
    page.goto("/")
    page.get_by_role("link", name="Mes propositions").click()
    page.get_by_role("heading", level=1, name="Mes propositions").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="file de modération").click()
    page.get_by_role("heading", level=1, name="File de modération").wait_for()
    assert page.get_by_text("2 contenus attendent une décision").is_visible()
    assert_accessible(page)

    _queue_item(page, "Un verger partagé").get_by_role("link", name="Publier").click()
    page.get_by_role("heading", level=1, name="Publier").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Publier").click()
    page.get_by_role("status").get_by_text("Votre décision a été enregistrée.").wait_for()
    assert page.get_by_text("1 contenu attend une décision").is_visible()

    # Rejecting needs a reason, which the author will read.
    _queue_item(page, "Un golf de dix-huit trous").get_by_role("link", name="Rejeter").click()
    page.get_by_role("heading", level=1, name="Rejeter").wait_for()
    page.get_by_role("button", name="Rejeter").click()
    reason = page.get_by_label("Motif")
    assert reason.get_attribute("aria-invalid") == "true"
    assert page.get_by_role("alert").get_by_text("Ce champ est obligatoire.").is_visible()
    assert_accessible(page)
    reason.fill("Hors du budget de cet axe et sans lien avec la nature en ville.")
    page.get_by_role("button", name="Rejeter").click()
    page.get_by_role("status").get_by_text("Votre décision a été enregistrée.").wait_for()
    assert page.get_by_text("Rien à modérer. Bravo !").is_visible()
    assert_accessible(page)

    # --- The log lists both decisions.
    page.get_by_role("link", name="Journal des décisions").click()
    page.get_by_role("heading", level=1, name="Journal des décisions").wait_for()
    assert_accessible(page)
    rows = page.get_by_role("row")
    published = rows.filter(has=page.get_by_role("link", name="Un verger partagé"))
    rejected = rows.filter(has=page.get_by_role("link", name="Un golf de dix-huit trous"))
    assert "Publier" in published.inner_text()
    assert "Rejeter" in rejected.inner_text()
    assert "Hors du budget de cet axe" in rejected.inner_text()
    assert ModerationDecision.objects.filter(moderator=moderator).count() == 2

    # --- The author sees the outcome, and the reason of the rejection.
    visitor.reload()
    visitor.get_by_role("link", name="Un verger partagé").wait_for()
    author_page.get_by_role("link", name="Mes propositions").click()
    author_page.get_by_role("heading", level=1, name="Mes propositions").wait_for()
    assert_accessible(author_page)
    golf = author_page.get_by_role("row").filter(
        has=author_page.get_by_role("link", name="Un golf de dix-huit trous")
    )
    assert "Rejeté" in golf.inner_text()
    assert "Motif : Hors du budget de cet axe" in golf.inner_text()
    golf.get_by_role("link", name="Un golf de dix-huit trous").click()
    author_page.get_by_text("Cette proposition a été rejetée par la modération.").wait_for()
    assert author_page.get_by_text("Motif : Hors du budget de cet axe").is_visible()
    assert_accessible(author_page)

    # --- They were told, with the reason, in their notifications.
    author_page.get_by_role("link", name=re.compile("^Notifications")).click()
    author_page.get_by_role("heading", level=1, name="Notifications").wait_for()
    told = author_page.get_by_role("listitem").filter(
        has=author_page.get_by_role(
            "link", name="Votre proposition « Un golf de dix-huit trous » a été rejetée."
        )
    )
    assert "Motif : Hors du budget de cet axe" in told.inner_text()
    assert_accessible(author_page)
