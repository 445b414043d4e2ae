"""Pages of the results: public results per process and axis, and the organisers' desk to
close the vote, compute, review and publish."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participation import selectors as participation_selectors
from participation.errors import DomainError
from participation.models import Axis, Process
from votes import permissions, results, selectors, services
from votes.forms import PabulibImportForm
from votes.models import Result

RULE_EXPLANATIONS = {
    Axis.ResultRule.GREEDY: gettext_lazy(
        "The proposals were taken in order of votes, the most voted first. Each was funded if "
        "it still fitted in what remained of the budget; otherwise it was skipped and the next "
        "one considered. Between equal votes, the cheaper proposal comes first; a proposal "
        "without any vote is not funded."
    ),
    Axis.ResultRule.EQUAL_SHARES: gettext_lazy(
        "Method of Equal Shares: the budget was shared equally between the voters, and a "
        "proposal was funded when its supporters could pay for it together from their shares, "
        "cheapest per supporter first. Groups of voters thus get a part of the budget in "
        "proportion to their number."
    ),
    Axis.ResultRule.RANKING: gettext_lazy(
        "A consultation without a budget: the proposals are ranked by the votes they received."
    ),
}
RULE_NAMES = {
    Axis.ResultRule.GREEDY: gettext_lazy("Most votes first"),
    Axis.ResultRule.EQUAL_SHARES: gettext_lazy("Method of Equal Shares"),
}
SCORE_EXPLANATIONS = {
    Axis.BallotType.APPROVAL: gettext_lazy("Votes: how many voters chose the proposal."),
    Axis.BallotType.BUDGET: gettext_lazy("Votes: how many voters chose the proposal."),
    Axis.BallotType.POINTS: gettext_lazy("Votes: the points the proposal received."),
    Axis.BallotType.RANKING: gettext_lazy(
        "Votes: Borda points. With n proposals on the ballot, the one ranked first receives "
        "n − 1 points, the second n − 2, and so on."
    ),
}
REASONS = {
    "selected": gettext_lazy("Funded"),
    "over_budget": gettext_lazy("Did not fit in the remaining budget"),
    "no_votes": gettext_lazy("No vote"),
    "below_threshold": gettext_lazy("Below the minimum of votes"),
    "not_affordable": gettext_lazy("Its supporters could not pay for it"),
}


def _euros(amount: str | None) -> str:
    return floatformat(amount or 0, "0g" if "." not in (amount or "") else "2g")


def _explain_funded(row: dict) -> str:
    figures = {
        "round": row.get("round"),
        "left": _euros(row.get("budget_left")),
        "share": _euros(row.get("share")),
        "paying": (row.get("supporters") or 0) - (row.get("paid_all_left") or 0),
        "short": row.get("paid_all_left") or 0,
    }
    if row.get("status") == "selected_in_completion":
        return (
            _(
                "Added in round %(round)s to complete the selection: it still fitted in the "
                "%(left)s € left."
            )
            % figures
        )
    if row.get("share") is None:
        return _("Funded in round %(round)s: it fitted in the %(left)s € still available.") % (
            figures
        )
    text = (
        _(
            "Funded in round %(round)s: %(paying)s supporters paid %(share)s € each from their "
            "equal share of the budget."
        )
        % figures
    )
    if figures["short"]:
        text += " " + _("%(short)s more supporters paid all they had left.") % figures
    return text


def explanation(row: dict) -> str:
    """Why a project was funded or not, in plain (translatable) words, from the figures stored
    with the result; empty for results computed before these figures were stored."""
    reason = row.get("reason")
    if "status" not in row:
        return ""
    cost = _euros(row.get("cost"))
    if row.get("selected"):
        return _explain_funded(row)
    if reason == "no_votes":
        return _("Not funded: nobody voted for it.")
    if reason == "below_threshold":
        return _("Not funded: it received fewer votes than the minimum required.")
    if reason == "not_affordable":
        return _(
            "Not funded: its supporters had only %(money)s € left of their shares, and it costs "
            "%(cost)s €."
        ) % {"money": _euros(row.get("supporters_money")), "cost": cost}
    if reason == "over_budget" and row.get("budget_left") is not None:
        return _(
            "Not funded: it costs %(cost)s € but only %(left)s € remained when its turn came."
        ) % {"cost": cost, "left": _euros(row.get("budget_left"))}
    return ""


def _process(request: HttpRequest, slug: str) -> Process:
    try:
        return participation_selectors.process_get(slug=slug, viewer=request.user)
    except Process.DoesNotExist as error:
        raise Http404(_("No such process.")) from error


def result_view(axis: Axis, result: Result) -> dict:
    """What the results table shows for one axis' result."""
    outcome = result.outcome
    budget = Decimal(outcome.get("budget", axis.budget))
    used = Decimal(outcome.get("budget_used", 0))
    eligible = (outcome.get("turnout") or {}).get("eligible")
    return {
        "axis": axis,
        "result": result,
        "rule": RULE_EXPLANATIONS.get(result.rule, result.rule),
        "score": SCORE_EXPLANATIONS.get(outcome.get("ballot_type"), ""),
        "budgeted": result.rule != Axis.ResultRule.RANKING,
        "budget": budget,
        "budget_used": used,
        "budget_share": round(used * 100 / budget) if budget else None,
        "voters": result.voter_count,
        "eligible": eligible,
        "turnout": round(result.voter_count * 100 / eligible) if eligible else None,
        "projects": [
            {
                **row,
                "reason_text": REASONS.get(row.get("reason"), row.get("reason", "")),
                "explanation_text": explanation(row),
            }
            for row in outcome.get("projects", [])
        ],
        "winners": [row for row in outcome.get("projects", []) if row.get("selected")],
    }


