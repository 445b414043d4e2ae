"""Importing a Pabulib .pb election as an axis, then computing its results."""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from participation.errors import Conflict, NotAllowed
from participation.models import Axis
from tests import factories
from votes import pabulib, permissions, selectors, services
from votes.models import Ballot, VoterRecord

pytestmark = pytest.mark.django_db

PABULIB = Path(__file__).resolve().parents[2].parent / "shared" / "pabulib"
SMALL = """META
key;value
description;A small test
country;France
unit;Testville
instance;2026
num_projects;3
num_votes;5
budget;100000
vote_type;approval
rule;equalshares
PROJECTS
project_id;cost;name
a;80000;Big park
b;40000;
c;40000;Small square
VOTES
voter_id;vote
1;a
2;a
3;a
4;b,c
5;b,c
"""


def test_a_small_file_becomes_a_closed_axis_with_anonymous_ballots(organiser):
    process = factories.ProcessFactory()
    axis = services.axis_import_pabulib(
        actor=organiser(process), process=process, file=SMALL.encode(), slug="s", title="Small"
    )
    axis = Axis.objects.get(pk=axis.pk)
    assert (axis.ballot_type, axis.budget, axis.max_choices) == ("approval", 100000, None)
    assert (axis.result_rule, axis.completion) == ("equal_shares", "none")
    assert sorted(p.title for p in selectors.ballot_proposals(axis=axis).values()) == [
        "Big park",
        "Small square",
        "b",
    ]
    assert Ballot.objects.filter(axis=axis).count() == 5
    records = VoterRecord.objects.filter(axis=axis)
    assert records.count() == 5 and not records.filter(voter__isnull=False).exists()
    assert len({record.person_hash for record in records}) == 5
    assert selectors.ballot_counts(axis=axis).agree
    assert permissions.voting_is_closed(axis)
    outcome = services.result_compute(axis_id=axis.pk).outcome
    titles = {row["id"]: row["title"] for row in outcome["projects"]}
    assert [titles[winner] for winner in outcome["winners"]] == ["b"]


def test_a_broken_file_names_the_line_and_imports_nothing(organiser):
    process = factories.ProcessFactory()
    broken = SMALL.replace("5;b,c", "5;b,z")
    with pytest.raises(services.PabulibImportError, match="line 23: vote for unknown project"):
        services.axis_import_pabulib(
            actor=None, process=process, file=broken.encode(), slug="s", title="Small"
        )
    assert not Axis.objects.filter(process=process).exists()


def test_only_organisers_import_and_slugs_stay_unique(organiser, user):
    process = factories.ProcessFactory()
    with pytest.raises(NotAllowed):
        services.axis_import_pabulib(
            actor=user, process=process, file=SMALL.encode(), slug="s", title="Small"
        )
    services.axis_import_pabulib(
        actor=None, process=process, file=SMALL.encode(), slug="s", title="Small"
    )
    with pytest.raises(Conflict):
        services.axis_import_pabulib(
            actor=None, process=process, file=SMALL.encode(), slug="s", title="Again"
        )
    assert Axis.objects.filter(process=process).count() == 1


def test_points_and_rankings_are_imported_with_their_ballot_type():
    process = factories.ProcessFactory()
    cumulative = SMALL.replace("vote_type;approval", "vote_type;cumulative").replace(
        "voter_id;vote\n1;a\n2;a\n3;a\n4;b,c\n5;b,c",
        "voter_id;vote;points\n1;a;3\n2;a;3\n3;a;3\n4;b,c;2,1\n5;b,c;1,2",
    )
    axis = services.axis_import_pabulib(
        actor=None, process=process, file=cumulative.encode(), slug="p", title="Points"
    )
    assert (axis.ballot_type, axis.points_total, axis.points_max_per_proposal) == ("points", 3, 3)
    assert sorted(Ballot.objects.filter(axis=axis).values_list("choices", flat=True), key=len)[
        -1
    ].keys() == {str(p.pk) for p in axis.proposals.filter(title__in=["b", "Small square"])}
    ordinal = SMALL.replace("vote_type;approval", "vote_type;ordinal")
    axis = services.axis_import_pabulib(
        actor=None, process=process, file=ordinal.encode(), slug="r", title="Ranking"
    )
    assert axis.ballot_type == "ranking"
    assert services.result_compute(axis_id=axis.pk).outcome["winners"]


def test_the_command_imports_as_the_system(tmp_path):
    process = factories.ProcessFactory()
    path = tmp_path / "small.pb"
    path.write_text(SMALL)
    out = StringIO()
    call_command("pabulib_import", process.slug, str(path), slug="s", title="Small", stdout=out)
    assert "3 proposals and 5 ballots" in out.getvalue()
    path.write_text(SMALL.replace("budget;100000", "budget;lots"))
    with pytest.raises(CommandError, match="line"):
        call_command("pabulib_import", process.slug, str(path), slug="t", title="T", stdout=out)


def test_assen_2024_imports_and_equal_shares_selects_the_same_projects():
    source = PABULIB / "Netherlands_Assen_2024.pb"
    if not source.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{source} is required under CI")
        pytest.skip(f"{source} is absent (the shared Pabulib files are not checked out)")
    election = pabulib.read(source)
    process = factories.ProcessFactory()
    axis = services.axis_import_pabulib(
        actor=None, process=process, file=source.read_bytes(), slug="assen", title="Assen"
    )
    axis.result_rule, axis.completion = Axis.ResultRule.EQUAL_SHARES, Axis.Completion.ADD1
    axis.save()
    outcome = services.result_compute(axis_id=axis.pk).outcome
    titles = {row["id"]: row["title"] for row in outcome["projects"]}
    expected = {p.columns["name"] for p in election.projects if p.columns["selected"] == "1"}
    assert {titles[winner] for winner in outcome["winners"]} == expected
    assert outcome["ballots"] == len(election.votes)


def _upload(content: str, name: str = "small.pb"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content.encode(), content_type="text/plain")


def test_the_page_imports_for_organisers_and_shows_errors(organiser, client):
    process = factories.ProcessFactory()
    url = f"/voting/{process.slug}/import/"
    client.force_login(factories.UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(organiser(process))
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<label for="id_file"' in page
    broken = SMALL.replace("3;a\n", "3;a,a,z\n")
    data = {"title": "Small", "slug": "small", "file": _upload(broken)}
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert "line 21" in response.content.decode()
    assert not Axis.objects.filter(process=process).exists()
    data = {"title": "Small", "slug": "small", "file": _upload(SMALL)}
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == f"/voting/{process.slug}/"
    assert Axis.objects.get(process=process, slug="small").ballots.count() == 5


def test_the_api_imports_for_organisers_only(organiser):
    from rest_framework.test import APIClient

    process = factories.ProcessFactory()
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    data = {"process": process.slug, "slug": "small", "title": "Small", "file": _upload(SMALL)}
    api.force_authenticate(factories.UserFactory())
    assert api.post("/api/v1/voting/import/", data, format="multipart").status_code == 403
    api.force_authenticate(organiser(process))
    broken = {**data, "file": _upload(SMALL.replace("budget;100000", "budget;x"))}
    response = api.post("/api/v1/voting/import/", broken, format="multipart")
    assert response.status_code == 400 and response.json()["code"] == "pabulib_invalid"
    assert "line 9: budget is not a number" in response.json()["detail"]
    response = api.post(
        "/api/v1/voting/import/", {**data, "file": _upload(SMALL)}, format="multipart"
    )
    assert response.status_code == 201
    assert response.json()["proposals"] == 3 and response.json()["ballots"] == 5
