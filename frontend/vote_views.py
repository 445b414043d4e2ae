"""Pages of the vote: an axis' ballot with its basket, confirmation, receipt, receipt check,
proof of eligibility (residents list), the residents list upload, and assisted ballots.

The basket lives in the session, so the whole ballot works without JavaScript; with htmx, each
change answers with the ballot area only, swapped in place.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from participation import selectors as participation_selectors
from participation.errors import DomainError
from participation.models import Axis, Process
from votes import permissions, selectors, services
from votes.ballots import ballot_check, budget_floor
from votes.forms import (
    AssistedBallotForm,
    BasketForm,
    CensusUploadForm,
    EligibilityForm,
    ReceiptForm,
)
from votes.models import VoterRecord

BASKETS = "vote_baskets"
# Receipt codes stay on the voter's device, in signed cookies, never in the server-side session:
# the session row also holds the account id, and with the code it would link voter and ballot.
RECEIPTS_COOKIE = "encommun_receipts"
FRESH_RECEIPT_COOKIE = "encommun_fresh_receipt"
RECEIPTS_MAX_AGE = 180 * 24 * 3600
FRESH_RECEIPT_MAX_AGE = 600


def _process(request: HttpRequest, slug: str) -> Process:
    try:
        return participation_selectors.process_get(slug=slug, viewer=request.user)
    except Process.DoesNotExist as error:
        raise Http404(_("No such process.")) from error


def _axis(request: HttpRequest, slug: str, axis_slug: str) -> Axis:
    process = _process(request, slug)
    try:
        axis = participation_selectors.axis_get(
            process=process, slug=axis_slug, viewer=request.user
        )
    except Axis.DoesNotExist as error:
        raise Http404(_("No such axis.")) from error
    axis.process = process  # with its phases prefetched
    return axis


def _vote_url(axis: Axis, name: str = "vote") -> str:
    return reverse(f"frontend:{name}", kwargs={"slug": axis.process.slug, "axis": axis.slug})


# --- The basket (in the session) ---------------------------------------------------------------


def _is_points(axis: Axis) -> bool:
    return axis.ballot_type == Axis.BallotType.POINTS


def _session_map(request: HttpRequest, key: str) -> dict:
    return dict(request.session.get(key, {}))


def _set_session_map(request: HttpRequest, key: str, axis: Axis, value: object) -> None:
    data = _session_map(request, key)
    if value is None:
        data.pop(str(axis.pk), None)
    else:
        data[str(axis.pk)] = value
    request.session[key] = data


def _cookie_map(request: HttpRequest, name: str) -> dict:
    raw = request.get_signed_cookie(name, default="", salt=name)
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _set_cookie_map(
    response: HttpResponse, request: HttpRequest, name: str, data: dict, max_age: int
) -> None:
    response.set_signed_cookie(
        name,
        json.dumps(data, separators=(",", ":")),
        salt=name,
        max_age=max_age,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _receipt_of(request: HttpRequest, axis: Axis) -> str | None:
    return _cookie_map(request, RECEIPTS_COOKIE).get(str(axis.pk))


def _basket(request: HttpRequest, axis: Axis, proposals: dict) -> list[int] | dict[str, int]:
    """The ballot being prepared, without proposals that left the ballot meanwhile.

    Empty, for someone who voted and kept their receipt, it starts from their current ballot.
    """
    stored = _session_map(request, BASKETS).get(str(axis.pk))
    if stored is None:
        receipt = _receipt_of(request, axis)
        ballot = selectors.ballot_by_receipt(code=receipt) if receipt else None
        stored = ballot.choices if ballot is not None and ballot.axis_id == axis.pk else None
    if _is_points(axis):
        stored = stored if isinstance(stored, dict) else {}
        return {key: value for key, value in stored.items() if int(key) in proposals}
    stored = stored if isinstance(stored, list) else []
    return [proposal for proposal in stored if proposal in proposals]


def _changed_points(basket: dict[str, int], op: str, proposal: int, points: int | None) -> dict:
    basket = dict(basket)
    key = str(proposal)
    if op == "remove" or (op == "points" and not points):
        basket.pop(key, None)
    elif op == "points":
        basket[key] = points
    elif op == "add":
        basket.setdefault(key, 1)
    return basket


def _changed_list(basket: list[int], op: str, proposal: int) -> list[int]:
    items = list(basket)
    if op in ("add", "points") and proposal not in items:
        items.append(proposal)
    elif op == "remove" and proposal in items:
        items.remove(proposal)
    elif op in ("up", "down") and proposal in items:
        index = items.index(proposal)
        other = index - 1 if op == "up" else index + 1
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
    return items


def _ballot_context(request: HttpRequest, axis: Axis, **extra: object) -> dict:
    proposals = selectors.ballot_proposals(axis=axis)
    basket = _basket(request, axis, proposals)
    check = ballot_check(axis=axis, proposals=proposals, choices=basket)
    ranking = axis.ballot_type == Axis.BallotType.RANKING
    ranks = {pid: index + 1 for index, pid in enumerate(basket)} if ranking else {}
    rows = [
        {
            "proposal": proposal,
            "chosen": (str(pid) in basket) if isinstance(basket, dict) else pid in basket,
            "points": basket.get(str(pid), 0) if isinstance(basket, dict) else None,
            "rank": ranks.get(pid),
        }
        for pid, proposal in proposals.items()
    ]
    record = selectors.voter_record_get(axis=axis, voter=request.user)
    phase = permissions.voting_phase(axis.process)
    return {
        "process": axis.process,
        "axis": axis,
        "rows": rows,
        "chosen": [row for row in rows if row["chosen"]],
        "ranked": [proposals[pid] for pid in basket] if ranking else [],
        "check": check,
        "remaining": axis.budget - check.total_cost,
        "budget_floor": budget_floor(axis),
        "points_left": (axis.points_total or 0) - check.points_used,
        "is_open": permissions.voting_is_open(axis),
        "phase": phase,
        "now": timezone.now(),
        "refusal": permissions.vote_refusal(request.user, axis),
        "record": record,
        "online_record": record is not None and record.channel == VoterRecord.Channel.ONLINE,
        **extra,
    }


def ballot_page(request: HttpRequest, slug: str, axis: str) -> HttpResponse:
    """The ballot of an axis: the proposals, and the basket of choices being prepared."""
    axis_obj = _axis(request, slug, axis)
    return render(request, "frontend/votes/ballot.html", _ballot_context(request, axis_obj))


@require_POST
def basket_update(request: HttpRequest, slug: str, axis: str) -> HttpResponse:
    """Add, remove, move or give points to a proposal in the basket."""
    axis_obj = _axis(request, slug, axis)
    proposals = selectors.ballot_proposals(axis=axis_obj)
    form = BasketForm(request.POST, proposals=proposals)
    error = ""
    if not permissions.voting_is_open(axis_obj):
        error = _("Voting on this axis is not open.")
    elif form.is_valid():
        data = form.cleaned_data
        basket = _basket(request, axis_obj, proposals)
        if _is_points(axis_obj):
            basket = _changed_points(basket, data["op"], data["proposal"], data["points"])
        else:
            basket = _changed_list(basket, data["op"], data["proposal"])
        _set_session_map(request, BASKETS, axis_obj, basket)
    else:
        error = " ".join(message for errors in form.errors.values() for message in errors)
    if request.htmx:
        context = _ballot_context(request, axis_obj, basket_error=error)
        return render(request, "frontend/votes/_ballot.html", context)
    if error:
        messages.error(request, error)
    return redirect(_vote_url(axis_obj) + "#ballot")


def _cast_or_change(request: HttpRequest, axis: Axis, context: dict, form: ReceiptForm) -> str:
    """Cast the basket as a ballot, or replace the voter's ballot; return the receipt."""
    if context["record"] is None:
        return services.ballot_cast(voter=request.user, axis=axis, choices=context["check"].choices)
    receipt = _receipt_of(request, axis)
    if receipt is None:
        if not form.is_valid():
            raise services.InvalidReceipt(_("Enter your receipt code."), field="receipt")
        receipt = form.cleaned_data["receipt"]
    return services.ballot_change(
        voter=request.user, axis=axis, receipt=receipt, choices=context["check"].choices
    )


