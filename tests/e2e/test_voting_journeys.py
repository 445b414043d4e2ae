"""A voter fills their basket on each kind of axis, casts it, keeps the receipt code and checks
it — with JavaScript on a budget axis, and without JavaScript on an approval and a points axis.
In French."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from participation.models import Axis, Phase
from tests import factories
from tests.e2e.conftest import assert_accessible
from votes.models import Ballot, VoterRecord

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RECEIPT = re.compile(r"^[0-9A-Z]{4}(-[0-9A-Z]{4}){6}$")


def _voting_axis(ballot_type: str, titles_and_costs: dict[str, int], **fields) -> Axis:
    now = timezone.now()
    process = factories.ProcessFactory(title="Budget participatif de Nantes")
    factories.PhaseFactory(
        process=process,
        kind=Phase.Kind.VOTING,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=10),
    )
    axis = factories.AxisFactory(process=process, ballot_type=ballot_type, **fields)
    for title, cost in titles_and_costs.items():
        factories.ProposalFactory(
            axis=axis, title=title, estimated_cost=Decimal(cost), selected_for_vote=True
        )
    return axis


def _add(page, title: str):
    return page.get_by_role("button", name=f"Ajouter « {title} » à mon bulletin")


def _remove(page, title: str):
    return page.get_by_role("button", name=f"Retirer « {title} » de mon bulletin")


def _basket(page):
    return page.get_by_role("complementary", name="Mon bulletin")


def _flat(text: str) -> str:
    """Text with every kind of space (French number formats use no-break ones) as one space."""
    return re.sub(r"\s+", " ", text).strip()


def _cast_and_check_the_receipt(page, axis: Axis, expected_choices: list[str]) -> str:
    """From the ballot page: review, confirm, read the receipt code, check it. Returns it."""
    page.get_by_role("link", name="Vérifier et confirmer mon bulletin").click()
    page.get_by_role("heading", level=1, name="Confirmer mon bulletin").wait_for()
    summary = page.get_by_role("region", name=f"Mon bulletin sur « {axis.title} »")
    for title in expected_choices:
        assert title in summary.inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Déposer mon bulletin").click()

    page.get_by_role("heading", level=1, name="Merci d'avoir voté").wait_for()
    assert page.get_by_role("status").inner_text() == (
        f"Votre bulletin sur « {axis.title} » est enregistré."
    )
    code = page.get_by_role("region", name="Votre code de reçu").locator("code").inner_text()
    assert RECEIPT.match(code), code
    assert_accessible(page)
    assert VoterRecord.objects.filter(axis=axis).count() == Ballot.objects.filter(axis=axis).count()

    page.get_by_role("link", name="Vérifier un bulletin avec son code de reçu").click()
    page.get_by_role("heading", level=1, name="Vérifier mon bulletin").wait_for()
    assert_accessible(page)
    page.get_by_label("Code de reçu").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Vérifier", exact=True).click()
    found = page.get_by_role("status")
    found.get_by_text(f"Ce bulletin est compté dans « {axis.title} »").wait_for()
    for title in expected_choices:
        assert found.get_by_role("listitem").filter(has_text=title).count() == 1
    assert_accessible(page)
    return code


def test_voter_fills_a_budget_basket_with_htmx_and_checks_the_receipt(new_page):
    axis = _voting_axis(
        Axis.BallotType.BUDGET,
        {"Un skatepark": 30_000, "Des jeux pour enfants": 25_000, "Une fontaine": 15_000},
        title="Quartiers",
        slug="quartiers",
        budget=Decimal("50000"),
    )
    voter = factories.UserFactory()
    page = new_page(user=voter)
    page.goto(axis.process.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("link", name="Voter sur « Quartiers »").click()
    page.get_by_role("heading", level=1, name="Voter sur « Quartiers »").wait_for()
    assert "Votre bulletin est vide" in _basket(page).inner_text()
    assert_accessible(page)

    page.evaluate("window.stillTheSamePage = true")
    _add(page, "Un skatepark").click()
    _remove(page, "Un skatepark").wait_for()
    assert "30 000 € sur 50 000 € · reste 20 000 €" in _flat(_basket(page).inner_text())
    _add(page, "Des jeux pour enfants").click()
    _remove(page, "Des jeux pour enfants").wait_for()
    basket = _flat(_basket(page).inner_text())
    assert "55 000 € sur 50 000 € · budget dépassé" in basket
    assert "Vos choix coûtent" in basket
    assert_accessible(page)

    _remove(page, "Des jeux pour enfants").click()
    _add(page, "Des jeux pour enfants").wait_for()
    _add(page, "Une fontaine").click()
    _remove(page, "Une fontaine").wait_for()
    assert "45 000 € sur 50 000 € · reste 5 000 €" in _flat(_basket(page).inner_text())
    assert page.evaluate("window.stillTheSamePage === true"), "htmx should not reload the page"
    assert_accessible(page)

    first_code = _cast_and_check_the_receipt(page, axis, ["Un skatepark", "Une fontaine"])

    # --- While the vote is open, the voter replaces their ballot (the receipt stays on their
    # device, so they need not type it), and the old code stops working.
    page.goto(axis.process.get_absolute_url())
    page.get_by_role("link", name="Voter sur « Quartiers »").click()
    page.get_by_text("Vous avez voté sur cet axe : votre bulletin est bien compté.").wait_for()
    assert "45 000 € sur 50 000 €" in _flat(_basket(page).inner_text())
    _remove(page, "Une fontaine").click()
    _add(page, "Une fontaine").wait_for()
    assert "30 000 € sur 50 000 € · reste 20 000 €" in _flat(_basket(page).inner_text())
    page.get_by_role("link", name="Vérifier et remplacer mon bulletin").click()
    page.get_by_role("heading", level=1, name="Remplacer mon bulletin").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Remplacer mon bulletin").click()
    page.get_by_role("heading", level=1, name="Merci d'avoir voté").wait_for()
    new_code = page.get_by_role("region", name="Votre code de reçu").locator("code").inner_text()
    assert RECEIPT.match(new_code) and new_code != first_code
    assert VoterRecord.objects.filter(axis=axis).count() == Ballot.objects.filter(axis=axis).count()

    page.get_by_role("link", name="Vérifier un bulletin avec son code de reçu").click()
    page.get_by_label("Code de reçu").fill(first_code)
    page.get_by_role("button", name="Vérifier", exact=True).click()
    unknown = page.get_by_role("alert")
    unknown.get_by_text("Aucun bulletin ne correspond à ce code de reçu.").wait_for()
    assert_accessible(page)
    page.get_by_label("Code de reçu").fill(new_code)
    page.get_by_role("button", name="Vérifier", exact=True).click()
    found = page.get_by_role("status")
    found.get_by_text("Ce bulletin est compté dans « Quartiers »").wait_for()
    assert [item.inner_text() for item in found.get_by_role("listitem").all()] == ["Un skatepark"]


def test_voter_fills_an_approval_ballot_without_javascript(new_page):
    axis = _voting_axis(
        Axis.BallotType.APPROVAL,
        {"Une ludothèque": 20_000, "Un jardin partagé": 10_000, "Des nichoirs": 1_000},
        title="Loisirs",
        slug="loisirs",
        min_choices=1,
        max_choices=2,
    )
    page = new_page(user=factories.UserFactory(), js=False)
    page.goto(axis.process.get_absolute_url())
    page.get_by_role("link", name="Voter sur « Loisirs »").click()
    page.get_by_role("heading", level=1, name="Voter sur « Loisirs »").wait_for()
    assert page.get_by_text("Choisissez entre 1 et 2 propositions.").is_visible()
    assert_accessible(page)

    for title in ("Une ludothèque", "Un jardin partagé", "Des nichoirs"):
        _add(page, title).click()
        _remove(page, title).wait_for()
    basket = _flat(_basket(page).inner_text())
    assert "3 propositions choisies · 2 au maximum" in basket
    assert "Choisissez au plus 2 propositions (vous en avez choisi 3) : retirez-en 1." in basket
    assert_accessible(page)

    _remove(page, "Une ludothèque").click()
    _add(page, "Une ludothèque").wait_for()
    assert "2 propositions choisies" in _flat(_basket(page).inner_text())

    _cast_and_check_the_receipt(page, axis, ["Un jardin partagé", "Des nichoirs"])


def test_voter_spreads_points_without_javascript(new_page):
    axis = _voting_axis(
        Axis.BallotType.POINTS,
        {"Une piste cyclable": 40_000, "Des toilettes publiques": 12_000, "Un kiosque": 8_000},
        title="Espaces publics",
        slug="espaces-publics",
        points_total=10,
        points_max_per_proposal=5,
    )
    page = new_page(user=factories.UserFactory(), js=False)
    page.goto(axis.process.get_absolute_url())
    page.get_by_role("link", name="Voter sur « Espaces publics »").click()
    page.get_by_role("heading", level=1, name="Voter sur « Espaces publics »").wait_for()
    assert_accessible(page)

    page.get_by_label("Points pour « Une piste cyclable »").fill("5")
    page.get_by_role("button", name="Attribuer ces points à « Une piste cyclable »").click()
    page.get_by_role("heading", level=2, name="Mon bulletin").wait_for()
    assert page.get_by_label("Points pour « Une piste cyclable »").input_value() == "5"
    assert "5 points attribués sur 10 · 5 points restants" in _flat(_basket(page).inner_text())

    page.get_by_label("Points pour « Un kiosque »").fill("4")
    page.get_by_role("button", name="Attribuer ces points à « Un kiosque »").click()
    page.get_by_role("heading", level=2, name="Mon bulletin").wait_for()
    basket = _flat(_basket(page).inner_text())
    assert "9 points attribués sur 10 · 1 point restant" in basket
    assert "Une piste cyclable — 5 points" in basket
    assert "Un kiosque — 4 points" in basket
    assert_accessible(page)

    _cast_and_check_the_receipt(page, axis, ["Une piste cyclable", "Un kiosque"])
