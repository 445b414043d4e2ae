"""Moderators' pages: the queue of a process, its decision log, and the decision forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontend.page_actions import domain_errors, posted, service_form
from participation import permissions
from participation import selectors as participation_selectors
from participation.models import Process, User
from proposals import moderation_queue, services
from proposals.forms import ReasonForm, RequiredReasonForm
from proposals.models import Comment, Proposal

QUEUE_PER_PAGE = 25
LOG_PER_PAGE = 50

# action in the URL: (service, form, button label)
PROPOSAL_ACTIONS = {
    "publish": (services.proposal_publish, ReasonForm, gettext_lazy("Publish")),
    "reject": (services.proposal_reject, RequiredReasonForm, gettext_lazy("Reject")),
    "hide": (services.proposal_hide, ReasonForm, gettext_lazy("Hide")),
    "restore": (services.proposal_restore, ReasonForm, gettext_lazy("Restore")),
    "dismiss": (services.reports_dismiss, ReasonForm, gettext_lazy("Dismiss the reports")),
}
COMMENT_ACTIONS = {
    "publish": (services.comment_publish, ReasonForm, gettext_lazy("Publish")),
    "hide": (services.comment_hide, ReasonForm, gettext_lazy("Hide")),
    "restore": (services.comment_restore, ReasonForm, gettext_lazy("Restore")),
    "dismiss": (services.reports_dismiss, ReasonForm, gettext_lazy("Dismiss the reports")),
}
ACCOUNT_ACTIONS = {
    "block": (services.user_block, RequiredReasonForm, gettext_lazy("Block the account")),
    "unblock": (services.user_unblock, ReasonForm, gettext_lazy("Lift the block")),
}


def moderated_process(request: HttpRequest, slug: str) -> Process:
    """The process of the URL, if the visitor moderates it (404 if unseen, 403 otherwise)."""
    try:
        process = participation_selectors.process_get(slug=slug, viewer=request.user)
    except Process.DoesNotExist as error:
        raise Http404(_("No such process.")) from error
    permissions.check_moderate(request.user, process)
    return process


@login_required
@domain_errors
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    process = moderated_process(request, slug)
    items = moderation_queue.moderation_queue(process=process)
    page = Paginator(items, QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "frontend/moderation/queue.html", {"process": process, "page": page})


@login_required
@domain_errors
def log(request: HttpRequest, slug: str) -> HttpResponse:
    process = moderated_process(request, slug)
    decisions = moderation_queue.moderation_log(process=process)
    page = Paginator(decisions, LOG_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "frontend/moderation/log.html", {"process": process, "page": page})


def _decision_page(request, *, process, actions, action, call, context):
    if action not in actions:
        raise Http404(_("No such decision."))
    _service, form_class, label = actions[action]
    form = form_class(*posted(request))
    status = 200
    if request.method == "POST":
        done, status = service_form(request, form, call)
        if done is not None:
            messages.success(request, _("Your decision was recorded."))
            return redirect("frontend:moderation_queue", slug=process.slug)
    return render(
        request,
        "frontend/moderation/decide.html",
        {"process": process, "form": form, "label": label, "action": action, **context},
        status=status,
    )


@login_required
@domain_errors
def decide_proposal(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    """Confirm a decision on a proposal of this process, with a reason (required to reject)."""
    process = moderated_process(request, slug)
    proposal = (
        Proposal.objects.select_related("axis__process", "author")
        .filter(pk=pk, axis__process=process)
        .first()
    )
    if proposal is None or proposal.status in (Proposal.Status.DRAFT,):
        raise Http404(_("No such proposal."))
    service = PROPOSAL_ACTIONS.get(action, (None,))[0]
    return _decision_page(
        request,
        process=process,
        actions=PROPOSAL_ACTIONS,
        action=action,
        call=lambda data: service(moderator=request.user, proposal=proposal, **data),
        context={"proposal": proposal},
    )


@login_required
@domain_errors
def decide_comment(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    """Confirm a decision on a comment of this process."""
    process = moderated_process(request, slug)
    comment = (
        Comment.objects.select_related("proposal__axis__process", "author")
        .filter(pk=pk, proposal__axis__process=process)
        .first()
    )
    if comment is None:
        raise Http404(_("No such comment."))
    service = COMMENT_ACTIONS.get(action, (None,))[0]
    return _decision_page(
        request,
        process=process,
        actions=COMMENT_ACTIONS,
        action=action,
        call=lambda data: service(moderator=request.user, comment=comment, **data),
        context={"comment": comment, "proposal": comment.proposal},
    )


@login_required
@domain_errors
def decide_account(request: HttpRequest, slug: str, user: int, action: str) -> HttpResponse:
    """Block (or unblock) an account that took part in this process."""
    process = moderated_process(request, slug)
    target = User.objects.filter(pk=user).first()
    if target is None:
        raise Http404(_("No such participant."))
    service = ACCOUNT_ACTIONS.get(action, (None,))[0]
    return _decision_page(
        request,
        process=process,
        actions=ACCOUNT_ACTIONS,
        action=action,
        call=lambda data: service(moderator=request.user, process=process, user=target, **data),
        context={"target_user": target},
    )
