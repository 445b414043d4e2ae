"""What the visitor may do on a proposal page, asked of the permission predicates once.

The predicates remember the visitor's verification and roles for the request, so a thread of
any length costs the same few queries.
"""

from __future__ import annotations

from django import template

from participation import permissions
from participation.errors import NotAllowed
from participation.models import Axis
from proposals.forms import CommentForm
from proposals.models import Comment, CommentSupport, Proposal

register = template.Library()


def _reason(check, *args: object) -> str:
    """Why the visitor may not do this, or an empty string when they may."""
    try:
        check(*args)
    except NotAllowed as error:
        return error.message
    return ""


@register.inclusion_tag("frontend/proposals/_axis_actions.html", takes_context=True)
def axis_actions(context: template.Context, axis: Axis) -> dict:
    user = context["request"].user
    return {
        "axis": axis,
        "user": user,
        "refusal": _reason(permissions.check_submit_proposal, user, axis),
    }


@register.inclusion_tag("frontend/proposals/_proposal_actions.html", takes_context=True)
def proposal_actions(context: template.Context, proposal: Proposal) -> dict:
    request = context["request"]
    user = request.user
    process = proposal.axis.process
    is_author = user.is_authenticated and proposal.author_id == user.pk
    return {
        "request": request,
        "proposal": proposal,
        "user": user,
        "is_author": is_author,
        "can_edit": permissions.can_edit_proposal(user, proposal),
        "can_withdraw": permissions.can_withdraw_proposal(user, proposal),
        "can_support": permissions.can_support_proposal(user, proposal),
        "can_report": not is_author and permissions.can_report(user, proposal),
        "can_moderate": permissions.can_moderate(user, process),
        "can_evaluate": permissions.can_evaluate(user, proposal),
        "can_select": permissions.can_select(user, proposal),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("frontend/proposals/_comment_form.html", takes_context=True)
def comment_form(context: template.Context, proposal: Proposal) -> dict:
    user = context["request"].user
    return {
        "proposal": proposal,
        "user": user,
        "form": CommentForm(auto_id="id_comment_%s"),
        "refusal": _reason(permissions.check_comment, user, proposal),
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }


def _supported_comment_ids(user, proposal: Proposal) -> frozenset[int]:
    """Comments of this thread the visitor supports: one query per page, kept on the proposal."""
    if not user.is_authenticated:
        return frozenset()
    if "_viewer_comment_supports" not in proposal.__dict__:
        proposal.__dict__["_viewer_comment_supports"] = frozenset(
            CommentSupport.objects.filter(user=user, comment__proposal=proposal).values_list(
                "comment_id", flat=True
            )
        )
    return proposal.__dict__["_viewer_comment_supports"]


@register.inclusion_tag("frontend/proposals/_comment_actions.html", takes_context=True)
def comment_actions(context: template.Context, comment: Comment) -> dict:
    user = context["request"].user
    own = user.is_authenticated and comment.author_id == user.pk
    return {
        "comment": comment,
        "proposal": comment.proposal,
        "can_reply": permissions.can_reply(user, comment),
        "can_edit": own and permissions.can_edit_comment(user, comment),
        "can_delete": own and permissions.can_delete_comment(user, comment),
        "can_report": not own and permissions.can_report(user, comment),
        "can_support": not own and permissions.can_support_comment(user, comment),
        "supported": comment.pk in _supported_comment_ids(user, comment.proposal),
        "can_moderate": permissions.can_moderate(user, comment.proposal.axis.process),
        "csrf_token": context.get("csrf_token"),
    }
