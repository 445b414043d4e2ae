"""The voting services: casting, secrecy, receipts, changes, eligibility, assisted voting."""

from datetime import date

import pytest

from participation.errors import Conflict, NotAllowed, NotFound
from participation.models import Axis, Follow, Phase, Process
from tests import factories
from tests.votes.conftest import end_voting
from votes import receipts, selectors, services
from votes.ballots import InvalidBallot
from votes.census import identifier_hash
from votes.models import Ballot, CensusEntry, VoterRecord

pytestmark = pytest.mark.django_db


def ids(axis, *indexes):
    return [axis.test_proposals[i].pk for i in indexes]


def test_casting_writes_a_voter_record_and_an_unlinked_ballot(voting_axis, user):
    axis = voting_axis()
    code = services.ballot_cast(voter=user, axis=axis, choices=ids(axis, 0, 2))
    record = VoterRecord.objects.get(axis=axis)
    ballot = Ballot.objects.get(axis=axis)
    assert record.voter == user and record.channel == VoterRecord.Channel.ONLINE
    assert ballot.choices == sorted(ids(axis, 0, 2))
    assert ballot.receipt_hash == receipts.receipt_hash(code)
    assert {f.name for f in Ballot._meta.get_fields()} == {"id", "axis", "choices", "receipt_hash"}


def test_receipt_codes_are_long_grouped_and_forgiving():
    code = receipts.receipt_new()
    assert len(code.split("-")) == 7 and all(len(group) == 4 for group in code.split("-"))
    assert receipts.receipt_hash(code.lower().replace("-", " ")) == receipts.receipt_hash(code)
    assert receipts.receipt_normalise("ABCD") is None
    assert len(receipts.receipt_normalise(code)) * 5 >= 128


def test_second_ballot_for_same_axis_is_refused(voting_axis, user):
    axis = voting_axis()
    services.ballot_cast(voter=user, axis=axis, choices=ids(axis, 0))
    with pytest.raises(Conflict, match="already voted"):
        services.ballot_cast(voter=user, axis=axis, choices=ids(axis, 1))
    assert Ballot.objects.filter(axis=axis).count() == 1


def test_each_axis_has_its_own_ballot(voting_axis, user):
    first = voting_axis()
    second = voting_axis(process=first.process)
    services.ballot_cast(voter=user, axis=first, choices=ids(first, 0))
    services.ballot_cast(voter=user, axis=second, choices=ids(second, 1))
    assert VoterRecord.objects.filter(voter=user).count() == 2


def test_unverified_participant_cannot_vote(voting_axis):
    axis = voting_axis()
    with pytest.raises(NotAllowed, match="Confirm your e-mail"):
        services.ballot_cast(
            voter=factories.UserFactory(verified=False), axis=axis, choices=ids(axis, 0)
        )


def test_vote_is_refused_outside_the_voting_phase(process_in_phase, user):
    axis = factories.AxisFactory(process=process_in_phase(Phase.Kind.PROPOSALS))
    with pytest.raises(NotAllowed, match="not open"):
        services.ballot_cast(voter=user, axis=axis, choices=[])


def test_proposal_not_selected_for_vote_cannot_be_chosen(voting_axis, user):
    axis = voting_axis()
    other = factories.ProposalFactory(axis=axis, selected_for_vote=False)
    with pytest.raises(InvalidBallot, match="not on the ballot"):
        services.ballot_cast(voter=user, axis=axis, choices=[other.pk])
    assert not VoterRecord.objects.exists()


def test_closed_early_vote_refuses_ballots(voting_axis, organiser, user):
    axis = voting_axis()
    services.voting_close(actor=organiser(axis.process), axis=axis)
    axis.refresh_from_db()
    with pytest.raises(NotAllowed, match="not open"):
        services.ballot_cast(voter=user, axis=axis, choices=ids(axis, 0))