def process_results(request: HttpRequest, slug: str) -> HttpResponse:
    """The published results of every axis of a process."""
    process = _process(request, slug)
    axes = participation_selectors.axis_list(viewer=request.user, process=process)
    published = selectors.results_published(process=process)
    sections = [
        result_view(axis, published[axis.pk]) if axis.pk in published else {"axis": axis}
        for axis in axes
    ]
    return render(
        request, "frontend/votes/results.html", {"process": process, "sections": sections}
    )


def axis_results(request: HttpRequest, slug: str, axis: str) -> HttpResponse:
    """The published result of one axis."""
    process = _process(request, slug)
    try:
        axis_obj = participation_selectors.axis_get(process=process, slug=axis, viewer=request.user)
    except Axis.DoesNotExist as error:
        raise Http404(_("No such axis.")) from error
    result = selectors.result_published(axis=axis_obj)
    section = result_view(axis_obj, result) if result else {"axis": axis_obj}
    return render(
        request,
        "frontend/votes/results.html",
        {"process": process, "sections": [section], "single_axis": axis_obj},
    )


def axis_results_pabulib(request: HttpRequest, slug: str, axis: str) -> HttpResponse:
    """The published election of an axis as open data, in the Pabulib ``.pb`` format."""
    process = _process(request, slug)
    try:
        axis_obj = participation_selectors.axis_get(process=process, slug=axis, viewer=request.user)
    except Axis.DoesNotExist as error:
        raise Http404(_("No such axis.")) from error
    result = selectors.result_published(axis=axis_obj)
    if result is None:
        raise Http404(_("The results of this axis are not published yet."))
    axis_obj.process = process
    text = results.pabulib_text(
        axis=axis_obj,
        election=results.election_input(axis=axis_obj),
        winners=result.outcome.get("winners", []),
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{process.slug}_{axis_obj.slug}.pb"'
    return response


# --- The organisers' desk ----------------------------------------------------------------------


def _manage_action(request: HttpRequest, axes: dict[int, Axis]) -> str:
    """Run the organiser's action; return the message that says what happened."""
    action = request.POST.get("action", "")
    axis_id = request.POST.get("axis", "")
    axis = axes.get(int(axis_id)) if axis_id.isdigit() else None
    if axis is None:
        raise Http404(_("No such axis."))
    if action == "close":
        services.voting_close(actor=request.user, axis=axis)
        return _("Voting on “%(axis)s” is closed.") % {"axis": axis.title}
    if action == "reopen":
        services.voting_reopen(actor=request.user, axis=axis)
        return _("Voting on “%(axis)s” is open again.") % {"axis": axis.title}
    if action == "compute":
        services.results_compute_request(actor=request.user, axis=axis)
        return _("The results of “%(axis)s” are being computed: reload this page in a moment.") % {
            "axis": axis.title
        }
    if action == "publish":
        result_id = request.POST.get("result", "")
        result = (
            Result.objects.filter(axis=axis, pk=result_id).first() if result_id.isdigit() else None
        )
        if result is None:
            raise Http404(_("No such result."))
        services.result_publish(actor=request.user, result=result)
        return _("The results of “%(axis)s” are published; voters are notified.") % {
            "axis": axis.title
        }
    raise Http404(_("Unknown action."))


@login_required
def voting_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisers' desk: the state of each axis' vote, and the actions it allows."""
    process = _process(request, slug)
    if not permissions.can_manage_voting(request.user, process):
        raise PermissionDenied
    axes = {
        axis.pk: axis
        for axis in Axis.objects.filter(process=process)
        .select_related("voting_state")
        .order_by("position", "pk")
    }
    for axis in axes.values():
        axis.process = process
    if request.method == "POST":
        try:
            messages.success(request, _manage_action(request, axes))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("frontend:voting_manage", slug=process.slug)
    counts = selectors.ballot_counts_by_axis(axes=Axis.objects.filter(pk__in=axes))
    rows = []
    for axis in axes.values():
        state = permissions.voting_state(axis)
        computed = list(selectors.results_of_axis(axis=axis))
        rows.append(
            {
                "axis": axis,
                "is_open": permissions.voting_is_open(axis),
                "is_closed": permissions.voting_is_closed(axis),
                "closed_early": state is not None and state.closed_by_id is not None,
                "state": state,
                "counts": counts[axis.pk],
                "results": [result_view(axis, result) for result in computed],
                "has_published": any(result.published_at for result in computed),
            }
        )
    context = {
        "process": process,
        "rows": rows,
        "phase": permissions.voting_phase(process),
        "now": timezone.now(),
        "census_size": selectors.census_size(process=process),
    }
    return render(request, "frontend/votes/manage.html", context)


@login_required
def rules_compare(request: HttpRequest, slug: str, axis_id: int) -> HttpResponse:
    """Greedy and Equal Shares side by side on a closed axis, before publishing (organisers)."""
    process = _process(request, slug)
    if not permissions.can_manage_voting(request.user, process):
        raise PermissionDenied
    axis = Axis.objects.filter(process=process, pk=axis_id).select_related("voting_state").first()
    if axis is None:
        raise Http404(_("No such axis."))
    axis.process = process
    try:
        comparison = services.rules_compare(actor=request.user, axis=axis)
    except DomainError as error:
        return render(
            request,
            "frontend/votes/compare.html",
            {"process": process, "axis": axis, "error": error.message},
            status=error.status_code,
        )
    rules = [
        {
            **rule,
            "name": RULE_NAMES[rule["rule"]],
            "spent": Decimal(rule["spent"]),
            "share_percent": round(rule["share_of_voters_with_a_winner"] * 100),
        }
        for rule in comparison["rules"]
    ]
    context = {"process": process, "axis": axis, "comparison": comparison, "rules": rules}
    return render(request, "frontend/votes/compare.html", context)


@login_required
def pabulib_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Organisers import a Pabulib ``.pb`` election as a new axis, its vote closed."""
    process = _process(request, slug)
    if not permissions.can_manage_voting(request.user, process):
        raise PermissionDenied
    form = PabulibImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            axis = services.axis_import_pabulib(
                actor=request.user,
                process=process,
                file=form.cleaned_data["file"],
                slug=form.cleaned_data["slug"],
                title=form.cleaned_data["title"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
            status = error.status_code
        else:
            messages.success(
                request,
                _("“%(axis)s” is imported and its vote closed: you can compute its results.")
                % {"axis": axis.title},
            )
            return redirect("frontend:voting_manage", slug=process.slug)
    elif request.method == "POST":
        status = 400
    context = {"process": process, "form": form}
    return render(request, "frontend/votes/pabulib_import.html", context, status=status)
