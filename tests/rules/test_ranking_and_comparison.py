"""Rankings without a budget, and comparing two outcomes."""

from votes.rules import compare_outcomes, greedy, make_profile, ranking


def test_ranking_by_votes_lists_every_project_with_ties_recorded():
    profile = make_profile(
        projects=[("a", 10), ("b", 10), ("c", 10)], budget=0, ballots=[["b"], ["a", "b"], ["c"]]
    )
    outcome = ranking(profile)
    assert outcome.winners == ("b", "a", "c")
    assert outcome.projects["a"].round == 2
    assert outcome.ties[0].projects == ("a", "c")


def test_ranking_by_borda_and_points():
    profile = make_profile(
        projects=[("a", 1), ("b", 1), ("c", 1)],
        budget=0,
        ballots=[["a", "b", "c"], ["b", "a"], ["b"]],
        kind="ranking",
    )
    # Borda with 3 projects: 2, 1, 0. a = 2 + 1, b = 1 + 2 + 2, c = 0.
    assert ranking(profile, method="borda").winners == ("b", "a", "c")
    assert ranking(profile, method="borda").projects["b"].score == 5
    # Points k, k-1, ... with k = 3: a = 3 + 2, b = 2 + 3 + 3.
    assert ranking(profile, method="points").projects["b"].score == 8


def test_comparison_counts_money_winners_and_satisfied_voters():
    profile = make_profile(
        projects=[("big", 70), ("mid", 50), ("small", 30)],
        budget=100,
        ballots=[["big"], ["big"], ["big"], ["mid"], ["mid"], ["small"]],
    )
    first, second = greedy(profile), greedy(profile, skip=False)
    assert (first.winners, second.winners) == (("big", "small"), ("big",))
    comparison = compare_outcomes(profile, first, second)
    assert comparison.spent == (100, 70)
    assert comparison.winner_count == (2, 1)
    assert comparison.share_of_voters_with_a_winner == (4 / 6, 3 / 6)
    assert comparison.average_winners_per_voter == (4 / 6, 3 / 6)
    assert comparison.average_money_per_voter == (40.0, 35.0)
    assert comparison.only_in_first == ("small",)
    assert comparison.only_in_second == ()
