"""Computing, checking and publishing results."""

import hashlib
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from participation.errors import Conflict, NotAllowed
from participation.models import Axis, Notification
from tests import factories
from tests.votes.conftest import end_voting
from votes import pabulib, results, services
from votes.models import Ballot, Result, VoterRecord
from votes.receipts import receipt_hash, receipt_new

pytestmark = pytest.mark.django_db


def vote(axis, *choices):
    """Cast one ballot per choices, each by a new participant."""
    for choice in choices:
        services.ballot_cast(voter=factories.UserFactory(), axis=axis, choices=choice)


def pk(axis, index):
    return axis.test_proposals[index].pk


def closed(axis):
    end_voting(axis)
    services.voting_phases_update()
    fresh = Axis.objects.get(pk=axis.pk)
    fresh.test_proposals = axis.test_proposals
    return fresh


def test_results_cannot_be_computed_while_voting_is_open(voting_axis):
    axis = voting_axis()
    with pytest.raises(Conflict, match="still open"):
        services.result_compute(axis_id=axis.pk)


def test_greedy_funds_the_most_voted_first_and_skips_what_no_longer_fits(voting_axis):
    axis = voting_axis(Axis.BallotType.APPROVAL, costs=(60_000, 50_000, 30_000), max_choices=3)
    axis.budget = Decimal("100000")
    axis.save()
    a, b, c = (pk(axis, i) for i in range(3))
    vote(axis, [a, b], [a, b], [a, c], [b])
    result = services.result_compute(axis_id=closed(axis).pk)
    outcome = result.outcome
    # a: 3 votes (60 000), b: 3 votes (50 000, cheaper so first), c: 1 vote (30 000).
    assert outcome["winners"] == [b, c]
    reasons = {row["id"]: row["reason"] for row in outcome["projects"]}
    assert reasons == {a: "over_budget", b: "selected", c: "selected"}
    assert outcome["budget_used"] == "80000.00"
    assert result.voter_count == result.ballot_count == 4
    assert outcome["turnout"] == {"voters": 4, "eligible": None}


def test_points_and_borda_scores(voting_axis):
    points_axis = voting_axis(Axis.BallotType.POINTS)
    a, b, _ = (pk(points_axis, i) for i in range(3))
    vote(points_axis, {a: 5, b: 1}, {b: 5})
    election = results.election_input(axis=points_axis)
    assert results.project_scores(election)[a] == 5
    assert results.project_scores(election)[b] == 6

    ranking_axis = voting_axis(Axis.BallotType.RANKING, max_choices=2)
    a, b, c = (pk(ranking_axis, i) for i in range(3))
    vote(ranking_axis, [a, b], [b])
    scores = results.project_scores(results.election_input(axis=ranking_axis))
    assert scores == {a: 2, b: 1 + 2, c: 0}  # Borda with 3 proposals: 2, 1, 0


def test_computing_twice_gives_the_same_stored_result(voting_axis):
    axis = voting_axis()
    vote(axis, [pk(axis, 0)], [pk(axis, 1)])
    axis = closed(axis)
    first = services.result_compute(axis_id=axis.pk)
    second = services.result_compute(axis_id=axis.pk)
    assert first.pk == second.pk
    assert Result.objects.filter(axis=axis).count() == 1


def _break_the_count(axis):
    # A ballot without its voter record: what the invariant exists to catch.
    Ballot.objects.create(
        axis=axis, choices=[pk(axis, 0)], receipt_hash=receipt_hash(receipt_new())
    )


def test_count_mismatch_refuses_computation_and_fails_check_ballots(voting_axis):
    axis = voting_axis()
    vote(axis, [pk(axis, 0)])
    axis = closed(axis)
    out = StringIO()
    call_command("check_ballots", stdout=out)
    assert "all agree" in out.getvalue()
    _break_the_count(axis)
    with pytest.raises(services.CountMismatch, match="1 people voted on this axis but there are 2"):
        services.result_compute(axis_id=axis.pk)
    with pytest.raises(CommandError, match="out of step"):
        call_command("check_ballots", stdout=StringIO(), stderr=StringIO())


