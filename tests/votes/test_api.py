"""The vote's API with DRF's client: every ballot type, receipts, census, assisted, results."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from participation.models import Axis, Process
from tests import factories
from tests.votes.conftest import end_voting
from votes import selectors, services
from votes.ballots import ballot_validate
from votes.models import Ballot, CensusEntry, Result, VoterRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def voter_api(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def cast(client, axis, choices):
    return client.post(f"/api/v1/voting/{axis.pk}/ballot/", {"choices": choices}, format="json")


def pks(axis, *indexes):
    return [axis.test_proposals[i].pk for i in indexes]


def test_ballot_description_lists_the_proposals_and_the_limits(api, voting_axis):
    axis = voting_axis(Axis.BallotType.POINTS)
    factories.ProposalFactory(axis=axis)  # not selected: not on the ballot
    body = api.get(f"/api/v1/voting/{axis.pk}/").json()
    assert body["is_open"] is True and body["has_voted"] is False
    assert body["refusal"] == "Log in to vote."
    assert (body["points_total"], body["points_max_per_proposal"]) == (10, 5)
    assert [p["id"] for p in body["proposals"]] == pks(axis, 0, 1, 2)


@pytest.mark.parametrize(
    ("ballot_type", "fields", "valid", "invalid", "message"),
    [
        ("approval", {"max_choices": 2}, [0, 1], [0, 1, 2], "Choose at most 2"),
        ("budget", {"budget": 40_000}, [0, 2], [1, 2], "over the budget"),
        ("points", {}, {0: 5, 1: 3}, {0: 6}, "At most 5 points per proposal"),
        ("ranking", {"max_choices": 3}, [2, 0], [2, 2], "appears twice in your ranking"),
    ],
)
def test_every_ballot_type_accepts_valid_and_explains_invalid_choices(
    voter_api, voting_axis, ballot_type, fields, valid, invalid, message
):
    axis = voting_axis(ballot_type, **fields)

    def to_choices(spec):
        if isinstance(spec, dict):
            return {str(axis.test_proposals[i].pk): n for i, n in spec.items()}
        return [axis.test_proposals[i].pk for i in spec]

    refused = cast(voter_api, axis, to_choices(invalid))
    assert refused.status_code == 400
    assert message in refused.json()["detail"]
    assert refused.json()["field"] == "choices"
    accepted = cast(voter_api, axis, to_choices(valid))
    assert accepted.status_code == 201, accepted.json()
    assert len(accepted.json()["receipt"]) == 34
    assert Ballot.objects.get(axis=axis).choices == ballot_validate(
        axis=axis, proposals=selectors.ballot_proposals(axis=axis), choices=to_choices(valid)
    )


def test_second_ballot_is_a_409(voter_api, voting_axis):
    axis = voting_axis()
    assert cast(voter_api, axis, pks(axis, 0)).status_code == 201
    second = cast(voter_api, axis, pks(axis, 1))
    assert second.status_code == 409
    assert second.json()["code"] == "conflict"


def test_anonymous_cannot_vote(api, voting_axis):
    axis = voting_axis()
    assert cast(api, axis, pks(axis, 0)).status_code == 403


def test_receipt_check_and_change(api, voter_api, voting_axis):
    axis = voting_axis()
    receipt = cast(voter_api, axis, pks(axis, 0)).json()["receipt"]
    checked = api.post("/api/v1/ballots/check/", {"receipt": receipt.lower()}, format="json")
    assert checked.status_code == 200
    assert checked.json()["counted"] is True and checked.json()["choices"] == pks(axis, 0)

    changed = voter_api.post(
        f"/api/v1/voting/{axis.pk}/change/",
        {"receipt": receipt, "choices": pks(axis, 1)},
        format="json",
    )
    assert changed.status_code == 200
    new = changed.json()["receipt"]
    assert (
        api.post("/api/v1/ballots/check/", {"receipt": receipt}, format="json").status_code == 404
    )
    body = api.post("/api/v1/ballots/check/", {"receipt": new}, format="json").json()
    assert body["choices"] == pks(axis, 1)
    assert voter_api.get(f"/api/v1/voting/{axis.pk}/").json()["has_voted"] is True


def test_change_with_a_wrong_receipt_is_refused(voter_api, voting_axis):
    axis = voting_axis()
    cast(voter_api, axis, pks(axis, 0))
    response = voter_api.post(
        f"/api/v1/voting/{axis.pk}/change/",
        {"receipt": "0000-0000-0000-0000-0000-0000-0000", "choices": pks(axis, 1)},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "receipt"


def test_census_upload_and_claim(api, voter_api, voting_axis, organiser, user):
    axis = voting_axis(process_fields={"eligibility": Process.Eligibility.CENSUS})
    process = axis.process
    assert cast(voter_api, axis, pks(axis, 0)).status_code == 403
    body = {"process": process.slug, "identifiers": ["A-1", "B-2", "a1", ""]}
    assert voter_api.post("/api/v1/census/", body, format="json").status_code == 403
    api.force_login(organiser(process))
    report = api.post("/api/v1/census/", body, format="json")
    assert report.status_code == 201
    assert report.json() == {"added": 2, "already": 1, "rejected": 1}
    claim = {"process": process.slug, "identifier": "zz"}
    assert voter_api.post("/api/v1/census/claim/", claim, format="json").status_code == 404
    claim["identifier"] = "b 2"
    assert voter_api.post("/api/v1/census/claim/", claim, format="json").status_code == 200
    assert CensusEntry.objects.get(user=user)
    assert cast(voter_api, axis, pks(axis, 0)).status_code == 201


def test_mediator_records_an_assisted_ballot(api, voting_axis, mediator, user):
    axis = voting_axis()
    body = {
        "choices": pks(axis, 1),
        "place": "Médiathèque",
        "channel": "paper",
        "full_name": "Jo Doe",
        "birth_date": "1950-01-02",
    }
    api.force_login(user)
    assert api.post(f"/api/v1/voting/{axis.pk}/assisted/", body, format="json").status_code == 403
    api.force_login(mediator(axis.process))
    response = api.post(f"/api/v1/voting/{axis.pk}/assisted/", body, format="json")
    assert response.status_code == 201
    assert VoterRecord.objects.get(axis=axis).channel == "paper"
    again = api.post(f"/api/v1/voting/{axis.pk}/assisted/", body, format="json")
    assert again.status_code == 409


def test_close_compute_publish_through_the_api(
    api, voter_api, voting_axis, organiser, django_capture_on_commit_callbacks
):
    axis = voting_axis()
    cast(voter_api, axis, pks(axis, 0))
    assert voter_api.post(f"/api/v1/voting/{axis.pk}/close/").status_code == 403
    api.force_login(organiser(axis.process))
    assert api.post(f"/api/v1/voting/{axis.pk}/compute/").status_code == 409
    assert api.post(f"/api/v1/voting/{axis.pk}/close/").status_code == 200
    assert cast(voter_api, axis, pks(axis, 1)).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/api/v1/voting/{axis.pk}/compute/").status_code == 202
    result = Result.objects.get(axis=axis)
    public = APIClient()
    assert public.get("/api/v1/results/").json()["count"] == 0
    assert api.get("/api/v1/results/").json()["count"] == 1
    published = api.post(f"/api/v1/results/{result.pk}/publish/")
    assert published.status_code == 200
    listed = public.get("/api/v1/results/", {"process": axis.process.slug}).json()
    assert listed["results"][0]["outcome"]["winners"] == pks(axis, 0)


def test_census_eligibility_via_mediator_identifier(api, voting_axis, mediator):
    axis = voting_axis(process_fields={"eligibility": Process.Eligibility.CENSUS})
    services.census_import(actor=None, process=axis.process, identifiers=["X1"])
    api.force_login(mediator(axis.process))
    body = {"choices": pks(axis, 0), "place": "Mairie", "census_identifier": "x-1"}
    assert api.post(f"/api/v1/voting/{axis.pk}/assisted/", body, format="json").status_code == 201
    body["full_name"], body["birth_date"] = "Jo", date(1990, 1, 1).isoformat()
    assert api.post(f"/api/v1/voting/{axis.pk}/assisted/", body, format="json").status_code == 409


def test_ended_phase_closes_through_the_periodic_task(voting_axis):
    from votes.tasks import update_voting_phases

    axis = voting_axis()
    end_voting(axis)
    assert update_voting_phases.delay().get() == {"opened": [], "closed": [axis.pk]}