@never_cache
@login_required
def ballot_confirm(request: HttpRequest, slug: str, axis: str) -> HttpResponse:
    """Review the ballot, read what happens, and confirm (cast, or replace one's ballot)."""
    axis_obj = _axis(request, slug, axis)
    context = _ballot_context(request, axis_obj)
    form = ReceiptForm(request.POST or None)
    context["receipt_form"] = form
    context["receipt_known"] = _receipt_of(request, axis_obj) is not None
    status = 200
    if request.method == "POST":
        try:
            code = _cast_or_change(request, axis_obj, context, form)
        except DomainError as error:
            context["error"] = error.message
            status = error.status_code
        else:
            _set_session_map(request, BASKETS, axis_obj, None)
            response = redirect(_vote_url(axis_obj, "vote_receipt"))
            receipts = {**_cookie_map(request, RECEIPTS_COOKIE), str(axis_obj.pk): code}
            _set_cookie_map(response, request, RECEIPTS_COOKIE, receipts, RECEIPTS_MAX_AGE)
            fresh = {str(axis_obj.pk): code}
            _set_cookie_map(response, request, FRESH_RECEIPT_COOKIE, fresh, FRESH_RECEIPT_MAX_AGE)
            return response
    return render(request, "frontend/votes/confirm.html", context, status=status)


