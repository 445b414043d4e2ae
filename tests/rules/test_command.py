"""The pabulib_compute management command (no database involved)."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.rules.shared_files import shared_file

ASSEN = "Netherlands_Assen_2024.pb"


def run(*args) -> str:
    out = StringIO()
    call_command("pabulib_compute", *args, stdout=out)
    return out.getvalue()


def test_json_output_is_one_object_with_winners_cost_and_time():
    result = json.loads(run(str(shared_file(ASSEN)), "--rule", "equal_shares", "--json"))
    assert result["rule"] == "equal_shares"
    assert result["winners"] == ["3", "9", "11", "2", "13", "14", "5", "6", "12", "7"]
    assert result["cost"] == 88700
    assert result["seconds"] >= 0


@pytest.mark.parametrize(
    ("args", "winners"),
    [
        (["--rule", "equal_shares_plain"], ["3", "9", "2", "13", "11", "14", "12"]),
        (["--rule", "official"], ["3", "9", "11", "2", "13", "14", "5", "6", "12"]),
        (["--rule", "greedy"], ["3", "9", "8", "11", "2", "13", "14"]),
        (["--rule", "greedy", "--threshold", "30"], ["3", "9"]),
        (["--rule", "equal_shares", "--completion", "add1_until_overspend"], None),
    ],
)
def test_each_rule_can_be_chosen(args, winners):
    result = json.loads(run(str(shared_file(ASSEN)), *args, "--json"))
    if winners is not None:
        assert result["winners"] == winners


def test_text_output_tells_the_winners_and_ties():
    text = run(str(shared_file(ASSEN)), "--rule", "official")
    assert "Winners (9), in selection order: 3, 9, 11, 2" in text
    assert "tie: 11, 2" in text


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run(str(tmp_path / "missing.pb"))


def test_a_malformed_file_gives_its_line(tmp_path):
    path = tmp_path / "bad.pb"
    path.write_text("META\nkey;value\nbudget;ten\nvote_type;approval\n")
    with pytest.raises(CommandError, match="line 3: budget is not a number"):
        run(str(path))


def test_an_unknown_official_rule_is_a_clear_error():
    name = "Canada_Stanford_Dataset_PB_Dieppe_2018_vote_approvals.pb"
    with pytest.raises(CommandError, match="unknown rule 'unknown'"):
        run(str(shared_file(name)), "--rule", "official")


def test_an_unknown_rule_name_is_refused():
    with pytest.raises(CommandError):
        run(str(shared_file(ASSEN)), "--rule", "phragmen")
