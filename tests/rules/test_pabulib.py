"""Reading and writing the Pabulib .pb format."""

import copy
import dataclasses
from decimal import Decimal

import numpy as np
import pytest

from tests.rules.shared_files import ALL, shared_file
from votes import pabulib
from votes.pabulib import Election, PabulibError, Project, Vote
from votes.rules.profile import Profile, profile_from_election

APPROVAL = '''META
key;value
description;Small test
num_projects;3
num_votes;3
budget;100.50
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name;selected
p-1;40.25;"Park; with ""swings""";1
B 2;60;Library;0
x;0;Free thing;0
VOTES
voter_id;vote;age
v1;p-1,B 2;34
v2;;51
v3;x;None
'''


def test_reads_meta_projects_and_votes_exactly():
    election = pabulib.read(APPROVAL)
    assert list(election.meta) == [
        "description",
        "num_projects",
        "num_votes",
        "budget",
        "vote_type",
        "rule",
    ]
    assert election.budget == Decimal("100.50")
    assert election.vote_type == "approval"
    park = election.project("p-1")
    assert park.cost == Decimal("40.25")
    assert park.columns == {"name": 'Park; with "swings"', "selected": "1"}
    assert [vote.projects for vote in election.votes] == [("p-1", "B 2"), (), ("x",)]
    assert election.votes[0].columns == {"age": "34"}
    assert election.votes[2].columns == {}  # "None" is Pabulib's empty value
    assert election.votes[0].points is None


def test_reads_paths_text_and_bytes_alike(tmp_path):
    path = tmp_path / "small.pb"
    path.write_bytes(APPROVAL.encode())
    from_text = pabulib.read(APPROVAL)
    assert pabulib.read(path) == from_text
    assert pabulib.read(str(path)) == from_text
    assert pabulib.read(APPROVAL.encode()) == from_text
    assert pabulib.read("\ufeff" + APPROVAL) == from_text  # byte order mark


def test_mixed_line_endings_are_all_line_ends():
    lines = APPROVAL.splitlines()
    endings = ["\r\n", "\n", "\r"]
    mixed = "".join(line + endings[i % 3] for i, line in enumerate(lines))
    assert pabulib.read(mixed) == pabulib.read(APPROVAL)


def test_quoted_field_may_span_lines():
    text = APPROVAL.replace('"Park; with ""swings"""', '"Park\nwith ""swings"""')
    assert pabulib.read(text).project("p-1").columns["name"] == 'Park\nwith "swings"'


@pytest.mark.parametrize(
    ("vote_type", "vote_rows", "expected"),
    [
        ("approval", "1;a,b", (("a", "b"), None)),
        ("choose-1", "1;b", (("b",), None)),
        ("ordinal", "1;b,a", (("b", "a"), None)),
        ("cumulative", "1;a,b;3,2.5", (("a", "b"), (Decimal(3), Decimal("2.5")))),
        ("scoring", "1;a,b;-1,2", (("a", "b"), (Decimal(-1), Decimal(2)))),
    ],
)
def test_every_vote_type_is_read(vote_type, vote_rows, expected):
    points_column = ";points" if vote_type in ("cumulative", "scoring") else ""
    text = (
        f"META\nkey;value\nbudget;10\nvote_type;{vote_type}\nPROJECTS\nproject_id;cost\n"
        f"a;5\nb;5\nVOTES\nvoter_id;vote{points_column}\n{vote_rows}\n"
    )
    election = pabulib.read(text)
    vote = election.votes[0]
    assert (vote.projects, vote.points) == expected
    assert pabulib.read(pabulib.write(election)) == election


@pytest.mark.parametrize("name", ALL)
def test_every_shared_file_reads_back_the_same_after_writing(name):
    election = pabulib.read(shared_file(name))
    assert len(election.projects) == int(election.meta["num_projects"])
    assert len(election.votes) == int(election.meta["num_votes"])
    assert pabulib.read(pabulib.write(election)) == election


def _same_profiles(first: Profile, second: Profile) -> bool:
    arrays = ("ballot_starts", "ballot_projects", "ballot_points")
    return all(
        getattr(first, name).dtype == getattr(second, name).dtype
        and np.array_equal(getattr(first, name), getattr(second, name))
        for name in arrays
    ) and all(
        getattr(first, field.name) == getattr(second, field.name)
        for field in dataclasses.fields(Profile)
        if field.name not in arrays
    )


def _as_built_in_code(election: Election) -> Election:
    """The same election without the arrays the parser keeps for `profile_from_election`."""
    built = Election(meta=election.meta, projects=election.projects, votes=election.votes)
    assert pabulib.ballot_arrays(built) is None
    return built