def test_publishing_notifies_the_voters_once(voting_axis, organiser):
    axis = voting_axis()
    voter = factories.UserFactory()
    services.ballot_cast(voter=voter, axis=axis, choices=[pk(axis, 0)])
    axis = closed(axis)
    result = services.result_compute(axis_id=axis.pk)
    services.result_publish(actor=organiser(axis.process), result=result)
    result.refresh_from_db()
    assert result.published_at is not None
    notification = Notification.objects.get(recipient=voter, kind="results_published")
    assert notification.url.endswith(f"/{axis.slug}/results/")
    with pytest.raises(Conflict, match="already published"):
        services.result_publish(actor=organiser(axis.process), result=result)


def test_only_organisers_publish(voting_axis, user):
    axis = voting_axis()
    vote(axis, [pk(axis, 0)])
    result = services.result_compute(axis_id=closed(axis).pk)
    with pytest.raises(NotAllowed):
        services.result_publish(actor=user, result=result)


def test_a_stale_result_is_not_published(voting_axis, organiser):
    axis = voting_axis()
    vote(axis, [pk(axis, 0)])
    axis = closed(axis)
    result = services.result_compute(axis_id=axis.pk)
    # A late paper ballot entered by an administrator changes the input after computing.
    VoterRecord.objects.create(axis=axis, person_hash="x" * 64)
    Ballot.objects.create(
        axis=axis, choices=[pk(axis, 1)], receipt_hash=receipt_hash(receipt_new())
    )
    with pytest.raises(Conflict, match="compute again"):
        services.result_publish(actor=organiser(axis.process), result=result)


def test_a_broken_count_is_not_published(voting_axis, organiser):
    axis = voting_axis()
    vote(axis, [pk(axis, 0)])
    axis = closed(axis)
    result = services.result_compute(axis_id=axis.pk)
    _break_the_count(axis)
    with pytest.raises(services.CountMismatch):
        services.result_publish(actor=organiser(axis.process), result=result)
    result.refresh_from_db()
    assert result.published_at is None


def test_greedy_on_points_ballots_breaks_ties_by_lower_cost(voting_axis):
    axis = voting_axis(Axis.BallotType.POINTS, costs=(60_000, 50_000, 30_000))
    a, b, c = (pk(axis, i) for i in range(3))
    vote(axis, {a: 5}, {b: 4, c: 5}, {a: 1, c: 1})
    outcome = services.result_compute(axis_id=closed(axis).pk).outcome
    assert outcome["winners"] == [c, a]  # 6 points each: the cheaper first; b no longer fits
    assert [row["votes"] for row in outcome["projects"]] == [6, 6, 4]
    assert outcome["projects"][2]["reason"] == "over_budget"


def test_ranking_rule_ranks_everything_voted_without_a_budget(voting_axis):
    axis = voting_axis(
        Axis.BallotType.RANKING,
        costs=(900_000, 800_000, 700_000),
        max_choices=2,
        result_rule=Axis.ResultRule.RANKING,
    )
    a, b, c = (pk(axis, i) for i in range(3))
    vote(axis, [b, a], [b], [a, b])
    outcome = services.result_compute(axis_id=closed(axis).pk).outcome
    assert outcome["winners"] == [b, a]  # b: 2+2+1, a: 1+2; c has no vote
    assert outcome["projects"][-1] == {**outcome["projects"][-1], "id": c, "reason": "no_votes"}


def test_published_election_downloads_as_pabulib_with_the_stored_checksum(
    voting_axis, organiser, client
):
    axis = voting_axis(Axis.BallotType.POINTS)
    a, b, _ = (pk(axis, i) for i in range(3))
    vote(axis, {a: 5, b: 2}, {b: 4})
    axis = closed(axis)
    result = services.result_compute(axis_id=axis.pk)
    page = f"/processes/{axis.process.slug}/{axis.slug}/results/pabulib/"
    assert client.get(page).status_code == 404  # not published yet
    services.result_publish(actor=organiser(axis.process), result=result)
    response = client.get(page)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert hashlib.sha256(response.content).hexdigest() == result.export_sha256
    election = pabulib.read(response.content)
    assert election.vote_type == "cumulative" and len(election.votes) == 2
    assert {vote.points for vote in election.votes} == {(Decimal(5), Decimal(2)), (Decimal(4),)}
    selected = {p.project_id for p in election.projects if p.columns["selected"] == "1"}
    assert selected == {str(winner) for winner in result.outcome["winners"]}


