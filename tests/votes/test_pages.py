"""The voting pages with Django's client (CSRF enforced): the basket without JavaScript and
with htmx, confirmation, receipts, eligibility, the residents list, assisted ballots."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from participation.models import Axis, Process
from tests import factories
from votes import services
from votes.models import Ballot, CensusEntry, VoterRecord

pytestmark = pytest.mark.django_db


class Browser:
    """Django's client with CSRF checks on, posting with the token of the CSRF cookie."""

    def __init__(self, user=None):
        self.client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            self.client.force_login(user)
        self.client.get("/ballots/check/")  # sets the CSRF cookie

    def get(self, url, **extra):
        return self.client.get(url, **extra)

    def post(self, url, data=None, **extra):
        data = {**(data or {}), "csrfmiddlewaretoken": self.client.cookies["csrftoken"].value}
        return self.client.post(url, data, **extra)


def url(axis, page=""):
    return f"/processes/{axis.process.slug}/{axis.slug}/{page}"


def add(browser, axis, index, op="add", **data):
    proposal = axis.test_proposals[index].pk
    headers = {key: data.pop(key) for key in list(data) if key.startswith("HTTP_")}
    return browser.post(
        url(axis, "vote/basket/"), {"op": op, "proposal": proposal, **data}, **headers
    )


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def voter(user):
    return Browser(user)


def test_ballot_page_shows_the_proposals_and_asks_anonymous_visitors_to_log_in(voting_axis):
    axis = voting_axis(Axis.BallotType.APPROVAL, max_choices=2)
    factories.ProposalFactory(axis=axis, title="Not selected")
    page = text(Browser().get(url(axis, "vote/")))
    assert "Choose between 1 and 2 proposals." in page
    assert "P0" in page and "P2" in page and "Not selected" not in page
    assert "Log in to vote." in page


def test_basket_works_without_javascript(voter, voting_axis):
    axis = voting_axis(Axis.BallotType.APPROVAL, max_choices=2)
    response = add(voter, axis, 0)
    assert response.status_code == 302 and response["Location"].endswith("/vote/#ballot")
    page = text(voter.get(url(axis, "vote/")))
    assert "1 proposal chosen" in page and "Remove" in page
    add(voter, axis, 1)
    add(voter, axis, 2)
    page = text(voter.get(url(axis, "vote/")))
    assert "Choose at most 2 proposals (you chose 3): remove 1." in page
    add(voter, axis, 2, op="remove")
    assert "2 proposals chosen" in text(voter.get(url(axis, "vote/")))