def test_only_an_organiser_closes_the_vote(voting_axis, user):
    axis = voting_axis()
    with pytest.raises(NotAllowed):
        services.voting_close(actor=user, axis=axis)


def test_organiser_can_reopen_before_results(voting_axis, organiser, user):
    axis = voting_axis()
    actor = organiser(axis.process)
    services.voting_close(actor=actor, axis=axis)
    services.voting_reopen(actor=actor, axis=axis)
    axis.refresh_from_db()
    services.ballot_cast(voter=user, axis=axis, choices=ids(axis, 0))


# Receipts and changes


def test_receipt_finds_the_ballot(voting_axis, user):
    axis = voting_axis()
    code = services.ballot_cast(voter=user, axis=axis, choices=ids(axis, 1))
    ballot = selectors.ballot_by_receipt(code=code)
    assert ballot.axis == axis and ballot.choices == ids(axis, 1)
    assert selectors.ballot_by_receipt(code=receipts.receipt_new()) is None
    assert selectors.ballot_by_receipt(code="nonsense") is None


def test_changing_replaces_the_ballot_never_two(voting_axis, user):
    axis = voting_axis()
    old = services.ballot_cast(voter=user, axis=axis, choices=ids(axis, 0))
    new = services.ballot_change(voter=user, axis=axis, receipt=old, choices=ids(axis, 1, 2))
    assert Ballot.objects.filter(axis=axis).count() == 1
    assert VoterRecord.objects.filter(axis=axis).count() == 1
    assert selectors.ballot_by_receipt(code=old) is None
    assert selectors.ballot_by_receipt(code=new).choices == sorted(ids(axis, 1, 2))


def test_change_needs_the_voters_own_receipt(voting_axis, user):
    axis = voting_axis()
    services.ballot_cast(voter=user, axis=axis, choices=ids(axis, 0))
    other = factories.UserFactory()
    others_code = services.ballot_cast(voter=other, axis=axis, choices=ids(axis, 2))
    with pytest.raises(services.InvalidReceipt, match="not the one of your ballot"):
        services.ballot_change(voter=user, axis=axis, receipt=others_code, choices=ids(axis, 1))
    with pytest.raises(services.InvalidReceipt, match="not a receipt code"):
        services.ballot_change(voter=user, axis=axis, receipt="1234", choices=ids(axis, 1))
    assert selectors.ballot_by_receipt(code=others_code).choices == ids(axis, 2)


def test_change_without_a_ballot_is_refused(voting_axis, user):
    axis = voting_axis()
    with pytest.raises(NotFound):
        services.ballot_change(
            voter=user, axis=axis, receipt=receipts.receipt_new(), choices=ids(axis, 0)
        )


def test_change_after_the_close_is_refused(voting_axis, organiser, user):
    axis = voting_axis()
    code = services.ballot_cast(voter=user, axis=axis, choices=ids(axis, 0))
    services.voting_close(actor=organiser(axis.process), axis=axis)
    axis.refresh_from_db()
    with pytest.raises(NotAllowed):
        services.ballot_change(voter=user, axis=axis, receipt=code, choices=ids(axis, 1))


def test_counts_agree_after_casts_changes_and_assisted_ballots(voting_axis, mediator, user):
    axis = voting_axis()
    code = services.ballot_cast(voter=user, axis=axis, choices=ids(axis, 0))
    services.ballot_change(voter=user, axis=axis, receipt=code, choices=ids(axis, 1))
    services.ballot_cast(voter=factories.UserFactory(), axis=axis, choices=ids(axis, 2))
    services.ballot_record_assisted(
        mediator=mediator(axis.process),
        axis=axis,
        choices=ids(axis, 0),
        person=services.AssistedPerson(full_name="Jo Doe", birth_date=date(1950, 1, 2)),
        place="Library",
    )
    counts = selectors.ballot_counts(axis=axis)
    assert counts.voters == counts.ballots == 3


# Census


