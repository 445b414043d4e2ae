"""Pages of the web interface: thin views over the selectors and services."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from participation import selectors as participation_selectors
from participation import services as participation_services
from participation.forms import ProfileForm
from participation.models import Axis, Process
from proposals import selectors as proposal_selectors
from proposals.models import Proposal

PROPOSALS_PER_PAGE = 12
COMMENTS_PER_PAGE = 20


def home(request: HttpRequest) -> HttpResponse:
    processes = participation_selectors.process_list(viewer=request.user)
    return render(request, "frontend/home.html", {"processes": processes})


def process_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        process = participation_selectors.process_get(slug=slug, viewer=request.user)
    except Process.DoesNotExist as error:
        raise Http404(_("No such process.")) from error
    axes = participation_selectors.axis_list(viewer=request.user, process=process)
    return render(
        request,
        "frontend/process.html",
        {
            "process": process,
            "axes": axes,
            "current_phase": process.current_phase(),
            "now": timezone.now(),
        },
    )


def _get_axis(request: HttpRequest, slug: str, axis_slug: str) -> Axis:
    try:
        process = participation_selectors.process_get(slug=slug, viewer=request.user)
        return participation_selectors.axis_get(
            process=process, slug=axis_slug, viewer=request.user
        )
    except (Process.DoesNotExist, Axis.DoesNotExist) as error:
        raise Http404(_("No such axis.")) from error


def axis_detail(request: HttpRequest, slug: str, axis: str) -> HttpResponse:
    axis_obj = _get_axis(request, slug, axis)
    selected = request.GET.get("selected", "")
    filters = proposal_selectors.ProposalFilters(
        q=request.GET.get("q", "")[:200],
        status=request.GET.get("status", ""),
        selected={"yes": True, "no": False}.get(selected),
        sort=request.GET.get("sort", "recent"),
        # The random order is stable per visitor: its seed lives in the session (issue #3).
        seed=proposal_selectors.visitor_seed(request.session)
        if request.GET.get("sort") == "random"
        else 0,
    )
    proposals = proposal_selectors.proposal_list(
        viewer=request.user, axis=axis_obj, filters=filters
    )
    page = Paginator(proposals, PROPOSALS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = (
        "frontend/_proposal_list.html"
        if getattr(request, "htmx", False) and not request.htmx.boosted
        else "frontend/axis.html"
    )
    return render(
        request,
        template,
        {
            "process": axis_obj.process,
            "axis": axis_obj,
            "page": page,
            "filters": filters,
            "selected": selected,
            "sorts": proposal_selectors.PROPOSAL_SORTS,
            "query": query.urlencode(),
        },
    )


def proposal_detail(request: HttpRequest, slug: str, axis: str, pk: int) -> HttpResponse:
    axis_obj = _get_axis(request, slug, axis)
    try:
        proposal = proposal_selectors.proposal_get(pk=pk, viewer=request.user, axis=axis_obj)
    except Proposal.DoesNotExist as error:
        raise Http404(_("No such proposal.")) from error
    sort = request.GET.get("sort", "oldest")
    roots = proposal_selectors.comment_roots(proposal=proposal, sort=sort)
    page = Paginator(roots, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    thread = proposal_selectors.comment_thread(proposal=proposal, roots=list(page.object_list))
    return render(
        request,
        "frontend/proposal.html",
        {
            "process": axis_obj.process,
            "axis": axis_obj,
            "proposal": proposal,
            "thread": thread,
            "page": page,
            "sort": sort,
        },
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        participation_services.user_update_profile(
            user=request.user,
            display_name=form.cleaned_data["display_name"],
            language=form.cleaned_data["language"],
        )
        translation.activate(request.user.language)
        messages.success(request, _("Your profile was saved."))
        response = redirect("frontend:profile")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, request.user.language, samesite="Lax")
        return response
    return render(request, "frontend/profile.html", {"form": form})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language (and remember it in the profile when signed in)."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            participation_services.user_update_profile(
                user=request.user, display_name=request.user.display_name, language=language
            )
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Report the database and Redis; 503 when one that is configured does not answer."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 — any failure means unhealthy
        checks["database"] = f"error: {error.__class__.__name__}"
    if settings.REDIS_URL:
        try:
            cache.set("healthz", "ok", timeout=5)
            checks["redis"] = "ok" if cache.get("healthz") == "ok" else "error: no echo"
        except Exception as error:  # noqa: BLE001
            checks["redis"] = f"error: {error.__class__.__name__}"
    else:
        checks["redis"] = "not configured (tasks run in-process)"
    healthy = all(not value.startswith("error") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
