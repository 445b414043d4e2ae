"""Pages where citizens write, support and report proposals, and find them.

Every action is a plain form with a CSRF token that redirects after a successful POST, so the
pages work without JavaScript; htmx swaps the support button in place when it is there. The
services check permissions and rules; these views parse, call, and render the outcome.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontend.page_actions import (
    domain_errors,
    posted,
    proposal_in_url,
    refuse,
    service_form,
)
from frontend.views import PROPOSALS_PER_PAGE, _get_axis
from participation import permissions
from participation import selectors as participation_selectors
from participation.errors import DomainError
from participation.models import Process, Role
from proposals import selectors, services
from proposals.forms import ProposalEditForm, ProposalForm, ReportForm
from proposals.models import Comment, Proposal


@login_required
@domain_errors
def proposal_create(request: HttpRequest, slug: str, axis: str) -> HttpResponse:
    axis_obj = _get_axis(request, slug, axis)
    permissions.check_submit_proposal(request.user, axis_obj)
    form = ProposalForm(*posted(request, files=True))
    status = 200
    if request.method == "POST":
        submit = request.POST.get("intent") == "submit"
        proposal, status = service_form(
            request,
            form,
            lambda data: services.proposal_create(
                author=request.user, axis=axis_obj, submit=submit, **data
            ),
        )
        if proposal is not None:
            messages.success(request, _submitted_message(proposal))
            return redirect(proposal.get_absolute_url())
    return render(
        request,
        "frontend/proposals/form.html",
        {"form": form, "axis": axis_obj, "process": axis_obj.process, "proposal": None},
        status=status,
    )


def _submitted_message(proposal: Proposal) -> str:
    return {
        Proposal.Status.DRAFT: _("Your draft was saved. Only you can see it."),
        Proposal.Status.PENDING: _(
            "Your proposal was submitted. It will be published once a moderator has read it."
        ),
        Proposal.Status.PUBLISHED: _("Your proposal is published."),
    }.get(proposal.status, _("Your proposal was saved."))


@login_required
@domain_errors
def proposal_edit(request: HttpRequest, slug: str, axis: str, pk: int) -> HttpResponse:
    proposal = proposal_in_url(request, slug, axis, pk)
    permissions.check_edit_proposal(request.user, proposal)
    form = ProposalEditForm(
        *posted(request, files=True), initial=ProposalForm.initial_from(proposal)
    )
    status = 200
    if request.method == "POST":
        submit = request.POST.get("intent") == "submit"
        updated, status = service_form(
            request,
            form,
            lambda data: services.proposal_update(actor=request.user, proposal=proposal, **data),
        )
        if updated is not None:
            if submit and updated.status == Proposal.Status.DRAFT:
                updated = services.proposal_submit(actor=request.user, proposal=updated)
                messages.success(request, _submitted_message(updated))
            else:
                messages.success(request, _("Your changes were saved."))
            return redirect(updated.get_absolute_url())
    return render(
        request,
        "frontend/proposals/form.html",
        {
            "form": form,
            "axis": proposal.axis,
            "process": proposal.axis.process,
            "proposal": proposal,
        },
        status=status,
    )


@require_POST
@login_required
@domain_errors
def proposal_submit(request: HttpRequest, slug: str, axis: str, pk: int) -> HttpResponse:
    proposal = proposal_in_url(request, slug, axis, pk)
    proposal = services.proposal_submit(actor=request.user, proposal=proposal)
    messages.success(request, _submitted_message(proposal))
    return redirect(proposal.get_absolute_url())


@require_POST
@login_required
@domain_errors
def proposal_withdraw(request: HttpRequest, slug: str, axis: str, pk: int) -> HttpResponse:
    proposal = proposal_in_url(request, slug, axis, pk)
    services.proposal_withdraw(actor=request.user, proposal=proposal)
    messages.success(request, _("Your proposal was withdrawn."))
    return redirect("frontend:my_proposals")


@require_POST
@login_required
def proposal_support(request: HttpRequest, slug: str, axis: str, pk: int) -> HttpResponse:
    """Support or withdraw one's support; htmx gets the button back, others a redirect."""
    proposal = proposal_in_url(request, slug, axis, pk)
    withdraw = request.POST.get("action") == "unsupport"
    error = None
    try:
        if withdraw:
            proposal = services.proposal_unsupport(user=request.user, proposal=proposal)
        else:
            proposal = services.proposal_support(user=request.user, proposal=proposal)
    except DomainError as refused:
        error = refused
    if getattr(request, "htmx", False):
        proposal = selectors.proposal_get(pk=proposal.pk, viewer=request.user)
        return render(
            request,
            "frontend/proposals/_support.html",
            {
                "proposal": proposal,
                "can_support": permissions.can_support_proposal(request.user, proposal),
                "error": error.message if error else "",
            },
        )
    if error is not None:
        return refuse(request, error, proposal=proposal)
    messages.success(
        request,
        _("Your support was withdrawn.") if withdraw else _("Thank you for your support."),
    )
    return redirect(proposal.get_absolute_url())