@pytest.fixture
def census_axis(voting_axis):
    axis = voting_axis(process_fields={"eligibility": Process.Eligibility.CENSUS})
    services.census_import(actor=None, process=axis.process, identifiers=["AB-123", "CD 456"])
    return axis


def test_census_is_stored_as_keyed_hashes_only(census_axis):
    hashes = set(CensusEntry.objects.values_list("identifier_hash", flat=True))
    process = census_axis.process
    assert hashes == {identifier_hash(process, "ab123"), identifier_hash(process, "cd456")}
    assert all(len(value) == 64 for value in hashes)


def test_census_import_skips_duplicates_and_reports_them(census_axis, organiser):
    report = services.census_import(
        actor=organiser(census_axis.process),
        process=census_axis.process,
        identifiers=["ab123", "EF-789", "EF 789", "  "],
    )
    assert (report.added, report.already, len(report.rejected)) == (1, 2, 1)


def test_only_organisers_upload_the_census(census_axis, user):
    with pytest.raises(NotAllowed):
        services.census_import(actor=user, process=census_axis.process, identifiers=["x"])


def test_census_vote_needs_a_claimed_identifier(census_axis, user):
    with pytest.raises(NotAllowed, match="residents"):
        services.ballot_cast(voter=user, axis=census_axis, choices=ids(census_axis, 0))
    services.census_claim(user=user, process=census_axis.process, identifier="ab-123")
    services.ballot_cast(voter=user, axis=census_axis, choices=ids(census_axis, 0))
    record = VoterRecord.objects.get(axis=census_axis)
    assert record.person_hash == CensusEntry.objects.get(user=user).identifier_hash


def test_one_census_entry_backs_one_voter(census_axis, user):
    services.census_claim(user=user, process=census_axis.process, identifier="AB123")
    with pytest.raises(Conflict, match="another account"):
        services.census_claim(
            user=factories.UserFactory(), process=census_axis.process, identifier="ab 123"
        )
    with pytest.raises(Conflict, match="already linked"):
        services.census_claim(user=user, process=census_axis.process, identifier="CD456")


def test_unknown_census_identifier_is_refused(census_axis, user):
    with pytest.raises(NotFound, match="not on the residents list"):
        services.census_claim(user=user, process=census_axis.process, identifier="ZZ999")


# Assisted and paper voting


def test_mediator_records_an_assisted_ballot_with_an_audit_trail(voting_axis, mediator):
    axis = voting_axis()
    helper = mediator(axis.process)
    code = services.ballot_record_assisted(
        mediator=helper,
        axis=axis,
        choices=ids(axis, 1),
        person=services.AssistedPerson(full_name="Anaïs Le Goff", birth_date=date(1948, 5, 1)),
        place="Médiathèque Jacques Demy",
        channel=VoterRecord.Channel.PAPER,
    )
    record = VoterRecord.objects.get(axis=axis)
    assert record.mediator == helper and record.place == "Médiathèque Jacques Demy"
    assert record.voter is None and record.channel == VoterRecord.Channel.PAPER
    assert record.created_at is not None and len(record.person_hash) == 64
    assert selectors.ballot_by_receipt(code=code).choices == ids(axis, 1)


def test_same_person_cannot_vote_twice_on_paper(voting_axis, mediator):
    axis = voting_axis()
    helper = mediator(axis.process)
    person = services.AssistedPerson(full_name="Anaïs Le Goff", birth_date=date(1948, 5, 1))
    services.ballot_record_assisted(
        mediator=helper, axis=axis, choices=ids(axis, 1), person=person, place="A"
    )
    same = services.AssistedPerson(full_name="  anais  LE-GOFF ", birth_date=date(1948, 5, 1))
    with pytest.raises(Conflict, match="already voted"):
        services.ballot_record_assisted(
            mediator=helper, axis=axis, choices=ids(axis, 0), person=same, place="B"
        )
    assert Ballot.objects.filter(axis=axis).count() == 1


