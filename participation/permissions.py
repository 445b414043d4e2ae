"""Who may do what: predicates shared by services, pages and the API.

Each predicate answers for one actor and one object; services call them before writing, and
pages use them to show or hide an action.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from participation.errors import NotAllowed
from participation.models import Axis, Phase, Process, Role, User

if TYPE_CHECKING:
    from proposals.models import Comment, Proposal

# Mirrors proposals.models.COMMENT_MAX_DEPTH (participation does not import proposals).
COMMENT_MAX_DEPTH = 3


def is_verified(user: User | None) -> bool:
    """Signed in, active, not blocked, with a verified e-mail address."""
    if user is None or not user.is_authenticated or not user.is_active or user.is_blocked:
        return False
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def has_role(user: User | None, process: Process, *kinds: str) -> bool:
    """Whether the user holds one of these roles in this process (staff hold them all)."""
    if user is None or not user.is_authenticated or not user.is_active or user.is_blocked:
        return False
    if user.is_staff:
        return True
    return Role.objects.filter(user=user, process=process, kind__in=kinds).exists()


def is_organiser(user: User | None, process: Process) -> bool:
    return has_role(user, process, Role.Kind.ORGANISER)


def is_moderator(user: User | None, process: Process) -> bool:
    return has_role(user, process, Role.Kind.MODERATOR, Role.Kind.ORGANISER)


def is_evaluator(user: User | None, process: Process) -> bool:
    return has_role(user, process, Role.Kind.EVALUATOR, Role.Kind.ORGANISER)


def is_mediator(user: User | None, process: Process) -> bool:
    return has_role(user, process, Role.Kind.MEDIATOR)


# --- Actions on proposals, comments and processes ----------------------------------------------
# Each action has a `check_*` that raises NotAllowed with the reason the participant reads, and a
# `can_*` that answers yes or no for pages deciding whether to show a button. Services call the
# `check_*` before writing. What a phase opens is declared as data, in the manner of
# adhocracy4's phase features.

PHASE_FEATURES: dict[str, frozenset[str]] = {
    Phase.Kind.INFORMATION: frozenset(),
    Phase.Kind.PROPOSALS: frozenset({"propose", "support", "comment", "evaluate", "select"}),
    Phase.Kind.REVIEW: frozenset({"comment", "evaluate", "select"}),
    Phase.Kind.VOTING: frozenset(),
    Phase.Kind.RESULTS: frozenset(),
}
COMMENT_EDIT_WINDOW = timedelta(minutes=15)
EDITABLE_PROPOSAL_STATUSES = ("draft", "pending")
WITHDRAWABLE_PROPOSAL_STATUSES = ("draft", "pending", "published")
PUBLIC_STATUSES = ("published", "merged")


def _verified_cached(user: User) -> bool:
    # Remembered on the user object for the life of a request, so that a thread of a thousand
    # comments asks once. Blocking is read from the row itself, never from this memo.
    memo = user.__dict__.get("_encommun_verified")
    if memo is None:
        memo = EmailAddress.objects.filter(user=user, verified=True).exists()
        user.__dict__["_encommun_verified"] = memo
    return memo


def _role_kinds(user: User, process: Process) -> frozenset[str]:
    memo = user.__dict__.setdefault("_encommun_roles", {})
    if process.pk not in memo:
        memo[process.pk] = frozenset(
            Role.objects.filter(user=user, process=process).values_list("kind", flat=True)
        )
    return memo[process.pk]


def forget_memos(user: User | None) -> None:
    """Drop what the predicates remembered about this user (after a role or e-mail change)."""
    if user is not None:
        user.__dict__.pop("_encommun_verified", None)
        user.__dict__.pop("_encommun_roles", None)


def check_participant(user: User | None) -> None:
    """A signed-in, active, unblocked account with a verified e-mail address."""
    if user is None or not user.is_authenticated:
        raise NotAllowed(_("Please log in to do this."))
    if not user.is_active or user.is_blocked:
        raise NotAllowed(_("Your account is blocked: you cannot take part any more."))
    if not _verified_cached(user):
        raise NotAllowed(_("Please verify your e-mail address before taking part."))


def check_role(user: User | None, process: Process, *kinds: str) -> None:
    """One of these roles in this process (staff hold them all)."""
    if user is None or not user.is_authenticated:
        raise NotAllowed(_("Please log in to do this."))
    if not user.is_active or user.is_blocked:
        raise NotAllowed(_("Your account is blocked: you cannot take part any more."))
    if user.is_staff or _role_kinds(user, process) & set(kinds):
        return
    raise NotAllowed(_("Only the team of this process may do this."))


def current_phase_kind(process: Process) -> str | None:
    """The kind of the phase running now (remembered on the process object for the request)."""
    if "_encommun_phase" not in process.__dict__:
        phase = process.current_phase()
        process.__dict__["_encommun_phase"] = phase.kind if phase else None
    return process.__dict__["_encommun_phase"]


def check_phase_allows(process: Process, feature: str) -> None:
    """Raise NotAllowed unless the phase running now opens `feature`."""
    if feature in PHASE_FEATURES.get(current_phase_kind(process) or "", frozenset()):
        return
    messages = {
        "propose": _("Proposals can be submitted only during the proposal phase of this process."),
        "support": _("Proposals can be supported only during the proposal phase."),
        "comment": _("Comments are open only during the proposal and review phases."),
        "evaluate": _("Proposals can be evaluated only during the proposal and review phases."),
        "select": _("The proposals for the vote can be chosen only before the vote opens."),
    }
    message = messages.get(feature, _("This is not possible in the current phase."))
    if feature in ("propose", "support"):
        message = f"{message} {_proposal_phase_dates(process)}".strip()
    raise NotAllowed(message)


def _proposal_phase_dates(process: Process) -> str:
    """When the proposal phase opens or closed, said to someone who came at the wrong time."""
    phase = next((p for p in process.phases.all() if p.kind == Phase.Kind.PROPOSALS), None)
    if phase is None:
        return ""
    if timezone.now() < phase.starts_at:
        return _("It opens on %(date)s.") % {"date": date_format(phase.starts_at, "DATE_FORMAT")}
    return _("It closed on %(date)s.") % {"date": date_format(phase.ends_at, "DATE_FORMAT")}


def _allowed(check: Callable[..., None], *args: object) -> bool:
    try:
        check(*args)
    except NotAllowed:
        return False
    return True


def _check_own(user: User | None, item: object, message: str) -> None:
    if user is None or not user.is_authenticated or item.author_id != user.pk:
        raise NotAllowed(message)


# Proposals


def check_submit_proposal(user: User | None, axis: Axis) -> None:
    check_participant(user)
    check_phase_allows(axis.process, "propose")


def can_submit_proposal(user: User | None, axis: Axis) -> bool:
    return _allowed(check_submit_proposal, user, axis)


def check_edit_proposal(user: User | None, proposal: Proposal) -> None:
    _check_own(user, proposal, _("Only its author may change this proposal."))
    check_participant(user)
    if proposal.status not in EDITABLE_PROPOSAL_STATUSES:
        raise NotAllowed(_("A proposal can be changed only before it is published."))
    check_phase_allows(proposal.axis.process, "propose")


def can_edit_proposal(user: User | None, proposal: Proposal) -> bool:
    return _allowed(check_edit_proposal, user, proposal)


def check_withdraw_proposal(user: User | None, proposal: Proposal) -> None:
    _check_own(user, proposal, _("Only its author may withdraw this proposal."))
    check_participant(user)
    if proposal.status not in WITHDRAWABLE_PROPOSAL_STATUSES or proposal.selected_for_vote:
        raise NotAllowed(_("This proposal can no longer be withdrawn."))
    check_phase_allows(proposal.axis.process, "propose")


def can_withdraw_proposal(user: User | None, proposal: Proposal) -> bool:
    return _allowed(check_withdraw_proposal, user, proposal)


def check_support_proposal(user: User | None, proposal: Proposal) -> None:
    check_participant(user)
    if proposal.status != "published":
        raise NotAllowed(_("Only published proposals can be supported."))
    check_phase_allows(proposal.axis.process, "support")


def can_support_proposal(user: User | None, proposal: Proposal) -> bool:
    return _allowed(check_support_proposal, user, proposal)


def can_view_proposal(user: User | None, proposal: Proposal) -> bool:
    """Public proposals for all; the others for their author and the process' team."""
    if proposal.status in PUBLIC_STATUSES:
        return True
    if user is None or not user.is_authenticated:
        return False
    if proposal.author_id == user.pk:
        return True
    team = (Role.Kind.ORGANISER, Role.Kind.MODERATOR, Role.Kind.EVALUATOR)
    return proposal.status != "draft" and _allowed(check_role, user, proposal.axis.process, *team)


