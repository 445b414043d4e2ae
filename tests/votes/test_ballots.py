"""Ballot validation, for each ballot type: valid inputs, and invalid ones with what to fix."""

from decimal import Decimal

import pytest

from participation.models import Axis
from votes.ballots import BallotProposal, InvalidBallot, ballot_check, ballot_validate

PROPOSALS = {
    1: BallotProposal(id=1, title="Library", cost=Decimal("40000")),
    2: BallotProposal(id=2, title="Park", cost=Decimal("50000")),
    3: BallotProposal(id=3, title="Wifi", cost=Decimal("30000")),
}


def axis(ballot_type, **fields):
    defaults = {
        "budget": Decimal("100000"),
        "min_choices": 1,
        "max_choices": None,
        "min_budget_share": Decimal(0),
        "points_total": None,
        "points_max_per_proposal": None,
    }
    return Axis(ballot_type=ballot_type, **{**defaults, **fields})


def problems(ballot_axis, choices):
    with pytest.raises(InvalidBallot) as error:
        ballot_validate(axis=ballot_axis, proposals=PROPOSALS, choices=choices)
    return error.value.message


# Approval


def test_approval_between_min_and_max_is_valid_and_sorted():
    ballot_axis = axis(Axis.BallotType.APPROVAL, min_choices=1, max_choices=2)
    assert ballot_validate(axis=ballot_axis, proposals=PROPOSALS, choices=[3, 1]) == [1, 3]


def test_approval_accepts_numeric_strings():
    ballot_axis = axis(Axis.BallotType.APPROVAL)
    assert ballot_validate(axis=ballot_axis, proposals=PROPOSALS, choices=["2"]) == [2]


def test_approval_with_too_many_choices_says_how_many_to_remove():
    message = problems(axis(Axis.BallotType.APPROVAL, max_choices=2), [1, 2, 3])
    assert "at most 2" in message
    assert "remove 1" in message


def test_approval_with_too_few_choices_says_the_minimum():
    message = problems(axis(Axis.BallotType.APPROVAL, min_choices=2, max_choices=3), [1])
    assert "at least 2 proposals (you chose 1)" in message


def test_approval_of_a_proposal_not_on_the_ballot_is_refused():
    message = problems(axis(Axis.BallotType.APPROVAL), [1, 99])
    assert "“99” is not on the ballot" in message


def test_approval_of_the_same_proposal_twice_is_refused():
    message = problems(axis(Axis.BallotType.APPROVAL), [1, 1])
    assert "“Library” is chosen twice" in message


def test_choices_must_be_a_list():
    assert "list of proposal numbers" in problems(axis(Axis.BallotType.APPROVAL), {"1": 1})


# Budget


def test_budget_within_the_budget_is_valid():
    ballot_axis = axis(Axis.BallotType.BUDGET)
    assert ballot_validate(axis=ballot_axis, proposals=PROPOSALS, choices=[2, 1]) == [1, 2]


def test_budget_over_the_budget_says_how_much_to_remove():
    message = problems(axis(Axis.BallotType.BUDGET), [1, 2, 3])
    assert "over the budget" in message
    assert "20" in message and "000 €" in message


def test_budget_under_the_minimum_share_says_how_much_to_add():
    message = problems(axis(Axis.BallotType.BUDGET, min_budget_share=Decimal("0.5")), [3])
    assert "Spend at least" in message
    assert "add proposals worth at least" in message


def test_budget_check_reports_totals_for_the_basket():
    check = ballot_check(axis=axis(Axis.BallotType.BUDGET), proposals=PROPOSALS, choices=[1, 3])
    assert check.is_valid
    assert check.total_cost == Decimal("70000")


# Points


def points_axis(**fields):
    return axis(Axis.BallotType.POINTS, points_total=10, points_max_per_proposal=5, **fields)


def test_points_within_limits_are_valid_and_normalised():
    choices = ballot_validate(axis=points_axis(), proposals=PROPOSALS, choices={3: 5, "1": "4"})
    assert choices == {"1": 4, "3": 5}


def test_points_over_the_total_say_how_many_to_remove():
    message = problems(points_axis(), {"1": 5, "2": 5, "3": 2})
    assert "You gave 12 points but have 10 to spread: remove 2 points." in message


def test_points_over_the_maximum_per_proposal_are_refused():
    assert "At most 5 points per proposal: “Park” has 7." in problems(points_axis(), {"2": 7})


@pytest.mark.parametrize("value", [0, -1, 1.5, "two", True])
def test_points_must_be_positive_whole_numbers(value):
    assert "whole number of points" in problems(points_axis(), {"1": value})


def test_points_must_be_a_mapping():
    assert "mapping of proposal numbers to points" in problems(points_axis(), [1, 2])


def test_points_on_a_proposal_not_on_the_ballot_are_refused():
    assert "not on the ballot" in problems(points_axis(), {"7": 1})


# Ranking


def test_ranking_keeps_its_order():
    ballot_axis = axis(Axis.BallotType.RANKING, max_choices=3)
    assert ballot_validate(axis=ballot_axis, proposals=PROPOSALS, choices=[3, 1, 2]) == [3, 1, 2]


def test_ranking_with_a_duplicate_is_refused():
    message = problems(axis(Axis.BallotType.RANKING, max_choices=3), [3, 1, 3])
    assert "“Wifi” appears twice in your ranking" in message


def test_ranking_longer_than_max_choices_is_refused():
    assert "at most 2" in problems(axis(Axis.BallotType.RANKING, max_choices=2), [3, 1, 2])


def test_empty_ranking_is_refused_when_a_choice_is_required():
    assert "at least 1 proposal (you chose 0)" in problems(axis(Axis.BallotType.RANKING), [])