@never_cache
@login_required
def ballot_receipt(request: HttpRequest, slug: str, axis: str) -> HttpResponse:
    """The receipt code, shown once right after voting."""
    axis_obj = _axis(request, slug, axis)
    code = _cookie_map(request, FRESH_RECEIPT_COOKIE).get(str(axis_obj.pk))
    record = selectors.voter_record_get(axis=axis_obj, voter=request.user)
    context = {"process": axis_obj.process, "axis": axis_obj, "code": code, "record": record}
    response = render(request, "frontend/votes/receipt.html", context)
    response.delete_cookie(FRESH_RECEIPT_COOKIE, samesite="Lax")  # shown once
    return response


@never_cache
def receipt_check(request: HttpRequest) -> HttpResponse:
    """Anyone holding a receipt code can check that its ballot is in the count."""
    form = ReceiptForm(request.POST or None)
    context: dict = {"form": form, "checked": False}
    if request.method == "POST" and form.is_valid():
        ballot = selectors.ballot_by_receipt(code=form.cleaned_data["receipt"])
        context["checked"] = True
        context["ballot"] = ballot
        if ballot is not None:
            proposals = selectors.ballot_proposals(axis=ballot.axis)
            context["choices"] = _described_choices(ballot.choices, proposals)
    return render(request, "frontend/votes/check.html", context)


def _described_choices(choices: list | dict, proposals: dict) -> list[dict]:
    if isinstance(choices, dict):
        items = [(int(pid), points) for pid, points in choices.items()]
    else:
        items = [(pid, None) for pid in choices]
    return [
        {"title": proposals[pid].title if pid in proposals else f"#{pid}", "points": points}
        for pid, points in items
    ]


# --- Eligibility and the residents list ---------------------------------------------------------


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
def eligibility(request: HttpRequest, slug: str) -> HttpResponse:
    """A participant proves once that they are on the process' residents list."""
    process = _process(request, slug)
    if process.eligibility != Process.Eligibility.CENSUS:
        raise Http404(_("This process does not use a residents list."))
    form = EligibilityForm(request.POST or None)
    entry = permissions.census_entry_of(request.user, process)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.census_claim(
                user=request.user, process=process, identifier=form.cleaned_data["identifier"]
            )
        except DomainError as error:
            form.add_error("identifier", error.message)
            status = error.status_code
        else:
            messages.success(request, _("Thank you: you can now vote in this process."))
            return redirect(_safe_next(request, process.get_absolute_url()))
    context = {"process": process, "form": form, "entry": entry, "next": _safe_next(request, "")}
    return render(request, "frontend/votes/eligibility.html", context, status=status)


@login_required
def census_upload(request: HttpRequest, slug: str) -> HttpResponse:
    """Organisers upload the residents list (pasted, or a text or CSV file)."""
    process = _process(request, slug)
    if not permissions.can_manage_voting(request.user, process):
        raise PermissionDenied
    form = CensusUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            report = services.census_import(
                actor=request.user, process=process, identifiers=form.cleaned_data["parsed"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
            status = error.status_code
        else:
            messages.success(
                request,
                _(
                    "%(added)d identifiers added, %(already)d already on the list, "
                    "%(rejected)d rejected (empty or too long)."
                )
                % {
                    "added": report.added,
                    "already": report.already,
                    "rejected": len(report.rejected),
                },
            )
            return redirect("frontend:census_upload", slug=process.slug)
    context = {
        "process": process,
        "form": form,
        "census_size": selectors.census_size(process=process),
    }
    return render(request, "frontend/votes/census.html", context, status=status)


# --- Assisted and paper ballots ---------------------------------------------------------------


def _assisted_person(data: dict) -> services.AssistedPerson:
    return services.AssistedPerson(
        census_identifier=data.get("census_identifier") or "",
        full_name=data.get("full_name") or "",
        birth_date=data.get("birth_date"),
    )


@never_cache
@login_required
def assisted_ballot(request: HttpRequest, slug: str, axis: str) -> HttpResponse:
    """A mediator records the ballot of a person they help, and hands them the receipt."""
    axis_obj = _axis(request, slug, axis)
    if not permissions.can_record_assisted(request.user, axis_obj):
        raise PermissionDenied
    proposals = selectors.ballot_proposals(axis=axis_obj)
    form = AssistedBallotForm(request.POST or None, axis=axis_obj, proposals=proposals)
    context = {"process": axis_obj.process, "axis": axis_obj, "form": form, "code": None}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            context["code"] = services.ballot_record_assisted(
                mediator=request.user,
                axis=axis_obj,
                choices=form.choices(),
                person=_assisted_person(form.cleaned_data),
                place=form.cleaned_data["place"],
                channel=form.cleaned_data["channel"],
            )
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
            status = error.status_code
        else:
            context["form"] = AssistedBallotForm(
                initial={"place": form.cleaned_data["place"]}, axis=axis_obj, proposals=proposals
            )
    return render(request, "frontend/votes/assisted.html", context, status=status)
