"""The voting demo: one process whose vote is open, a past edition with published results."""

import pytest

from participation.demo import DEMO_SLUG, load_demo
from participation.models import Process
from tests.factories import UserFactory
from votes import permissions, selectors
from votes.demo import OPEN_SLUG, PAST_SLUG
from votes.models import Ballot, Result, VoterRecord

pytestmark = pytest.mark.django_db


def test_demo_has_an_axis_in_voting_and_one_with_published_results(client):
    load_demo()
    load_demo()  # idempotent
    main = Process.objects.get(slug=DEMO_SLUG)
    assert main.current_phase().kind == "proposals"

    open_axes = list(Process.objects.get(slug=OPEN_SLUG).axes.all())
    assert open_axes and all(permissions.voting_is_open(axis) for axis in open_axes)
    for axis in open_axes:
        counts = selectors.ballot_counts(axis=axis)
        assert counts.agree and counts.voters > 0
    assert VoterRecord.objects.filter(axis__in=open_axes, channel="paper").exists()

    past_axis = Process.objects.get(slug=PAST_SLUG).axes.get()
    result = Result.objects.get(axis=past_axis)
    assert result.published_at is not None and result.outcome["winners"]
    assert result.voter_count == Ballot.objects.filter(axis=past_axis).count() == 24

    page = client.get(f"/results/{PAST_SLUG}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Funded" in page
    assert client.get("/").content.decode().index(main.title) < client.get(
        "/"
    ).content.decode().index("Petits projets")


def test_voting_state_is_visible_read_only_in_the_admin(client):
    load_demo()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/votes/votingstate/").status_code == 200
    assert client.get("/admin/votes/votingstate/add/").status_code == 403