@pytest.mark.parametrize("name", ALL)
def test_the_profile_of_a_shared_file_is_that_of_its_votes(name):
    election = pabulib.read(shared_file(name))
    assert pabulib.ballot_arrays(election) is not None  # the votes were read all at once
    from_arrays = profile_from_election(election)
    assert _same_profiles(from_arrays, profile_from_election(_as_built_in_code(election)))


@pytest.mark.parametrize(
    ("vote_type", "vote_rows"),
    [
        ("approval", "1;a,b\n2;\n3;b"),
        ("choose-1", "1;b\n2;\n3;a"),
        ("ordinal", "1;b,a\n2;a"),
        ("cumulative", "1;a,b;3,2.5\n2;b;1\n3;;"),
        ("scoring", "1;a,b;1,2\n2;a;0.125"),
    ],
)
def test_profiles_from_the_parsers_arrays_and_from_the_votes_agree(vote_type, vote_rows):
    points_column = ";points" if vote_type in ("cumulative", "scoring") else ""
    text = (
        f"META\nkey;value\nbudget;10\nvote_type;{vote_type}\nPROJECTS\nproject_id;cost\n"
        f"a;5\nb;4.5\nVOTES\nvoter_id;vote{points_column}\n{vote_rows}\n"
    )
    election = pabulib.read(text)
    assert pabulib.ballot_arrays(election) is not None
    from_arrays = profile_from_election(election)
    assert _same_profiles(from_arrays, profile_from_election(_as_built_in_code(election)))
    assert _same_profiles(from_arrays, profile_from_election(election))  # arrays left intact


def test_negative_scores_are_refused_by_the_profile_either_way():
    text = (
        "META\nkey;value\nbudget;10\nvote_type;scoring\nPROJECTS\nproject_id;cost\na;5\n"
        "VOTES\nvoter_id;vote;points\n1;a;-1\n"
    )
    election = pabulib.read(text)
    for either in (election, _as_built_in_code(election)):
        with pytest.raises(ValueError, match="points must not be negative"):
            profile_from_election(either)


def test_unusual_vote_rows_are_read_as_the_usual_ones():
    usual = pabulib.read(APPROVAL)
    # Spaces to strip send the rows to the careful row-by-row reading.
    spaced = pabulib.read(APPROVAL.replace("v1;p-1,B 2;34", "v1 ; p-1 , B 2;34 "))
    assert pabulib.ballot_arrays(spaced) is None
    # Quotes and blank rows in the VOTES section are read with the `csv` module.
    quoted = pabulib.read(APPROVAL.replace("v1;p-1,B 2;34", '"v1";"p-1,B 2";34\n;\n'))
    assert pabulib.ballot_arrays(quoted) is not None
    assert spaced == usual
    assert quoted == usual


def test_votes_read_from_a_file_behave_as_any_election():
    expected = Election(
        meta=pabulib.read(APPROVAL).meta,
        projects=pabulib.read(APPROVAL).projects,
        votes=(
            Vote("v1", ("p-1", "B 2"), columns={"age": "34"}),
            Vote("v2", (), columns={"age": "51"}),
            Vote("v3", ("x",)),
        ),
    )
    # Each check on a new election, whose votes are not built yet.
    assert pabulib.read(APPROVAL) == expected
    assert expected == pabulib.read(APPROVAL)
    assert repr(pabulib.read(APPROVAL)) == repr(expected)
    assert copy.deepcopy(pabulib.read(APPROVAL)) == expected
    assert dataclasses.replace(pabulib.read(APPROVAL), meta={}).votes == expected.votes
    assert dataclasses.asdict(pabulib.read(APPROVAL)) == dataclasses.asdict(expected)
    election = pabulib.read(APPROVAL)
    assert election.votes is election.votes
    with pytest.raises(dataclasses.FrozenInstanceError):
        election.votes = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        Election(meta={}, projects=())  # type: ignore[call-arg]


def test_write_saves_to_a_path(tmp_path):
    election = pabulib.read(APPROVAL)
    text = pabulib.write(election, tmp_path / "out.pb")
    assert (tmp_path / "out.pb").read_text(encoding="utf-8") == text


def test_elections_built_in_code_are_written_as_pabulib():
    election = Election(
        meta={"budget": "10", "vote_type": "cumulative"},
        projects=(Project("1", Decimal("2.5"), {"name": "A;B"}), Project("2", Decimal(3))),
        votes=(Vote("v", ("2", "1"), (Decimal(1), Decimal(2))),),
    )
    assert pabulib.read(pabulib.write(election)) == election


def _malformed(text: str) -> PabulibError:
    with pytest.raises(PabulibError) as caught:
        pabulib.read(text)
    return caught.value


