"""The review phase: an evaluator assesses a proposal (feasible, validated cost); an organiser
puts proposals on the ballot — in French."""

import re
from decimal import Decimal

import pytest

from participation.models import Phase, Role
from proposals.models import Evaluation, Proposal
from tests import factories
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _row(page, title: str):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=title, exact=True))


def test_evaluator_evaluates_and_organiser_selects_for_the_vote(new_page, process_in_phase):
    process = process_in_phase(Phase.Kind.REVIEW, title="Budget participatif de Saint-Herblain")
    axis = factories.AxisFactory(process=process, slug="culture", title="Culture")
    library = factories.ProposalFactory(
        axis=axis, title="Une boîte à livres", estimated_cost=Decimal("2000")
    )
    stage = factories.ProposalFactory(
        axis=axis, title="Une scène en plein air", estimated_cost=Decimal("30000")
    )
    evaluator = factories.RoleFactory(process=process, kind=Role.Kind.EVALUATOR).user
    organiser = factories.RoleFactory(process=process, kind=Role.Kind.ORGANISER).user

    # --- The evaluator finds the review from their page and evaluates a proposal.
    page = new_page(user=evaluator)
    page.goto("/my/proposals/")
    assert_accessible(page)
    page.get_by_role("link", name="analyse des propositions").click()
    page.get_by_role("heading", level=1, name="Analyse des propositions").wait_for()
    assert_accessible(page)
    assert "Non évaluée" in _row(page, "Une scène en plein air").inner_text()
    # No selection for evaluators.
    assert page.get_by_role("button", name=re.compile("^Retenir")).count() == 0

    page.get_by_role("link", name="Évaluer Une scène en plein air").click()
    page.get_by_role("heading", level=1, name="Évaluer « Une scène en plein air »").wait_for()
    assert_accessible(page)
    page.get_by_role("radio", name="Réalisable", exact=True).check()
    page.get_by_label("Motif public").fill("Validé avec le service des espaces verts.")
    page.get_by_label("Coût validé (€)").fill("32000")
    page.get_by_role("button", name="Enregistrer l'évaluation").click()

    page.get_by_role("heading", level=1, name="Une scène en plein air").wait_for()
    assert page.get_by_role("status").inner_text() == "Enregistré."
    evaluation = page.get_by_role("region", name="Évaluation")
    assert "Réalisable — Validé avec le service des espaces verts." in evaluation.inner_text()
    cost = page.locator("dt", has_text="Coût").locator("xpath=following-sibling::dd")
    assert re.fullmatch(r"32\s000 € \(validé par l'équipe d'évaluation\)", cost.inner_text())
    assert_accessible(page)
    saved = Evaluation.objects.get(proposal=stage)
    assert (saved.feasible, saved.validated_cost, saved.evaluator_id) == (
        True,
        Decimal("32000"),
        evaluator.pk,
    )

    # --- The organiser selects proposals for the vote: from the review table, and from a
    # proposal's page.
    page = new_page(user=organiser)
    page.goto("/my/proposals/")
    page.get_by_role("link", name="analyse des propositions").click()
    page.get_by_role("heading", level=1, name="Analyse des propositions").wait_for()
    assert "Réalisable" in _row(page, "Une scène en plein air").inner_text()
    page.get_by_role("button", name="Retenir Une scène en plein air").click()
    page.get_by_role("status").get_by_text("La proposition est soumise au vote.").wait_for()
    assert page.get_by_role("heading", level=1, name="Analyse des propositions").is_visible()
    assert "Retenue" in _row(page, "Une scène en plein air").inner_text()
    assert page.get_by_role("button", name="Retirer Une scène en plein air").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Une boîte à livres", exact=True).click()
    page.get_by_role("heading", level=1, name="Une boîte à livres").wait_for()
    team = page.get_by_role("region", name="Actions de l'équipe")
    team.get_by_role("button", name="Retenir pour le vote").click()
    page.get_by_role("status").get_by_text("La proposition est soumise au vote.").wait_for()
    team.get_by_role("button", name="Retirer du bulletin").wait_for()
    assert_accessible(page)

    assert set(Proposal.objects.filter(selected_for_vote=True).values_list("pk", flat=True)) == {
        library.pk,
        stage.pk,
    }