@login_required
@domain_errors
def proposal_report(request: HttpRequest, slug: str, axis: str, pk: int) -> HttpResponse:
    proposal = proposal_in_url(request, slug, axis, pk)
    permissions.check_report(request.user, proposal)
    return report_page(request, proposal=proposal, comment=None)


def report_page(request: HttpRequest, *, proposal: Proposal, comment: Comment | None):
    form = ReportForm(*posted(request))
    status = 200
    if request.method == "POST":
        report, status = service_form(
            request,
            form,
            lambda data: services.report_create(
                reporter=request.user,
                reason=data["reason"],
                proposal=None if comment else proposal,
                comment=comment,
            ),
        )
        if report is not None:
            messages.success(request, _("Thank you. The moderators will look at it."))
            return redirect(proposal.get_absolute_url())
    return render(
        request,
        "frontend/proposals/report.html",
        {"form": form, "proposal": proposal, "comment": comment},
        status=status,
    )


# --- Lists ------------------------------------------------------------------------------------


@login_required
def my_proposals(request: HttpRequest) -> HttpResponse:
    """The participant's own proposals in every state, and the processes they help run."""
    proposals = selectors.proposal_list_of_author(author=request.user)
    page = Paginator(proposals, PROPOSALS_PER_PAGE).get_page(request.GET.get("page"))
    roles = (
        Role.objects.filter(user=request.user)
        .select_related("process")
        .order_by("process__title", "kind")
    )
    return render(
        request,
        "frontend/proposals/mine.html",
        {
            "page": page,
            "roles": roles,
            "can_create_process": permissions.can_create_process(request.user),
            "staff_processes": Process.objects.order_by("title") if request.user.is_staff else [],
        },
    )


def process_proposals(request: HttpRequest, slug: str) -> HttpResponse:
    """Search the public proposals of a whole process: text, axis, status, order."""
    try:
        process = participation_selectors.process_get(slug=slug, viewer=request.user)
    except Process.DoesNotExist as error:
        raise Http404(_("No such process.")) from error
    axes = list(participation_selectors.axis_list(viewer=request.user, process=process))
    axis = next((a for a in axes if a.slug == request.GET.get("axis")), None)
    filters = proposal_filters(request)
    proposals = selectors.proposal_list(viewer=request.user, axis=axis, filters=filters)
    proposals = proposals.filter(axis__process=process)
    page = Paginator(proposals, PROPOSALS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = (
        "frontend/_proposal_list.html"
        if getattr(request, "htmx", False) and not request.htmx.boosted
        else "frontend/proposals/search.html"
    )
    return render(
        request,
        template,
        {
            "process": process,
            "axes": axes,
            "axis": axis,
            "page": page,
            "filters": filters,
            "selected": request.GET.get("selected", ""),
            "query": query.urlencode(),
        },
    )


def proposal_filters(request: HttpRequest) -> selectors.ProposalFilters:
    """The list filters of a page's query string; the random order uses the visitor's seed."""
    sort = request.GET.get("sort", "recent")
    return selectors.ProposalFilters(
        q=request.GET.get("q", "")[:200],
        status=request.GET.get("status", ""),
        selected={"yes": True, "no": False}.get(request.GET.get("selected", "")),
        sort=sort,
        seed=selectors.visitor_seed(request.session) if sort == "random" else 0,
    )
