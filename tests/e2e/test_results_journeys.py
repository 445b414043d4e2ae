"""After the vote: an organiser closes it, computes and publishes the results from the voting
desk; the public results page shows the winners; a voter reads the notification and marks it
read, and the unread count in the header drops — in French."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from participation.models import Axis, Notification, Phase, Role
from tests import factories
from tests.e2e.conftest import assert_accessible
from votes import services
from votes.models import Result

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def voted_axis(db):
    """A budget axis whose vote is open, with three ballots cast."""
    now = timezone.now()
    process = factories.ProcessFactory(title="Budget participatif de Nantes")
    factories.PhaseFactory(
        process=process,
        kind=Phase.Kind.VOTING,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=10),
    )
    axis = factories.AxisFactory(
        process=process,
        slug="quartiers",
        title="Quartiers",
        ballot_type=Axis.BallotType.BUDGET,
        result_rule=Axis.ResultRule.GREEDY,
        budget=Decimal("50000"),
    )
    skatepark, games, fountain = (
        factories.ProposalFactory(
            axis=axis, title=title, estimated_cost=Decimal(cost), selected_for_vote=True
        )
        for title, cost in (
            ("Un skatepark", 30_000),
            ("Des jeux pour enfants", 25_000),
            ("Une fontaine", 15_000),
        )
    )
    axis.voter = factories.UserFactory(display_name="Camille")
    ballots = {
        axis.voter: [skatepark.pk, fountain.pk],
        factories.UserFactory(): [skatepark.pk, fountain.pk],
        factories.UserFactory(): [fountain.pk, games.pk],
    }
    for voter, choices in ballots.items():
        services.ballot_cast(voter=voter, axis=axis, choices=choices)
    axis.organiser = factories.RoleFactory(process=process, kind=Role.Kind.ORGANISER).user
    return axis


NOTICE = "Les résultats de « Budget participatif de Nantes — Quartiers » ont été publiés."


def _desk(page, axis):
    return page.get_by_role("region", name=axis.title)


def test_organiser_publishes_results_and_voter_reads_the_notification(new_page, voted_axis):
    axis = voted_axis
    # --- The organiser closes the vote, computes and publishes the results from the desk.
    page = new_page(user=axis.organiser)
    page.goto(axis.process.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("link", name="Piloter le vote").click()
    page.get_by_role("heading", level=1, name="Pilotage du vote").wait_for()
    assert "3 votants · 3 bulletins" in _desk(page, axis).inner_text()
    assert_accessible(page)

    _desk(page, axis).get_by_role("button", name="Clore le vote maintenant — Quartiers").click()
    page.get_by_role("status").get_by_text("Le vote sur « Quartiers » est clos.").wait_for()
    _desk(page, axis).get_by_role("button", name="Calculer les résultats — Quartiers").click()
    page.get_by_role("status").get_by_text("sont en cours de calcul").wait_for()
    assert Result.objects.filter(axis=axis).count() == 1  # tasks run in-process here
    page.reload()
    publish = _desk(page, axis).get_by_role(
        "button", name="Publier ces résultats et prévenir les votants"
    )
    assert_accessible(page)
    publish.click()
    page.get_by_role("status").get_by_text(
        "Les résultats de « Quartiers » sont publiés ; les votants en sont informés."
    ).wait_for()
    assert_accessible(page)

    # --- Anyone reads the results: the winners, and why the others lost.
    visitor = new_page()
    visitor.goto(axis.process.get_absolute_url())
    assert_accessible(visitor)
    visitor.get_by_role("link", name="Résultats de « Quartiers »").click()
    visitor.get_by_role("heading", level=1, name="Résultats de « Quartiers »").wait_for()
    assert_accessible(visitor)
    table = visitor.get_by_role("table")
    winners = [
        row.get_by_role("rowheader").inner_text()
        for row in table.get_by_role("row").all()
        if "Financée" in row.inner_text()
    ]
    assert winners == ["Une fontaine", "Un skatepark"]
    games = table.get_by_role("row").filter(has_text="Des jeux pour enfants")
    assert "Ne tenait pas dans le budget restant" in games.inner_text()

    # --- The voter is told: the header counts the unread notification until it is read.
    page = new_page(user=axis.voter)
    page.goto("/")
    inbox = page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name=re.compile("^Notifications")
    )
    assert re.sub(r"\s+", " ", inbox.inner_text()) == "Notifications 1 à lire"
    inbox.click()
    page.get_by_role("heading", level=1, name="Notifications").wait_for()
    assert_accessible(page)
    item = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=NOTICE))
    assert "à lire" in item.inner_text()

    item.get_by_role("button", name=re.compile("^Marquer comme lue")).click()
    item.get_by_role("button", name=re.compile("^Marquer comme lue")).wait_for(state="detached")
    assert "à lire" not in item.inner_text()
    assert inbox.inner_text().strip() == "Notifications"
    assert_accessible(page)
    assert not Notification.objects.filter(recipient=axis.voter, read_at__isnull=True).exists()

    # The results page linked from the notification.
    item.get_by_role("link", name=NOTICE).click()
    page.get_by_role("heading", level=1, name="Résultats de « Quartiers »").wait_for()
    assert_accessible(page)