HEAD = "META\nkey;value\nbudget;100\nvote_type;approval\n"
PROJECTS = "PROJECTS\nproject_id;cost\na;10\nb;20\n"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", None, "empty file"),
        ("\n \n;;\n", None, "empty file"),
        ("PROJECTS\nproject_id;cost\n", 1, "PROJECTS section found where META was due"),
        ("nonsense\n" + HEAD, 1, "META section first"),
        (HEAD + PROJECTS, None, "missing VOTES"),
        (HEAD + "VOTES\nvoter_id;vote\n" + PROJECTS, 5, "VOTES section found where PROJECTS"),
        (HEAD + PROJECTS + "VOTES\nvoter_id;vote\n1;a\nMETA\n", 12, "second META"),
        (HEAD + PROJECTS + "VOTES\n", None, "VOTES section has no header"),
        (HEAD + "PROJECTS\nproject_id;cost\na;10;x\n", 7, "expected 2 fields, found 3"),
        (HEAD + "PROJECTS\nproject_id;cost\na;ten\n", 7, "cost of project 'a' is not a number"),
        (HEAD + "PROJECTS\nproject_id;cost\na;NaN\n", 7, "not a number"),
        (HEAD + "PROJECTS\nproject_id;cost\na;-5\n", 7, "negative"),
        (HEAD + "PROJECTS\nproject_id;cost\na;5\na;6\n", 8, "duplicate project_id 'a'"),
        (HEAD + "PROJECTS\nproject_id;cost\n;5\n", 7, "empty project_id"),
        (HEAD + "PROJECTS\nproject_id;price\na;5\n", 6, "lacks the 'cost' column"),
        (HEAD + "PROJECTS\nproject_id;cost;cost\na;5;5\n", 6, "repeats the column"),
        (HEAD + PROJECTS + "VOTES\nvoter_id;vote\n1;a,c\n", 11, "unknown project 'c'"),
        (HEAD + PROJECTS + "VOTES\nvoter_id;vote\n1;a,,b\n", 11, "empty project id"),
        (HEAD + PROJECTS + "VOTES\nvoter_id;vote\n1;a,a\n", 11, "same project twice"),
        (HEAD + PROJECTS + "VOTES\nvoter_id;vote\n1;a\n1;b\n", 12, "duplicate voter_id '1'"),
        (HEAD + PROJECTS + "VOTES\nvoter_id;vote\n1;a;x\n", 11, "expected 2 fields"),
        (HEAD + PROJECTS + "VOTES\nvoter;vote\n1;a\n", 10, "lacks the 'voter_id' column"),
        (HEAD + "num_votes;2\n" + PROJECTS + "VOTES\nvoter_id;vote\n1;a\n", 5, "num_votes"),
        (
            "META\nkey;value\nvote_type;approval\n" + PROJECTS + "VOTES\nvoter_id;vote\n",
            None,
            "lacks the budget",
        ),
        ("META\nkey;value\nbudget;1e\nvote_type;approval\n", 3, "budget is not a number"),
        ("META\nkey;value\nbudget;5\nvote_type;plurality\n" + PROJECTS, 4, "unknown vote_type"),
        ("META\nkey;value\nbudget;5\nbudget;6\n", 4, "given twice"),
        ("META\nkey;value\nbudget;5;x\n", 3, "expected 2 fields"),
    ],
)
def test_malformed_files_are_refused_with_line_and_reason(text, line, reason):
    error = _malformed(text)
    assert error.line == line
    assert reason in error.reason
    assert isinstance(error, ValueError)
    if line is not None:
        assert str(error).startswith(f"line {line}: ")


POINTS_HEAD = "META\nkey;value\nbudget;100\nvote_type;cumulative\n" + PROJECTS


@pytest.mark.parametrize(
    ("votes", "reason"),
    [
        ("VOTES\nvoter_id;vote\n1;a\n", "lacks the 'points' column"),
        ("VOTES\nvoter_id;vote;points\n1;a,b;3\n", "1 points for 2 projects"),
        ("VOTES\nvoter_id;vote;points\n1;a;x\n", "points is not a number"),
        ("VOTES\nvoter_id;vote;points\n1;a;-1\n", "negative points"),
    ],
)
def test_malformed_points_are_refused(votes, reason):
    assert reason in _malformed(POINTS_HEAD + votes).reason


def test_choose_one_votes_name_one_project():
    text = "META\nkey;value\nbudget;100\nvote_type;choose-1\n" + PROJECTS
    error = _malformed(text + "VOTES\nvoter_id;vote\n1;a,b\n")
    assert (error.line, error.reason) == (11, "choose-1 vote names more than one project")


def test_bytes_that_are_not_utf8_are_refused_with_their_line():
    data = (HEAD + "PROJECTS\nproject_id;cost;name\r\na;10;caf\xe9\n").encode("latin-1")
    error = _malformed(data)
    assert error.line == 7
    assert "not UTF-8" in error.reason


def test_missing_file_is_a_pabulib_error(tmp_path):
    with pytest.raises(PabulibError, match="cannot read"):
        pabulib.read(tmp_path / "nowhere.pb")
