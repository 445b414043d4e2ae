"""How pages run the services: find objects through the URL that nests them, bind forms, and
turn the services' refusals into pages that explain them (never a server error)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from frontend.views import _get_axis
from participation.errors import DomainError, NotAllowed, NotFound
from participation.forms import add_domain_error
from proposals import selectors
from proposals.models import Comment, Proposal

REFUSED_TEMPLATE = "frontend/proposals/refused.html"


# --- Lookups: every object is found through the URL that nests it ---------------------------------


def proposal_in_url(request: HttpRequest, slug: str, axis: str, pk: int) -> Proposal:
    """The proposal `pk` of axis `axis` of process `slug`, if the visitor may see it, else 404."""
    axis_obj = _get_axis(request, slug, axis)
    try:
        proposal = selectors.proposal_get(pk=pk, viewer=request.user, axis=axis_obj)
    except Proposal.DoesNotExist as error:
        raise Http404(_("No such proposal.")) from error
    return proposal


def comment_in_url(request: HttpRequest, proposal: Proposal, comment_pk: int) -> Comment:
    """The comment `comment_pk` of this proposal's thread, else 404."""
    try:
        comment = selectors.comment_get(pk=comment_pk, viewer=request.user)
    except Comment.DoesNotExist as error:
        raise Http404(_("No such comment.")) from error
    if comment.proposal_id != proposal.pk:
        raise Http404(_("No such comment."))
    comment.proposal = proposal
    return comment


def posted(request: HttpRequest, *, files: bool = False) -> tuple:
    """A form's data: the POST (even empty: all fields may be optional), else unbound."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


def refuse(request: HttpRequest, error: DomainError, **context: object) -> HttpResponse:
    """A page that says why an action was refused, with the error's HTTP status."""
    return render(
        request,
        REFUSED_TEMPLATE,
        {"message": error.message, **context},
        status=error.status_code,
    )


def domain_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn the services' refusals into a page that explains them (never a server error)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return refuse(request, error)

    return wrapper


def service_form(
    request: HttpRequest, form, call: Callable[[dict], object]
) -> tuple[object | None, int]:
    """Run `call(cleaned_data)` when the form is valid; put a DomainError on the form.

    Returns the service's result (None on failure) and the status of the page to render.
    """
    if not form.is_valid():
        return None, 400
    try:
        return call(form.cleaned_data), 200
    except NotAllowed:
        raise
    except DomainError as error:
        if isinstance(error, NotFound) and error.field not in form.fields:
            raise
        add_domain_error(form, error)
        return None, error.status_code
