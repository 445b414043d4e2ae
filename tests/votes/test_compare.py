"""Comparing greedy and Equal Shares on a closed axis before publishing (organisers only)."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from participation.models import Axis
from tests import factories
from tests.votes.conftest import end_voting
from votes import services

pytestmark = pytest.mark.django_db


def _axis(voting_axis, close=True):
    # Budget 100 000: three voters want A (80 000), two want B and C (40 000 each).
    axis = voting_axis(
        Axis.BallotType.APPROVAL,
        costs=(80_000, 40_000, 40_000),
        max_choices=3,
        completion=Axis.Completion.NONE,
        budget=Decimal("100000"),
    )
    a, b, c = (project.pk for project in axis.test_proposals)
    for choices in ([a], [a], [a], [b, c], [b, c]):
        services.ballot_cast(voter=factories.UserFactory(), axis=axis, choices=choices)
    if close:
        end_voting(axis)
        services.voting_phases_update()
    return Axis.objects.get(pk=axis.pk)


def test_the_service_compares_greedy_and_equal_shares(voting_axis, organiser):
    axis = _axis(voting_axis)
    comparison = services.rules_compare(actor=organiser(axis.process), axis=axis)
    greedy, mes = comparison["rules"]
    assert (greedy["rule"], mes["rule"]) == ("greedy", "equal_shares")
    assert (greedy["spent"], mes["spent"]) == ("80000", "40000")
    assert (greedy["winner_count"], mes["winner_count"]) == (1, 1)
    assert greedy["share_of_voters_with_a_winner"] == pytest.approx(0.6)
    assert mes["share_of_voters_with_a_winner"] == pytest.approx(0.4)
    assert greedy["average_money_per_voter"] == pytest.approx(3 * 80_000 / 5)
    assert [p["title"] for p in comparison["only_greedy"]] == ["P0"]
    assert [p["title"] for p in comparison["only_equal_shares"]] == ["P1"]


def test_the_page_shows_both_rules_to_organisers_only(voting_axis, organiser, client):
    axis = _axis(voting_axis)
    url = f"/voting/{axis.process.slug}/compare/{axis.pk}/"
    client.force_login(organiser(axis.process))
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<th scope="row">Money spent</th><td>80,000 €</td><td>40,000 €</td>' in page
    assert "<li>P0 (80,000 €)</li>" in page and "<li>P1 (40,000 €)</li>" in page
    desk = client.get(f"/voting/{axis.process.slug}/", HTTP_ACCEPT_LANGUAGE="en")
    assert url in desk.content.decode()
    assert client.get(f"/voting/{axis.process.slug}/compare/999999/").status_code == 404

    client.force_login(factories.UserFactory())
    assert client.get(url).status_code == 403


def test_the_page_says_why_while_the_vote_is_open(voting_axis, organiser, client):
    axis = _axis(voting_axis, close=False)
    client.force_login(organiser(axis.process))
    response = client.get(
        f"/voting/{axis.process.slug}/compare/{axis.pk}/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409
    assert 'role="alert"' in response.content.decode()


def test_the_api_compares_for_organisers_only(voting_axis, organiser):
    axis = _axis(voting_axis)
    api = APIClient()
    url = f"/api/v1/voting/{axis.pk}/compare/"
    assert api.get(url).status_code in (401, 403)
    api.force_authenticate(factories.UserFactory())
    assert api.get(url).status_code == 403
    api.force_authenticate(organiser(axis.process))
    response = api.get(url)
    assert response.status_code == 200
    assert [rule["winner_count"] for rule in response.json()["rules"]] == [1, 1]
    assert response.json()["only_equal_shares"][0]["title"] == "P1"
    assert api.get("/api/v1/voting/999999/compare/").status_code == 404
