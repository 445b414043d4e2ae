"""The official winners (the `selected` column) of real elections, from the rule each file
declares in META: the engine reproduces what the cities decided."""

import pytest

from tests.rules.shared_files import shared_file
from votes import pabulib
from votes.rules import official


def official_check(name: str):
    election = pabulib.read(shared_file(name))
    selected = {p.project_id for p in election.projects if p.columns.get("selected") == "1"}
    outcome = official(election)
    assert set(outcome.winners) == selected
    assert outcome.cost <= election.budget
    return election, outcome


def test_assen_2024_equal_shares_add1():
    election, outcome = official_check("Netherlands_Assen_2024.pb")
    assert election.meta["rule"] == "equalshares/add1"
    # A greedy fill would add project 7 (12,000 fits the 23,300 left): the city did not.
    assert outcome.budget_left == 23300


def test_swiecie_2023_equal_shares_add1():
    election, _ = official_check("Poland_Swiecie_2023.pb")
    assert election.meta["rule"] == "equalshares/add1"


def test_wieliczka_2023_equal_shares_raising_budgets_while_the_outcome_fits():
    election, outcome = official_check("Poland_Wieliczka_2023_Green_Budget.pb")
    assert election.meta["rule"] == "equalshares/add1-comparison"
    assert outcome.rule == "equal_shares/add1_until_overspend"


def test_warsaw_2026_greedy_with_a_threshold_of_3000_votes():
    election, outcome = official_check("Poland_Warszawa_2026.pb")
    assert election.meta["min_project_score_threshold"] == "3000"
    assert any(p.status == "below_threshold" for p in outcome.projects.values())


def test_warsaw_mokotow_2026_greedy_with_a_threshold():
    official_check("Poland_Warszawa_2026_Mokotow.pb")


def test_lodz_2022_greedy_with_a_threshold_of_100_votes():
    official_check("Poland_Lodz_2022.pb")


def test_katowice_2020_greedy_with_a_threshold_of_200_points():
    election, _ = official_check("Poland_Katowice_2020.pb")
    assert election.vote_type == "cumulative"


def test_krakow_2024_greedy_on_rank_points_3_2_1():
    election, outcome = official_check("Poland_Krakow_2024.pb")
    # The file's `score` column is the 3/2/1 count the city ranked by.
    for project in election.projects:
        assert outcome.projects[project.project_id].score == int(project.columns["score"])


def test_krakow_podgorze_2024_greedy_on_rank_points_3_2_1():
    election, outcome = official_check("Poland_Krakow_2024_Podgorze.pb")
    for project in election.projects:
        assert outcome.projects[project.project_id].score == int(project.columns["score"])


def test_wroclaw_2019_greedy_stopping_at_the_first_project_that_does_not_fit():
    election, outcome = official_check("Poland_Wroclaw_2019.pb")
    assert election.meta["rule"] == "greedy-no-skip"
    assert any(p.status == "not_reached" for p in outcome.projects.values())


def test_an_unknown_rule_is_refused_clearly():
    election = pabulib.read(shared_file("Canada_Stanford_Dataset_PB_Dieppe_2018_vote_approvals.pb"))
    with pytest.raises(ValueError, match="unknown rule 'unknown'"):
        official(election)
