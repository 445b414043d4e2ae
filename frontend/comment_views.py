"""Pages of the comment threads: post, reply, edit for a while, delete, support, report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontend.page_actions import (
    comment_in_url,
    domain_errors,
    posted,
    proposal_in_url,
    service_form,
)
from frontend.proposal_views import report_page
from participation import permissions
from proposals import services
from proposals.forms import CommentForm
from proposals.models import Comment, Proposal


def _comment_posted(request: HttpRequest, comment: Comment) -> HttpResponse:
    if comment.status == Comment.Status.PENDING:
        messages.success(request, _("Your comment will appear once a moderator has read it."))
        return redirect(comment.proposal.get_absolute_url() + "#comments-title")
    messages.success(request, _("Your comment is published."))
    return redirect(f"{comment.proposal.get_absolute_url()}#comment-{comment.pk}")


@login_required
@domain_errors
def comment_create(request: HttpRequest, slug: str, axis: str, pk: int) -> HttpResponse:
    """Post a top-level comment (the form sits on the proposal page; errors come here)."""
    proposal = proposal_in_url(request, slug, axis, pk)
    permissions.check_comment(request.user, proposal)
    return _comment_form_page(request, proposal=proposal, parent=None)


@login_required
@domain_errors
def comment_reply(request: HttpRequest, slug: str, axis: str, pk: int, comment: int):
    proposal = proposal_in_url(request, slug, axis, pk)
    parent = comment_in_url(request, proposal, comment)
    permissions.check_reply(request.user, parent)
    return _comment_form_page(request, proposal=proposal, parent=parent)


def _comment_form_page(request: HttpRequest, *, proposal: Proposal, parent: Comment | None):
    form = CommentForm(*posted(request))
    status = 200
    if request.method == "POST":
        comment, status = service_form(
            request,
            form,
            lambda data: services.comment_create(
                author=request.user, proposal=proposal, parent=parent, body=data["body"]
            ),
        )
        if comment is not None:
            return _comment_posted(request, comment)
    return render(
        request,
        "frontend/proposals/comment_form.html",
        {"form": form, "proposal": proposal, "parent": parent, "comment": None},
        status=status,
    )


@login_required
@domain_errors
def comment_edit(request: HttpRequest, slug: str, axis: str, pk: int, comment: int):
    proposal = proposal_in_url(request, slug, axis, pk)
    target = comment_in_url(request, proposal, comment)
    permissions.check_edit_comment(request.user, target)
    form = CommentForm(*posted(request), initial={"body": target.body})
    status = 200
    if request.method == "POST":
        edited, status = service_form(
            request,
            form,
            lambda data: services.comment_edit(
                actor=request.user, comment=target, body=data["body"]
            ),
        )
        if edited is not None:
            messages.success(request, _("Your comment was changed."))
            return redirect(f"{proposal.get_absolute_url()}#comment-{edited.pk}")
    return render(
        request,
        "frontend/proposals/comment_form.html",
        {"form": form, "proposal": proposal, "parent": None, "comment": target},
        status=status,
    )


@login_required
@domain_errors
def comment_delete(request: HttpRequest, slug: str, axis: str, pk: int, comment: int):
    """Confirm (GET), then delete (POST) one's own comment."""
    proposal = proposal_in_url(request, slug, axis, pk)
    target = comment_in_url(request, proposal, comment)
    permissions.check_delete_comment(request.user, target)
    if request.method == "POST":
        services.comment_delete(actor=request.user, comment=target)
        messages.success(request, _("Your comment was deleted."))
        return redirect(f"{proposal.get_absolute_url()}#comment-{target.pk}")
    return render(
        request,
        "frontend/proposals/comment_delete.html",
        {"proposal": proposal, "comment": target},
    )


@require_POST
@login_required
@domain_errors
def comment_support(request: HttpRequest, slug: str, axis: str, pk: int, comment: int):
    proposal = proposal_in_url(request, slug, axis, pk)
    target = comment_in_url(request, proposal, comment)
    if request.POST.get("action") == "unsupport":
        services.comment_unsupport(user=request.user, comment=target)
    else:
        services.comment_support(user=request.user, comment=target)
    return redirect(f"{proposal.get_absolute_url()}#comment-{target.pk}")


@login_required
@domain_errors
def comment_report(request: HttpRequest, slug: str, axis: str, pk: int, comment: int):
    proposal = proposal_in_url(request, slug, axis, pk)
    target = comment_in_url(request, proposal, comment)
    permissions.check_report(request.user, target)
    return report_page(request, proposal=proposal, comment=target)