def test_census_voter_online_cannot_also_vote_with_a_mediator(census_axis, mediator, user):
    services.census_claim(user=user, process=census_axis.process, identifier="AB123")
    services.ballot_cast(voter=user, axis=census_axis, choices=ids(census_axis, 0))
    with pytest.raises(Conflict, match="already voted"):
        services.ballot_record_assisted(
            mediator=mediator(census_axis.process),
            axis=census_axis,
            choices=ids(census_axis, 1),
            person=services.AssistedPerson(census_identifier="ab-123"),
            place="Mairie",
        )


def test_person_recorded_by_a_mediator_cannot_vote_online(census_axis, mediator, user):
    services.ballot_record_assisted(
        mediator=mediator(census_axis.process),
        axis=census_axis,
        choices=ids(census_axis, 1),
        person=services.AssistedPerson(census_identifier="CD456"),
        place="Mairie",
    )
    services.census_claim(user=user, process=census_axis.process, identifier="cd456")
    assert selectors.voter_record_get(axis=census_axis, voter=user) is not None
    with pytest.raises(Conflict, match="mediator or on paper"):
        services.ballot_cast(voter=user, axis=census_axis, choices=ids(census_axis, 0))
    assert selectors.ballot_counts(axis=census_axis).ballots == 1


def test_census_process_needs_the_census_identifier_from_mediators(census_axis, mediator):
    helper = mediator(census_axis.process)
    with pytest.raises(Exception, match="identifier"):
        services.ballot_record_assisted(
            mediator=helper,
            axis=census_axis,
            choices=ids(census_axis, 0),
            person=services.AssistedPerson(full_name="Jo", birth_date=date(1990, 1, 1)),
            place="Mairie",
        )
    with pytest.raises(NotAllowed, match="not on the residents list"):
        services.ballot_record_assisted(
            mediator=helper,
            axis=census_axis,
            choices=ids(census_axis, 0),
            person=services.AssistedPerson(census_identifier="nope"),
            place="Mairie",
        )


def test_only_mediators_record_assisted_ballots(voting_axis, user):
    axis = voting_axis()
    with pytest.raises(NotAllowed, match="mediator"):
        services.ballot_record_assisted(
            mediator=user,
            axis=axis,
            choices=ids(axis, 0),
            person=services.AssistedPerson(full_name="Jo", birth_date=date(1990, 1, 1)),
            place="Mairie",
        )


def test_assisted_ballot_needs_a_place(voting_axis, mediator):
    axis = voting_axis()
    with pytest.raises(Exception, match="where the ballot was recorded"):
        services.ballot_record_assisted(
            mediator=mediator(axis.process),
            axis=axis,
            choices=ids(axis, 0),
            person=services.AssistedPerson(full_name="Jo", birth_date=date(1990, 1, 1)),
            place=" ",
        )


# Phases


def test_periodic_task_announces_the_opening_once_and_closes_at_the_end(voting_axis):
    axis = voting_axis()
    author = axis.test_proposals[0].author
    # Authors follow their proposals (proposal_create makes them); factories do not.
    Follow.objects.create(user=author, proposal=axis.test_proposals[0])
    follower = factories.UserFactory()
    Follow.objects.create(user=follower, process=axis.process)
    changes = services.voting_phases_update()
    assert changes.opened == [axis.pk]
    assert author.notifications.filter(kind="phase_opened").count() == 1
    assert follower.notifications.filter(kind="phase_opened").count() == 1
    assert services.voting_phases_update().opened == []
    assert author.notifications.filter(kind="phase_opened").count() == 1
    end_voting(axis)
    assert services.voting_phases_update().closed == [axis.pk]
    assert services.voting_phases_update().closed == []
    axis.refresh_from_db()
    assert axis.voting_state.closed_at is not None and axis.voting_state.closed_by is None


def test_axis_type_fixture_covers_every_ballot_type(voting_axis):
    for ballot_type in Axis.BallotType.values:
        assert voting_axis(ballot_type).ballot_type == ballot_type
