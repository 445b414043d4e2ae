"""Notifications in templates: what one says, and the follow buttons of processes and proposals."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from participation import notifications
from participation.models import Notification, Process

register = template.Library()


@register.filter
def notification_text(notification: Notification) -> str:
    """The sentence telling a notification, in the active language."""
    return notifications.notification_text(notification)


@register.inclusion_tag("frontend/notifications/_follow.html", takes_context=True)
def follow_process_button(context: template.Context, process: Process) -> dict:
    """Follow / stop following a process (one query for a signed-in visitor)."""
    request = context["request"]
    return {
        "request": request,
        "user": request.user,
        "following": notifications.is_following(user=request.user, process=process),
        "action": reverse("frontend:follow_process", kwargs={"slug": process.slug}),
        "follow_label": _("Follow this process"),
        "unfollow_label": _("Stop following this process"),
    }


@register.inclusion_tag("frontend/notifications/_follow.html", takes_context=True)
def follow_proposal_button(context: template.Context, proposal) -> dict:
    """Follow / stop following a proposal (one query for a signed-in visitor)."""
    request = context["request"]
    axis = proposal.axis
    return {
        "request": request,
        "user": request.user,
        "following": notifications.is_following(user=request.user, proposal=proposal),
        "action": reverse(
            "frontend:follow_proposal",
            kwargs={"slug": axis.process.slug, "axis": axis.slug, "pk": proposal.pk},
        ),
        "follow_label": _("Follow this proposal"),
        "unfollow_label": _("Stop following this proposal"),
    }