def test_basket_updates_in_place_with_htmx(voter, voting_axis):
    axis = voting_axis(Axis.BallotType.BUDGET, costs=(60_000, 50_000))
    response = add(voter, axis, 0, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = text(response)
    assert body.startswith('<div id="ballot-area"') and "<html" not in body
    assert "60,000 € of 100,000 €" in body and "40,000 € left" in body
    body = text(add(voter, axis, 1, HTTP_HX_REQUEST="true"))
    assert "over the budget" in body


def test_basket_refuses_a_proposal_not_on_the_ballot(voter, voting_axis):
    axis = voting_axis()
    other = factories.ProposalFactory(axis=axis)
    response = voter.post(
        url(axis, "vote/basket/"), {"op": "add", "proposal": other.pk}, HTTP_HX_REQUEST="true"
    )
    assert 'role="alert"' in text(response) and "not on the ballot" in text(response)


def cast_from_basket(browser, axis):
    return browser.post(url(axis, "vote/confirm/"))


@pytest.mark.parametrize(
    ("ballot_type", "fields", "valid_steps", "invalid_steps", "message"),
    [
        ("approval", {"max_choices": 1}, [(0, {})], [(0, {}), (1, {})], "Choose at most 1"),
        ("budget", {"budget": 35_000}, [(2, {})], [(1, {}), (2, {})], "over the budget"),
        (
            "points",
            {"points_total": 6, "points_max_per_proposal": 5},
            [(0, {"op": "points", "points": 5})],
            [(0, {"op": "points", "points": 5}), (1, {"op": "points", "points": 4})],
            "You gave 9 points but have 6 to spread: remove 3 points.",
        ),
        ("ranking", {"max_choices": 1}, [(2, {})], [(2, {}), (0, {})], "Choose at most 1"),
    ],
)
def test_every_ballot_type_is_confirmed_when_valid_and_explained_when_not(
    voter, voting_axis, ballot_type, fields, valid_steps, invalid_steps, message
):
    axis = voting_axis(ballot_type, **fields)
    for index, data in invalid_steps:
        add(voter, axis, index, **data)
    review = voter.get(url(axis, "vote/confirm/"))
    assert message in text(review) and 'role="alert"' in text(review)
    assert "Cast my ballot" not in text(review)
    refused = cast_from_basket(voter, axis)
    assert refused.status_code == 400 and message in text(refused)
    assert not Ballot.objects.exists()

    for index, _data in invalid_steps:
        add(voter, axis, index, op="remove")
    for index, data in valid_steps:
        add(voter, axis, index, **data)
    review = text(voter.get(url(axis, "vote/confirm/")))
    assert "What happens when I confirm" in review and "receipt code" in review
    response = cast_from_basket(voter, axis)
    assert response.status_code == 302 and response["Location"].endswith("/vote/receipt/")
    assert Ballot.objects.filter(axis=axis).count() == 1


def test_ranking_order_follows_moves(voter, voting_axis):
    axis = voting_axis(Axis.BallotType.RANKING, max_choices=3)
    for index in (0, 1, 2):
        add(voter, axis, index)
    add(voter, axis, 2, op="up")
    add(voter, axis, 0, op="down")
    cast_from_basket(voter, axis)
    assert Ballot.objects.get().choices == [axis.test_proposals[i].pk for i in (2, 0, 1)]


def test_points_cannot_be_negative(voter, voting_axis):
    axis = voting_axis(Axis.BallotType.POINTS)
    add(voter, axis, 0, op="points", points=-2)
    assert "Points cannot be negative" in text(voter.get(url(axis, "vote/")))


def test_receipt_is_shown_once_then_checks_the_ballot(voter, voting_axis):
    axis = voting_axis()
    add(voter, axis, 1)
    cast_from_basket(voter, axis)
    page = text(voter.get(url(axis, "vote/receipt/")))
    code = re.search(r"<code>([0-9A-Z-]{34})</code>", page).group(1)
    assert "shown only once" in page
    assert code not in text(voter.get(url(axis, "vote/receipt/")))
    # The server-side session (which holds the account id) never holds the code.
    assert code not in str(dict(voter.client.session))

    anonymous = Browser()
    checked = text(anonymous.post("/ballots/check/", {"receipt": code.lower()}))
    assert "This ballot is in the count" in checked and "P1" in checked
    unknown = text(anonymous.post("/ballots/check/", {"receipt": "A" * 28}))
    assert "No ballot has this receipt code" in unknown and 'role="alert"' in unknown


def test_voter_changes_the_ballot_with_the_receipt_in_the_session(voter, voting_axis):
    axis = voting_axis()
    add(voter, axis, 0)
    cast_from_basket(voter, axis)
    page = text(voter.get(url(axis, "vote/")))
    assert "You have voted on this axis" in page
    assert "1 proposal chosen" in page  # the basket starts from the current ballot
    add(voter, axis, 0, op="remove")
    add(voter, axis, 2)
    assert "Replace my ballot" in text(voter.get(url(axis, "vote/confirm/")))
    response = cast_from_basket(voter, axis)
    assert response.status_code == 302
    assert Ballot.objects.get(axis=axis).choices == [axis.test_proposals[2].pk]
    assert VoterRecord.objects.filter(axis=axis).count() == 1


def test_voter_on_another_device_changes_the_ballot_by_typing_the_receipt(user, voting_axis):
    axis = voting_axis()
    code = services.ballot_cast(voter=user, axis=axis, choices=[axis.test_proposals[0].pk])
    elsewhere = Browser(user)
    add(elsewhere, axis, 1)
    assert 'name="receipt"' in text(elsewhere.get(url(axis, "vote/confirm/")))
    wrong = elsewhere.post(url(axis, "vote/confirm/"), {"receipt": "0" * 28})
    assert wrong.status_code == 400 and "not the one of your ballot" in text(wrong)
    assert elsewhere.post(url(axis, "vote/confirm/"), {"receipt": code}).status_code == 302
    assert Ballot.objects.get(axis=axis).choices == [axis.test_proposals[1].pk]


def test_second_cast_from_another_session_is_a_clear_conflict(user, voting_axis):
    axis = voting_axis()
    first, second = Browser(user), Browser(user)
    add(first, axis, 0)
    add(second, axis, 1)
    assert cast_from_basket(first, axis).status_code == 302
    # The second session prepared its basket before the first voted: confirming must not
    # make a second ballot, and asks for the receipt of the ballot now in the count.
    response = second.post(url(axis, "vote/confirm/"), {"receipt": ""})
    assert response.status_code == 400 and "Enter your receipt code" in text(response)
    assert Ballot.objects.filter(axis=axis).count() == 1


def test_census_eligibility_page(voter, user, voting_axis):
    axis = voting_axis(process_fields={"eligibility": Process.Eligibility.CENSUS})
    services.census_import(actor=None, process=axis.process, identifiers=["NAN-0042"])
    assert "Enter my identifier" in text(voter.get(url(axis, "vote/")))
    page = f"/voting/{axis.process.slug}/eligibility/"
    refused = voter.post(page, {"identifier": "NAN-0043"})
    assert refused.status_code == 404 and "not on the residents list" in text(refused)
    response = voter.post(page, {"identifier": "nan 0042", "next": url(axis, "vote/")})
    assert response.status_code == 302 and response["Location"] == url(axis, "vote/")
    assert CensusEntry.objects.get(user=user)
    assert "Log in to vote" not in text(voter.get(url(axis, "vote/")))


def test_organiser_uploads_the_residents_list(voting_axis, organiser, user):
    axis = voting_axis()
    page = f"/voting/{axis.process.slug}/census/"
    assert Browser(user).get(page).status_code == 403
    desk = Browser(organiser(axis.process))
    upload = SimpleUploadedFile("list.csv", b"identifiant;nom\nA-1;x\nB-2;y\n", "text/csv")
    response = desk.post(page, {"identifiers": "C-3\nA1", "file": upload})
    assert response.status_code == 302
    assert CensusEntry.objects.filter(process=axis.process).count() == 3
    assert "3 residents on the list" in text(desk.get(page))
    binary = SimpleUploadedFile("list.csv", b"\x89PNG\r\n\x1a\n\x00\x00\xff", "text/csv")
    refused = desk.post(page, {"file": binary})
    assert refused.status_code == 200 and "not text in UTF-8" in text(refused)


def test_mediator_records_a_paper_ballot_and_cannot_record_the_same_person_twice(
    voting_axis, mediator, user
):
    axis = voting_axis(Axis.BallotType.POINTS)
    page = url(axis, "vote/assisted/")
    assert Browser(user).get(page).status_code == 403
    desk = Browser(mediator(axis.process))
    form = text(desk.get(page))
    assert "<fieldset>" in form and "<legend>" in form
    data = {
        "full_name": "Jeanne Martin",
        "birth_date": "1941-03-04",
        "place": "Médiathèque",
        "channel": "paper",
        f"p{axis.test_proposals[0].pk}": "3",
    }
    recorded = desk.post(page, data)
    assert recorded.status_code == 200
    assert re.search(r"<code>[0-9A-Z-]{34}</code>", recorded.content.decode())
    assert Ballot.objects.get(axis=axis).choices == {str(axis.test_proposals[0].pk): 3}
    again = desk.post(page, {**data, "full_name": "JEANNE  MARTIN"})
    assert again.status_code == 409 and "already voted" in text(again)
    invalid = desk.post(page, {**data, "full_name": "Paul", f"p{axis.test_proposals[0].pk}": "9"})
    assert invalid.status_code == 400 and "At most 5 points" in text(invalid)


def test_whole_flow_through_the_desk_and_the_public_results(
    voting_axis, organiser, user, django_capture_on_commit_callbacks
):
    axis = voting_axis(Axis.BallotType.APPROVAL, costs=(70_000, 40_000, 20_000), max_choices=2)
    process_page = text(Browser(user).get(f"/processes/{axis.process.slug}/"))
    assert f"Vote on “{axis.title}”" in process_page
    voter = Browser(user)
    add(voter, axis, 0)
    add(voter, axis, 2)
    cast_from_basket(voter, axis)
    services.ballot_cast(
        voter=factories.UserFactory(), axis=axis, choices=[axis.test_proposals[0].pk]
    )
    desk_user = organiser(axis.process)
    desk = Browser(desk_user)
    page = f"/voting/{axis.process.slug}/"
    assert Browser(user).get(page).status_code == 403
    assert "2 voters · 2 ballots" in text(desk.get(page))
    desk.post(page, {"action": "close", "axis": axis.pk})
    assert "Voting closed" in text(desk.get(page))
    with django_capture_on_commit_callbacks(execute=True):
        desk.post(page, {"action": "compute", "axis": axis.pk})
    result = axis.results.get()
    assert "Publish these results" in text(desk.get(page))
    assert "not published yet" in text(Browser().get(f"/results/{axis.process.slug}/"))
    desk.post(page, {"action": "publish", "axis": axis.pk, "result": result.pk})
    public = text(Browser().get(url(axis, "results/")))
    assert "the most voted first" in public
    assert "90,000 € of 100,000 €" in public and "Funded" in public
    assert f"Results of “{axis.title}”" in text(Browser().get(axis.get_absolute_url()))
    assert user.notifications.filter(kind="results_published").exists()


def test_assisted_ballot_with_census_identifier(voting_axis, mediator):
    axis = voting_axis(process_fields={"eligibility": Process.Eligibility.CENSUS})
    services.census_import(actor=None, process=axis.process, identifiers=["Q-7"])
    desk = Browser(mediator(axis.process))
    data = {
        "census_identifier": "q7",
        "place": "Mairie",
        "channel": "assisted",
        "chosen": [axis.test_proposals[1].pk],
        "birth_date": date(1990, 1, 1).isoformat(),
    }
    assert desk.post(url(axis, "vote/assisted/"), data).status_code == 200
    assert VoterRecord.objects.get(axis=axis).channel == "assisted"


def test_ballot_page_query_count_does_not_grow_with_the_proposals(
    voter, voting_axis, django_assert_max_num_queries
):
    small = voting_axis(costs=(1_000,) * 3)
    large = voting_axis(costs=(1_000,) * 30)
    add(voter, small, 0)
    add(voter, large, 0)
    with CaptureQueriesContext(connection) as few:
        voter.get(url(small, "vote/"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert voter.get(url(large, "vote/")).status_code == 200
