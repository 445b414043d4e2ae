"""Organisers' and evaluators' pages: set up a process, its phases, axes and team; evaluate
proposals, choose those that go to the vote, merge duplicates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontend.page_actions import domain_errors, posted, proposal_in_url, service_form
from participation import permissions
from participation import selectors as participation_selectors
from participation import services as participation_services
from participation.forms import AxisForm, PhaseForm, ProcessCreateForm, ProcessForm, RoleGrantForm
from participation.models import Axis, Phase, Process, Role
from proposals import selectors, services
from proposals.forms import EvaluationForm, MergeForm
from proposals.models import Proposal

REVIEW_PER_PAGE = 30


def managed_process(request: HttpRequest, slug: str) -> Process:
    """The process of the URL, if the visitor organises it (404 if unseen, 403 otherwise)."""
    try:
        process = participation_selectors.process_get(slug=slug, viewer=request.user)
    except Process.DoesNotExist as error:
        raise Http404(_("No such process.")) from error
    permissions.check_manage_process(request.user, process)
    return process


def _manage_url(process: Process) -> str:
    return reverse("frontend:manage_process", kwargs={"slug": process.slug})


def _manage_context(process: Process) -> dict:
    return {
        "process": process,
        "phases": process.phases.all(),
        "axes": process.axes.all(),
        "roles": Role.objects.filter(process=process).select_related("user").order_by("kind"),
    }


def _form_page(request, template, context, form, call, success, status=200):
    """Render `template`, or run `call` on a valid POST and redirect to `success(result)`."""
    if request.method == "POST":
        result, status = service_form(request, form, call)
        if result is not None:
            messages.success(request, _("Saved."))
            return redirect(success(result))
    return render(request, template, {"form": form, **context}, status=status)


# --- Processes ----------------------------------------------------------------------------------


@login_required
@domain_errors
def process_create(request: HttpRequest) -> HttpResponse:
    permissions.check_create_process(request.user)
    form = ProcessCreateForm(*posted(request))
    return _form_page(
        request,
        "frontend/organiser/process_form.html",
        {"process": None},
        form,
        lambda data: participation_services.process_create(actor=request.user, **data),
        lambda process: _manage_url(process),
    )


@login_required
@domain_errors
def process_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisers' dashboard: settings of the process, its phases, axes and team."""
    process = managed_process(request, slug)
    form = ProcessForm(*posted(request), instance=process)
    return _form_page(
        request,
        "frontend/organiser/manage.html",
        {**_manage_context(process), "role_form": RoleGrantForm()},
        form,
        lambda data: participation_services.process_update(
            actor=request.user, process=process, **data
        ),
        lambda updated: request.path,
    )


# --- Phases -----------------------------------------------------------------------------------


def _phase_in_url(process: Process, pk: int) -> Phase:
    phase = Phase.objects.select_related("process").filter(pk=pk, process=process).first()
    if phase is None:
        raise Http404(_("No such phase."))
    return phase


@login_required
@domain_errors
def phase_create(request: HttpRequest, slug: str) -> HttpResponse:
    process = managed_process(request, slug)
    return _form_page(
        request,
        "frontend/organiser/phase_form.html",
        {"process": process, "phase": None},
        PhaseForm(*posted(request)),
        lambda data: participation_services.phase_create(
            actor=request.user, process=process, **data
        ),
        lambda phase: _manage_url(process),
    )


@login_required
@domain_errors
def phase_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    process = managed_process(request, slug)
    phase = _phase_in_url(process, pk)
    return _form_page(
        request,
        "frontend/organiser/phase_form.html",
        {"process": process, "phase": phase},
        PhaseForm(*posted(request), instance=phase),
        lambda data: participation_services.phase_update(actor=request.user, phase=phase, **data),
        lambda updated: _manage_url(process),
    )


@require_POST
@login_required
@domain_errors
def phase_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    process = managed_process(request, slug)
    participation_services.phase_delete(actor=request.user, phase=_phase_in_url(process, pk))
    messages.success(request, _("The phase was removed."))
    return redirect(_manage_url(process))


# --- Axes -------------------------------------------------------------------------------------


@login_required
@domain_errors
def axis_create(request: HttpRequest, slug: str) -> HttpResponse:
    process = managed_process(request, slug)
    return _form_page(
        request,
        "frontend/organiser/axis_form.html",
        {"process": process, "axis": None},
        AxisForm(*posted(request)),
        lambda data: participation_services.axis_create(
            actor=request.user, process=process, **data
        ),
        lambda axis: _manage_url(process),
    )