# Comments


def check_comment(user: User | None, proposal: Proposal) -> None:
    check_participant(user)
    if proposal.status != "published":
        raise NotAllowed(_("Only published proposals can be commented on."))
    check_phase_allows(proposal.axis.process, "comment")


def can_comment(user: User | None, proposal: Proposal) -> bool:
    return _allowed(check_comment, user, proposal)


def check_reply(user: User | None, comment: Comment) -> None:
    check_comment(user, comment.proposal)
    if comment.status != "published":
        raise NotAllowed(_("You can reply only to a published comment."))
    if comment.depth >= COMMENT_MAX_DEPTH:
        raise NotAllowed(_("This thread is too deep: reply to an earlier comment."))


def can_reply(user: User | None, comment: Comment) -> bool:
    return _allowed(check_reply, user, comment)


def check_edit_comment(user: User | None, comment: Comment, now: datetime | None = None) -> None:
    _check_own(user, comment, _("Only its author may change this comment."))
    if comment.status not in ("published", "pending"):
        raise NotAllowed(_("This comment can no longer be changed."))
    if (now or timezone.now()) - comment.created_at > COMMENT_EDIT_WINDOW:
        raise NotAllowed(_("A comment can be changed only in the 15 minutes after it is posted."))
    check_participant(user)


