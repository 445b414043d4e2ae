"""Who may do what: predicates shared by services, pages and the API.

Each predicate answers for one actor and one object; services call them before writing, and
pages use them to show or hide an action.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress

from participation.models import Process, Role, User


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
