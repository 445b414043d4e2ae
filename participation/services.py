"""Writes about participants and their notifications."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participation.errors import Conflict, DomainError, NotFound
from participation.models import Axis, Phase, Process, Role, User

# The notification services live in participation.notifications; these names stay importable
# from here for the services of other apps.
from participation.notifications import MAX_EMAIL_ATTEMPTS as MAX_EMAIL_ATTEMPTS
from participation.notifications import notification_create as notification_create
from participation.notifications import notification_deliver as notification_deliver
from participation.notifications import notifications_pending as notifications_pending
from participation.permissions import check_create_process, check_manage_process
from participation.ratelimit import check_rate

logger = logging.getLogger(__name__)


def user_update_profile(*, user: User, display_name: str, language: str) -> User:
    """Change a participant's public display name and preferred language."""
    display_name = display_name.strip()
    if not display_name:
        raise ValueError("display_name must not be empty")
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    user.display_name = display_name
    user.language = language
    user.save(update_fields=["display_name", "language"])
    return user


# --- Organisers: processes, phases, axes and roles ----------------------------------------------

# What organisers may edit, in the order forms and the API present them.
PROCESS_FIELDS = (
    "title",
    "summary",
    "description",
    "place",
    "is_published",
    "pre_moderation",
    "report_threshold",
    "eligibility",
    "licence",
)
PHASE_FIELDS = ("kind", "title", "description", "starts_at", "ends_at")
AXIS_FIELDS = (
    "slug",
    "title",
    "description",
    "position",
    "budget",
    "ballot_type",
    "min_choices",
    "max_choices",
    "min_budget_share",
    "points_total",
    "points_max_per_proposal",
    "result_rule",
    "completion",
    "min_score",
)
# What voters see on their ballot: frozen once the vote has opened.
BALLOT_FIELDS = frozenset(
    {
        "budget",
        "ballot_type",
        "min_choices",
        "max_choices",
        "min_budget_share",
        "points_total",
        "points_max_per_proposal",
    }
)


def _full_clean(instance, *, exclude: list[str] | None = None) -> None:
    """Model validation, its first problem raised as a DomainError naming the field."""
    try:
        # Constraints are checked by the callers, with messages a person understands.
        instance.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as error:
        errors = error.message_dict
        field = next(iter(errors))
        raise DomainError(
            errors[field][0], field=None if field == NON_FIELD_ERRORS else field
        ) from error


def _apply(instance, changes: dict, allowed: tuple[str, ...]) -> list[str]:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    for name, value in changes.items():
        setattr(instance, name, value.strip() if isinstance(value, str) else value)
    return list(changes)


def process_create(*, actor: User, slug: str, title: str, **fields: object) -> Process:
    """Create a process (platform staff); its creator becomes one of its organisers."""
    check_create_process(actor)
    process = Process(slug=str(slug).strip(), title=str(title).strip())
    _apply(process, fields, PROCESS_FIELDS)
    _full_clean(process)
    check_rate(user_id=actor.pk, action="organiser")
    with transaction.atomic():
        try:
            with transaction.atomic():
                process.save()
        except IntegrityError as error:
            raise Conflict(
                _("This address is already used by another process."), field="slug"
            ) from error
        Role.objects.create(user=actor, process=process, kind=Role.Kind.ORGANISER)
    return process


def process_update(*, actor: User, process: Process, **changes: object) -> Process:
    """Change the settings of a process (its organisers)."""
    check_manage_process(actor, process)
    with transaction.atomic():
        process = Process.objects.select_for_update().get(pk=process.pk)
        _apply(process, changes, PROCESS_FIELDS)
        _full_clean(process)
        check_rate(user_id=actor.pk, action="organiser")
        process.save()
    return process


def _check_phase(phase: Phase) -> None:
    if phase.starts_at is None or phase.ends_at is None:
        raise DomainError(_("Please give the start and the end of the phase."), field="starts_at")
    if phase.ends_at <= phase.starts_at:
        raise DomainError(_("A phase must end after it starts."), field="ends_at")
    others = Phase.objects.filter(process=phase.process).exclude(pk=phase.pk)
    if others.filter(kind=phase.kind).exists():
        raise Conflict(_("This process already has a phase of this kind."), field="kind")
    overlapping = others.filter(starts_at__lt=phase.ends_at, ends_at__gt=phase.starts_at).first()
    if overlapping is not None:
        raise Conflict(
            _("This phase overlaps the phase “%(phase)s”.") % {"phase": overlapping.display_title},
            field="starts_at",
        )


def phase_create(*, actor: User, process: Process, **fields: object) -> Phase:
    """Add a phase to a process; phases neither overlap nor repeat a kind."""
    check_manage_process(actor, process)
    with transaction.atomic():
        Process.objects.select_for_update().get(pk=process.pk)  # serialises phase changes
        phase = Phase(process=process)
        _apply(phase, fields, PHASE_FIELDS)
        _full_clean(phase, exclude=["process"])
        _check_phase(phase)
        check_rate(user_id=actor.pk, action="organiser")
        phase.save()
    return phase