def can_edit_comment(user: User | None, comment: Comment) -> bool:
    return _allowed(check_edit_comment, user, comment)


def check_delete_comment(user: User | None, comment: Comment) -> None:
    _check_own(user, comment, _("Only its author may delete this comment."))
    if comment.status == "deleted":
        raise NotAllowed(_("This comment is already deleted."))
    if user.is_blocked or not user.is_active:
        raise NotAllowed(_("Your account is blocked: you cannot take part any more."))


def can_delete_comment(user: User | None, comment: Comment) -> bool:
    return _allowed(check_delete_comment, user, comment)


def check_support_comment(user: User | None, comment: Comment) -> None:
    check_participant(user)
    if comment.status != "published" or comment.proposal.status != "published":
        raise NotAllowed(_("Only published comments can be supported."))
    check_phase_allows(comment.proposal.axis.process, "comment")


def can_support_comment(user: User | None, comment: Comment) -> bool:
    return _allowed(check_support_comment, user, comment)


# Reports


def check_report(user: User | None, item: Proposal | Comment) -> None:
    """Anyone taking part may flag what others published, once."""
    check_participant(user)
    if item.author_id == user.pk:
        raise NotAllowed(_("You cannot report your own contribution."))
    if item.status != "published":
        raise NotAllowed(_("Only published contributions can be reported."))


def can_report(user: User | None, item: Proposal | Comment) -> bool:
    return _allowed(check_report, user, item)


# The process' team


def check_moderate(user: User | None, process: Process) -> None:
    check_role(user, process, Role.Kind.MODERATOR, Role.Kind.ORGANISER)


def can_moderate(user: User | None, process: Process) -> bool:
    return _allowed(check_moderate, user, process)


def check_evaluate(user: User | None, proposal: Proposal) -> None:
    check_role(user, proposal.axis.process, Role.Kind.EVALUATOR, Role.Kind.ORGANISER)
    if proposal.status != "published":
        raise NotAllowed(_("Only published proposals can be evaluated."))
    check_phase_allows(proposal.axis.process, "evaluate")


def can_evaluate(user: User | None, proposal: Proposal) -> bool:
    return _allowed(check_evaluate, user, proposal)


def check_select(user: User | None, proposal: Proposal) -> None:
    """Choose a proposal for the vote, or merge it into another (organisers)."""
    check_role(user, proposal.axis.process, Role.Kind.ORGANISER)
    check_phase_allows(proposal.axis.process, "select")


def can_select(user: User | None, proposal: Proposal) -> bool:
    return _allowed(check_select, user, proposal)


def check_manage_process(user: User | None, process: Process) -> None:
    """Change a process, its phases, axes and team (its organisers and staff)."""
    check_role(user, process, Role.Kind.ORGANISER)


def can_manage_process(user: User | None, process: Process) -> bool:
    return _allowed(check_manage_process, user, process)


def check_create_process(user: User | None) -> None:
    if user is None or not user.is_authenticated or not user.is_active or user.is_blocked:
        raise NotAllowed(_("Please log in to do this."))
    if not user.is_staff:
        raise NotAllowed(_("Only the platform's staff may create a process."))


def can_create_process(user: User | None) -> bool:
    return _allowed(check_create_process, user)