@login_required
@domain_errors
def axis_edit(request: HttpRequest, slug: str, axis: str) -> HttpResponse:
    process = managed_process(request, slug)
    axis_obj = Axis.objects.select_related("process").filter(process=process, slug=axis).first()
    if axis_obj is None:
        raise Http404(_("No such axis."))
    return _form_page(
        request,
        "frontend/organiser/axis_form.html",
        {"process": process, "axis": axis_obj},
        AxisForm(*posted(request), instance=axis_obj),
        lambda data: participation_services.axis_update(actor=request.user, axis=axis_obj, **data),
        lambda updated: _manage_url(process),
    )


# --- Team -------------------------------------------------------------------------------------


@require_POST
@login_required
@domain_errors
def role_grant(request: HttpRequest, slug: str) -> HttpResponse:
    process = managed_process(request, slug)
    form = RoleGrantForm(request.POST)
    role, status = service_form(
        request,
        form,
        lambda data: participation_services.role_grant(actor=request.user, process=process, **data),
    )
    if role is not None:
        messages.success(request, _("The role was granted."))
        return redirect(_manage_url(process))
    return render(
        request,
        "frontend/organiser/manage.html",
        {**_manage_context(process), "form": ProcessForm(instance=process), "role_form": form},
        status=status,
    )


@require_POST
@login_required
@domain_errors
def role_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    process = managed_process(request, slug)
    role = Role.objects.select_related("process").filter(pk=pk, process=process).first()
    if role is None:
        raise Http404(_("No such role."))
    participation_services.role_revoke(actor=request.user, role=role)
    messages.success(request, _("The role was removed."))
    return redirect(_manage_url(process))


# --- Review: evaluation, selection, merging --------------------------------------------------


@login_required
@domain_errors
def review(request: HttpRequest, slug: str) -> HttpResponse:
    """Published proposals of the process for evaluators and organisers, axis by axis."""
    try:
        process = participation_selectors.process_get(slug=slug, viewer=request.user)
    except Process.DoesNotExist as error:
        raise Http404(_("No such process.")) from error
    permissions.check_role(request.user, process, Role.Kind.EVALUATOR, Role.Kind.ORGANISER)
    axes = list(process.axes.all())
    axis = next((a for a in axes if a.slug == request.GET.get("axis")), None)
    proposals = selectors.proposal_list_for_team(process=process, axis=axis)
    page = Paginator(proposals, REVIEW_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "frontend/organiser/review.html",
        {
            "process": process,
            "axes": axes,
            "axis": axis,
            "page": page,
            "query": f"axis={axis.slug}" if axis else "",
            "is_organiser": permissions.can_manage_process(request.user, process),
        },
    )


@login_required
@domain_errors
def proposal_evaluate(request: HttpRequest, slug: str, axis: str, pk: int) -> HttpResponse:
    proposal = proposal_in_url(request, slug, axis, pk)
    permissions.check_evaluate(request.user, proposal)
    evaluation = getattr(proposal, "evaluation", None)
    initial = (
        {
            "feasible": "yes" if evaluation.feasible else "no",
            "reason": evaluation.reason,
            "validated_cost": evaluation.validated_cost,
        }
        if evaluation
        else {}
    )
    return _form_page(
        request,
        "frontend/organiser/evaluate.html",
        {"process": proposal.axis.process, "proposal": proposal},
        EvaluationForm(*posted(request), initial=initial),
        lambda data: services.proposal_evaluate(evaluator=request.user, proposal=proposal, **data),
        lambda done: proposal.get_absolute_url(),
    )


@require_POST
@login_required
@domain_errors
def proposal_select(request: HttpRequest, slug: str, axis: str, pk: int) -> HttpResponse:
    proposal = proposal_in_url(request, slug, axis, pk)
    selected = request.POST.get("selected") != "no"
    services.proposal_select(organiser=request.user, proposal=proposal, selected=selected)
    messages.success(
        request,
        _("The proposal goes to the vote.") if selected else _("The proposal left the vote."),
    )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = proposal.get_absolute_url()
    return redirect(next_url)


@login_required
@domain_errors
def proposal_merge(request: HttpRequest, slug: str, axis: str, pk: int) -> HttpResponse:
    proposal = proposal_in_url(request, slug, axis, pk)
    permissions.check_select(request.user, proposal)
    if proposal.status != Proposal.Status.PUBLISHED:
        raise Http404(_("No such proposal."))
    return _form_page(
        request,
        "frontend/organiser/merge.html",
        {"process": proposal.axis.process, "proposal": proposal},
        MergeForm(*posted(request), proposal=proposal),
        lambda data: services.proposal_merge(
            organiser=request.user, proposal=proposal, into=data["into"]
        ),
        lambda merged: merged.merged_into.get_absolute_url(),
    )
