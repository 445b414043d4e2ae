"""Template tags that put the vote's links on the pages of processes and axes."""

from __future__ import annotations

from django import template

from participation.models import Axis, Process
from participation.permissions import is_mediator
from votes import permissions, selectors

register = template.Library()


@register.inclusion_tag("frontend/votes/_axis_links.html", takes_context=True)
def vote_links(context: dict, axis: Axis) -> dict:
    """Links to vote on an axis (while open), to its results (once published), and to the
    mediators' and organisers' pages for those who hold the role."""
    user = context.get("user")
    phase = permissions.voting_phase(axis.process)
    return {
        "axis": axis,
        "phase": phase,
        "is_open": permissions.voting_is_open(axis),
        "is_closed": permissions.voting_is_closed(axis),
        "has_result": selectors.result_published(axis=axis) is not None,
        "is_mediator": permissions.voting_is_open(axis) and is_mediator(user, axis.process),
    }


@register.inclusion_tag("frontend/votes/_process_links.html", takes_context=True)
def process_vote_links(context: dict, process: Process) -> dict:
    """Links to a process' results, the receipt check, and the organisers' voting desk."""
    user = context.get("user")
    return {
        "process": process,
        "has_results": bool(selectors.results_published(process=process)),
        "has_voting": permissions.voting_phase(process) is not None,
        "is_organiser": permissions.can_manage_voting(user, process),
        "needs_census": process.eligibility == Process.Eligibility.CENSUS
        and user is not None
        and user.is_authenticated
        and permissions.census_entry_of(user, process) is None,
    }
