"""The greedy rule on small elections checked by hand."""

from fractions import Fraction

import pytest

from votes.rules import greedy, make_profile


def small_election(**kwargs):
    """a: 3 supporters, b and c: 2 each (a tie), d: nobody. Budget 100."""
    return make_profile(
        projects=[("a", 60), ("b", 50), ("c", 40), ("d", 5)],
        budget=100,
        ballots=[["a"], ["a"], ["a", "b"], ["b", "c"], ["c"]],
        **kwargs,
    )


def test_most_supported_first_skipping_what_no_longer_fits():
    outcome = greedy(small_election())
    assert outcome.winners == ("a", "c")
    assert outcome.cost == 100
    b = outcome.projects["b"]
    assert b.status == "did_not_fit"
    assert b.budget_left == 40
    assert "did not fit the remaining budget of 40" in b.explanation
    assert outcome.projects["a"].round == 1
    assert outcome.projects["c"].status == "selected"
    # d has no supporter but is still considered, as pabutools does; nothing is left for it.
    assert outcome.projects["d"].status == "did_not_fit"


def test_equal_scores_are_ordered_by_project_id_and_the_tie_is_recorded():
    outcome = greedy(small_election())
    assert [r.project_id for r in outcome.rounds] == ["a", "c"]
    (tie,) = outcome.ties
    assert tie.projects == ("b", "c")
    assert tie.round == 2
    assert "lexicographic" in tie.broken_by


def test_ids_are_compared_as_strings_like_pabutools():
    profile = make_profile(projects=[("9", 10), ("10", 10)], budget=10, ballots=[["9", "10"]])
    assert greedy(profile).winners == ("10",)


def test_lowest_cost_then_most_votes_breaks_ties_when_asked():
    outcome = greedy(small_election(), tie_breaking="cost_then_votes")
    assert outcome.winners == ("a", "c")
    assert outcome.ties[0].projects == ("c", "b")
    points = make_profile(
        projects=[("x", 10), ("y", 10)],
        budget=10,
        ballots=[["x"], ["y"], ["y"]],
        points=[[4], [2], [2]],
        kind="points",
    )
    # Equal points (4 each) and equal costs: y has more supporters.
    assert greedy(points, tie_breaking="cost_then_votes").winners == ("y",)


def test_no_skip_stops_at_the_first_project_that_does_not_fit():
    outcome = greedy(small_election(), skip=False)
    assert outcome.winners == ("a",)
    assert outcome.projects["b"].status == "did_not_fit"
    assert outcome.projects["c"].status == "not_reached"
    assert "stopped at project b" in outcome.projects["c"].explanation


def test_threshold_makes_low_scores_ineligible():
    outcome = greedy(small_election(), threshold=3)
    assert outcome.winners == ("a",)
    assert outcome.projects["c"].status == "below_threshold"
    assert outcome.ties == ()  # b and c tie, but neither competes
    assert greedy(small_election(), threshold=2).winners == ("a", "c")


def test_points_ballots_rank_by_total_points():
    profile = make_profile(
        projects=[("a", 50), ("b", 50), ("c", 50)],
        budget=100,
        ballots=[["a", "b"], ["b"], ["c"]],
        points=[["1.5", 1], [1], [3]],
        kind="points",
    )
    outcome = greedy(profile)
    assert outcome.winners == ("c", "b")
    assert outcome.projects["c"].score == 3
    assert outcome.projects["a"].score == Fraction(3, 2)


@pytest.mark.parametrize(
    ("rank_points", "winners"),
    [
        ("descending", ("b", "a")),  # 3, 2, 1: a=3+1=4, b=2+3=5, c=1+2=3
        ((3, 2, 1), ("b", "a")),
        ((10, 1), ("b", "a")),  # ranks beyond the scheme get 0: a=10+0, b=1+10, c=0+1
        ("approval", ("a", "b")),  # all 2; ids break the tie
        ("borda", ("b", "a")),  # m-1 = 2, 1, 0: a=2+0, b=1+2, c=0+1
    ],
)
def test_rankings_score_by_rank(rank_points, winners):
    profile = make_profile(
        projects=[("a", 50), ("b", 50), ("c", 50)],
        budget=100,
        ballots=[["a", "b", "c"], ["b", "c", "a"]],
        kind="ranking",
    )
    assert greedy(profile, rank_points=rank_points).winners == winners


def test_exact_money_decides_what_fits():
    # 0.1 + 0.2 > 0.3 in floats; in money it is exactly the budget.
    profile = make_profile(
        projects=[("a", "0.1"), ("b", "0.2")], budget="0.3", ballots=[["a", "b"], ["a"]]
    )
    outcome = greedy(profile)
    assert outcome.winners == ("a", "b")
    assert outcome.budget_left == 0


def test_projects_costing_nothing_are_funded_in_their_turn():
    profile = make_profile(projects=[("a", 10), ("free", 0)], budget=5, ballots=[["free"]])
    assert greedy(profile, skip=False).winners == ("free",)
