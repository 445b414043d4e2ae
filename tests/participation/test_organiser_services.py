"""Organisers set up processes, phases, axes and roles (services called directly)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from participation import services
from participation.errors import Conflict, DomainError, NotAllowed, NotFound
from participation.models import Axis, Phase, Process, Role
from tests import factories
from tests.proposals import organiser_fixtures

# The shared fixtures of the organiser tests, registered in this module.
_fresh_rate_limits_and_english = organiser_fixtures._fresh_rate_limits_and_english
process = organiser_fixtures.process
organiser = organiser_fixtures.organiser
other_organiser = organiser_fixtures.other_organiser
staff = organiser_fixtures.staff
citizen = organiser_fixtures.citizen

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def test_staff_create_a_process_and_become_its_organiser(staff):
    process = services.process_create(actor=staff, slug="new-one", title="New one")
    assert not process.is_published
    assert Role.objects.filter(user=staff, process=process, kind="organiser").exists()


@pytest.mark.parametrize("who", ["citizen", "organiser"])
def test_only_staff_create_processes(request, who):
    with pytest.raises(NotAllowed):
        services.process_create(actor=request.getfixturevalue(who), slug="x", title="X")
    assert not Process.objects.filter(slug="x").exists()


def test_process_slug_is_unique_and_valid(staff, process):
    with pytest.raises(DomainError) as error:
        services.process_create(actor=staff, slug="park", title="Again")
    assert error.value.field == "slug"
    with pytest.raises(DomainError) as error:
        services.process_create(actor=staff, slug="not a slug!", title="Bad")
    assert error.value.field == "slug"


def test_organiser_updates_the_process(organiser, process):
    updated = services.process_update(
        actor=organiser, process=process, title="Parks 2027", pre_moderation=True
    )
    assert (updated.title, updated.pre_moderation) == ("Parks 2027", True)


def test_organiser_of_another_process_cannot(other_organiser, process):
    with pytest.raises(NotAllowed):
        services.process_update(actor=other_organiser, process=process, title="Mine now")


def test_unknown_fields_are_refused(organiser, process):
    with pytest.raises(DomainError):
        services.process_update(actor=organiser, process=process, slug="moved")


def test_report_threshold_must_be_positive(organiser, process):
    with pytest.raises(DomainError) as error:
        services.process_update(actor=organiser, process=process, report_threshold=0)
    assert error.value.field == "report_threshold"


def _phase(organiser, process, kind, start_days, end_days):
    return services.phase_create(
        actor=organiser,
        process=process,
        kind=kind,
        starts_at=NOW + timedelta(days=start_days),
        ends_at=NOW + timedelta(days=end_days),
    )


def test_phases_are_added_in_order(organiser, process):
    _phase(organiser, process, Phase.Kind.PROPOSALS, 0, 10)
    _phase(organiser, process, Phase.Kind.VOTING, 10, 20)
    assert list(process.phases.values_list("kind", flat=True)) == ["proposals", "voting"]


def test_phases_may_not_overlap_or_repeat_or_end_before_they_start(organiser, process):
    _phase(organiser, process, Phase.Kind.PROPOSALS, 0, 10)
    with pytest.raises(Conflict, match="overlaps"):
        _phase(organiser, process, Phase.Kind.VOTING, 5, 15)
    with pytest.raises(Conflict, match="already has a phase"):
        _phase(organiser, process, Phase.Kind.PROPOSALS, 20, 30)
    with pytest.raises(DomainError) as error:
        _phase(organiser, process, Phase.Kind.RESULTS, 40, 30)
    assert error.value.field == "ends_at"
    assert process.phases.count() == 1


def test_phase_update_and_delete(organiser, process):
    phase = _phase(organiser, process, Phase.Kind.PROPOSALS, 0, 10)
    services.phase_update(actor=organiser, phase=phase, title="Ideas!")
    phase.refresh_from_db()
    assert phase.title == "Ideas!"
    services.phase_delete(actor=organiser, phase=phase)
    assert not process.phases.exists()


def _axis(organiser, process, **fields):
    return services.axis_create(
        actor=organiser,
        process=process,
        **{"slug": "green", "title": "Green", "budget": Decimal("50000"), **fields},
    )


def test_axis_with_its_ballot_and_rule(organiser, process):
    axis = _axis(
        organiser,
        process,
        ballot_type=Axis.BallotType.APPROVAL,
        min_choices=1,
        max_choices=3,
        result_rule=Axis.ResultRule.EQUAL_SHARES,
    )
    assert (axis.ballot_type, axis.max_choices, axis.result_rule) == ("approval", 3, "equal_shares")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"budget": Decimal("-1")}, "budget"),
        ({"min_choices": 3, "max_choices": 2}, "max_choices"),
        ({"ballot_type": "points"}, "points_total"),
        ({"ballot_type": "points", "points_total": 10}, "points_max_per_proposal"),
        (
            {"ballot_type": "points", "points_total": 5, "points_max_per_proposal": 6},
            "points_max_per_proposal",
        ),
        ({"ballot_type": "lottery"}, "ballot_type"),
        ({"min_budget_share": Decimal("1.5")}, "min_budget_share"),
        ({"slug": "Not a slug"}, "slug"),
    ],
)
def test_inconsistent_axes_are_refused_with_the_field(organiser, process, fields, field):
    with pytest.raises(DomainError) as error:
        _axis(organiser, process, **fields)
    assert error.value.field == field
    assert not Axis.objects.exists()


def test_axis_slug_is_unique_in_its_process(organiser, process):
    _axis(organiser, process)
    with pytest.raises(Conflict):
        _axis(organiser, process)


def test_ballot_is_frozen_once_the_vote_has_opened(organiser, process):
    axis = _axis(organiser, process)
    factories.PhaseFactory(
        process=process, kind=Phase.Kind.VOTING, starts_at=NOW - timedelta(days=1)
    )
    with pytest.raises(Conflict, match="ballot cannot change"):
        services.axis_update(actor=organiser, axis=axis, budget=Decimal("1"))
    renamed = services.axis_update(actor=organiser, axis=axis, title="Greener")
    assert renamed.title == "Greener"


def test_roles_are_granted_by_email_and_revoked(organiser, process, citizen):
    role = services.role_grant(
        actor=organiser, process=process, email=citizen.email.upper(), kind="moderator"
    )
    assert role.user == citizen
    with pytest.raises(Conflict):
        services.role_grant(actor=organiser, process=process, email=citizen.email, kind="moderator")
    services.role_revoke(actor=organiser, role=role)
    assert not Role.objects.filter(user=citizen).exists()


def test_granting_to_an_unknown_email_is_a_clear_error(organiser, process):
    with pytest.raises(NotFound) as error:
        services.role_grant(actor=organiser, process=process, email="x@y.z", kind="moderator")
    assert error.value.field == "email"


def test_an_organiser_cannot_remove_their_own_organiser_role(organiser, process):
    role = Role.objects.get(user=organiser, process=process)
    with pytest.raises(Conflict):
        services.role_revoke(actor=organiser, role=role)


def test_moderators_cannot_grant_roles(process, citizen):
    moderator = factories.RoleFactory(process=process, kind="moderator").user
    with pytest.raises(NotAllowed):
        services.role_grant(actor=moderator, process=process, email=citizen.email, kind="organiser")
