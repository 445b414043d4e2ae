"""Pages of notifications: the inbox, e-mail preferences, unsubscribe links, follow buttons.

Every action is a POST form that redirects, so it works without JavaScript; htmx swaps a
notification in place when marking it read.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontend.proposal_views import proposal_in_url
from participation import notifications
from participation import selectors as participation_selectors
from participation.errors import DomainError, NotFound
from participation.models import NotificationPreference, Process

NOTIFICATIONS_PER_PAGE = 20
TEMPLATES = "frontend/notifications/"


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Redirect to the safe `next` of the form, else to `default`."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = default
    return redirect(target)


# --- The inbox ------------------------------------------------------------------------------


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """The person's notifications, newest first, a page at a time."""
    page = Paginator(
        notifications.notification_list(user=request.user), NOTIFICATIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(request, TEMPLATES + "list.html", {"page": page})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: str) -> HttpResponse:
    """Mark one notification read (the person's own only)."""
    try:
        notification = notifications.notification_mark_read(user=request.user, notification_id=pk)
    except NotFound as error:
        raise Http404(error.message) from error
    if request.htmx:
        return render(request, TEMPLATES + "_read.html", {"notification": notification})
    return _back(request, "frontend:notifications")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    """Mark all of the person's notifications read."""
    count = notifications.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All your notifications are marked as read."))
    return _back(request, "frontend:notifications")


# --- E-mail preferences ---------------------------------------------------------------------


class PreferencesForm(forms.Form):
    """One choice per kind of notification that the person may change."""

    def __init__(self, *args: object, rows: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.mandatory = [row for row in rows if row.mandatory]
        for row in rows:
            if not row.mandatory:
                self.fields[row.kind] = forms.ChoiceField(
                    label=row.label,
                    choices=NotificationPreference.Delivery.choices,
                    initial=row.delivery,
                    widget=forms.RadioSelect,
                )


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """Choose, kind by kind, to be e-mailed immediately, in a daily digest, or never."""
    rows = notifications.preference_list(user=request.user)
    form = PreferencesForm(request.POST or None, rows=rows)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                notifications.preferences_update(user=request.user, changes=form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your e-mail preferences were saved."))
                return redirect("frontend:notification_preferences")
        status = 400
    return render(request, TEMPLATES + "preferences.html", {"form": form}, status=status)


# --- One-click unsubscribe (RFC 8058) ------------------------------------------------------


@csrf_exempt  # the signed token is the authentication; mail clients POST without a session
@require_http_methods(["GET", "POST"])
def notifications_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: ask to confirm; POST: stop the e-mails the signed link names. No login needed."""
    try:
        if request.method == "POST":
            unsubscription = notifications.unsubscribe(token=token)
            template = "unsubscribed.html"
        else:
            unsubscription = notifications.unsubscribe_read(token)
            template = "unsubscribe.html"
    except NotFound as error:
        return render(
            request, TEMPLATES + "unsubscribe_invalid.html", {"message": error.message}, status=404
        )
    labels = dict(NotificationPreference._meta.get_field("kind").choices)
    # In the language of the e-mail the link came from: the visitor may not be logged in.
    with translation.override(unsubscription.user.language):
        kinds = [str(labels[kind]) for kind in unsubscription.kinds]
        return render(request, TEMPLATES + template, {"kinds": kinds, "token": token})


# --- Following processes and proposals ------------------------------------------------------


def _follow_or_unfollow(request: HttpRequest, *, default: str, **target: object) -> HttpResponse:
    following = request.POST.get("action") != "unfollow"
    try:
        if following:
            notifications.follow_create(actor=request.user, **target)
            messages.success(request, _("You follow it now: you will hear of its updates."))
        else:
            notifications.follow_delete(actor=request.user, **target)
            messages.success(request, _("You no longer follow it."))
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    return _back(request, default)


@login_required
@require_POST
def follow_process(request: HttpRequest, slug: str) -> HttpResponse:
    """Follow or stop following a process (`action` = follow | unfollow)."""
    try:
        process = participation_selectors.process_get(slug=slug, viewer=request.user)
    except Process.DoesNotExist as error:
        raise Http404(_("No such process.")) from error
    return _follow_or_unfollow(request, default=process.get_absolute_url(), process=process)


@login_required
@require_POST
def follow_proposal(request: HttpRequest, slug: str, axis: str, pk: int) -> HttpResponse:
    """Follow or stop following a proposal (`action` = follow | unfollow)."""
    proposal = proposal_in_url(request, slug, axis, pk)
    return _follow_or_unfollow(request, default=proposal.get_absolute_url(), proposal=proposal)