def _mes_axis(voting_axis, completion):
    # Budget 100 000, 5 voters: three want A (80 000), two want B and C (40 000 each).
    axis = voting_axis(
        Axis.BallotType.APPROVAL,
        costs=(80_000, 40_000, 40_000),
        max_choices=3,
        result_rule=Axis.ResultRule.EQUAL_SHARES,
        completion=completion,
        budget=Decimal("100000"),
    )
    a, b, c = (pk(axis, i) for i in range(3))
    vote(axis, [a], [a], [a], [b, c], [b, c])
    return closed(axis), (a, b, c)


def test_equal_shares_funds_the_minority_where_greedy_does_not(voting_axis):
    axis, (a, b, c) = _mes_axis(voting_axis, Axis.Completion.NONE)
    outcome = services.result_compute(axis_id=axis.pk).outcome
    # Each voter has 20 000: A's three supporters hold 60 000 < 80 000; B's two pay 20 000 each.
    assert outcome["rule"] == "equal_shares"
    assert outcome["winners"] == [b]
    rows = {row["id"]: row for row in outcome["projects"]}
    assert rows[b]["selected"] and rows[b]["round"] == 1 and rows[b]["share"] == "20000"
    assert rows[a]["reason"] == rows[c]["reason"] == "not_affordable"
    assert rows[a]["supporters_money"] == "60000" and rows[c]["supporters_money"] == "0"
    assert outcome["rounds"] == [
        {
            "round": 1,
            "project": b,
            "cost": "40000",
            "budget_left": "60000",
            "stage": "equal_shares",
            "price": "0.5",
        }
    ]
    assert [tie["projects"] for tie in outcome["ties"]] == [[b, c]]  # B before C: same price
    assert all(row["explanation"] for row in outcome["projects"])
    assert outcome["voter_budget"] == "20000"

    greedy = results.election_input(axis=axis)
    greedy = results.outcome_compute(
        results.ElectionInput(**{**greedy.__dict__, "rule": Axis.ResultRule.GREEDY})
    )
    assert greedy["winners"] == [a]


def test_equal_shares_with_completion_is_stored_once(voting_axis):
    axis, (a, b, c) = _mes_axis(voting_axis, Axis.Completion.ADD1)
    first = services.result_compute(axis_id=axis.pk)
    second = services.result_compute(axis_id=axis.pk)
    assert first.pk == second.pk and Result.objects.filter(axis=axis).count() == 1
    assert first.options == {"min_score": 0, "completion": "add1"}
    assert b in first.outcome["winners"]
    assert Decimal(first.outcome["budget_used"]) <= Decimal("100000")
    assert all(row["explanation"] for row in first.outcome["projects"])


def test_equal_shares_leaves_out_projects_below_the_threshold(voting_axis):
    axis = voting_axis(
        result_rule=Axis.ResultRule.EQUAL_SHARES, completion=Axis.Completion.NONE, min_score=2
    )
    a, b, c = (pk(axis, i) for i in range(3))
    vote(axis, [a], [a], [b])
    outcome = services.result_compute(axis_id=closed(axis).pk).outcome
    reasons = {row["id"]: row["reason"] for row in outcome["projects"]}
    assert reasons == {a: "selected", b: "below_threshold", c: "no_votes"}


def test_results_page_explains_each_project_in_plain_words(voting_axis, organiser, client):
    axis, _ids = _mes_axis(voting_axis, Axis.Completion.NONE)
    result = services.result_compute(axis_id=axis.pk)
    services.result_publish(actor=organiser(axis.process), result=result)
    url = f"/processes/{axis.process.slug}/{axis.slug}/results/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<th scope="col">Why</th>' in page
    assert "Funded in round 1: 2 supporters paid 20,000 € each" in page
    assert "its supporters had only 60,000 € left of their shares, and it costs 80,000 €" in page