def phase_update(*, actor: User, phase: Phase, **changes: object) -> Phase:
    """Change the kind, dates or texts of a phase."""
    check_manage_process(actor, phase.process)
    with transaction.atomic():
        Process.objects.select_for_update().get(pk=phase.process_id)
        phase = Phase.objects.select_related("process").get(pk=phase.pk)
        _apply(phase, changes, PHASE_FIELDS)
        _full_clean(phase, exclude=["process"])
        _check_phase(phase)
        check_rate(user_id=actor.pk, action="organiser")
        phase.save()
    return phase


def phase_delete(*, actor: User, phase: Phase) -> None:
    """Remove a phase from a process."""
    check_manage_process(actor, phase.process)
    check_rate(user_id=actor.pk, action="organiser")
    phase.delete()


def _check_axis(axis: Axis) -> None:
    if axis.budget is not None and axis.budget < 0:
        raise DomainError(_("The budget cannot be negative."), field="budget")
    if axis.max_choices is not None and axis.max_choices < axis.min_choices:
        raise DomainError(
            _("The maximum number of choices cannot be below the minimum."), field="max_choices"
        )
    if axis.ballot_type == Axis.BallotType.POINTS:
        if not axis.points_total:
            raise DomainError(_("A points ballot needs points to spread."), field="points_total")
        if not axis.points_max_per_proposal:
            raise DomainError(
                _("A points ballot needs a maximum per proposal."), field="points_max_per_proposal"
            )
    if (
        axis.points_total
        and axis.points_max_per_proposal
        and axis.points_max_per_proposal > axis.points_total
    ):
        raise DomainError(
            _("The maximum per proposal cannot exceed the points to spread."),
            field="points_max_per_proposal",
        )


def _vote_has_opened(process: Process) -> bool:
    return Phase.objects.filter(
        process=process, kind=Phase.Kind.VOTING, starts_at__lte=timezone.now()
    ).exists()


def axis_create(*, actor: User, process: Process, **fields: object) -> Axis:
    """Add an axis (theme, budget, ballot and result rule) to a process."""
    check_manage_process(actor, process)
    axis = Axis(process=process)
    _apply(axis, fields, AXIS_FIELDS)
    _full_clean(axis, exclude=["process"])
    _check_axis(axis)
    if Axis.objects.filter(process=process, slug=axis.slug).exists():
        raise Conflict(_("Another axis of this process has this address."), field="slug")
    check_rate(user_id=actor.pk, action="organiser")
    try:
        with transaction.atomic():
            axis.save()
    except IntegrityError as error:
        raise Conflict(_("Another axis of this process has this address."), field="slug") from error
    return axis


def axis_update(*, actor: User, axis: Axis, **changes: object) -> Axis:
    """Change an axis; what shapes the ballot is frozen once the vote has opened."""
    check_manage_process(actor, axis.process)
    with transaction.atomic():
        axis = Axis.objects.select_for_update().select_related("process").get(pk=axis.pk)
        changed = {name for name, value in changes.items() if getattr(axis, name, value) != value}
        if changed & BALLOT_FIELDS and _vote_has_opened(axis.process):
            raise Conflict(_("The ballot cannot change once the vote has opened."))
        _apply(axis, changes, AXIS_FIELDS)
        _full_clean(axis, exclude=["process"])
        _check_axis(axis)
        if Axis.objects.filter(process=axis.process, slug=axis.slug).exclude(pk=axis.pk).exists():
            raise Conflict(_("Another axis of this process has this address."), field="slug")
        check_rate(user_id=actor.pk, action="organiser")
        axis.save()
    return axis


def role_grant(*, actor: User, process: Process, email: str, kind: str) -> Role:
    """Give the account with this e-mail address a role in the process (its organisers)."""
    check_manage_process(actor, process)
    if kind not in Role.Kind.values:
        raise DomainError(_("Unknown role."), field="kind")
    user = User.objects.filter(email__iexact=str(email).strip()).first()
    if user is None:
        raise NotFound(_("No account uses this e-mail address."), field="email")
    check_rate(user_id=actor.pk, action="organiser")
    try:
        with transaction.atomic():
            role = Role.objects.create(user=user, process=process, kind=kind)
    except IntegrityError as error:
        raise Conflict(_("This person already holds this role."), field="email") from error
    return role


def role_revoke(*, actor: User, role: Role) -> None:
    """Take a role back; organisers cannot remove their own organiser role."""
    check_manage_process(actor, role.process)
    if role.user_id == actor.pk and role.kind == Role.Kind.ORGANISER:
        raise Conflict(_("You cannot remove your own organiser role."))
    check_rate(user_id=actor.pk, action="organiser")
    role.delete()
