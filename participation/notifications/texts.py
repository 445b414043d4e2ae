"""What a notification says, rendered in the reader's language when it is read.

The payload keeps facts (titles, counts, the phase's kind), not sentences, so the same
notification reads in French on the site and in English in the e-mail if so configured.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from participation.models import Notification, Phase

Kind = Notification.Kind

# To the person concerned (the author, the commenter, the voter...).
MESSAGES = {
    Kind.PROPOSAL_PUBLISHED: _("Your proposal “%(title)s” was published."),
    Kind.PROPOSAL_REJECTED: _("Your proposal “%(title)s” was rejected."),
    Kind.PROPOSAL_EVALUATED: _("Your proposal “%(title)s” was evaluated."),
    Kind.PROPOSAL_SELECTED: _("Your proposal “%(title)s” was selected for the vote."),
    Kind.PROPOSAL_MERGED: _("Your proposal “%(title)s” was merged into another proposal."),
    Kind.PROPOSAL_COMMENTED: _("New comment on your proposal “%(title)s”."),
    Kind.COMMENT_REPLIED: _("Someone replied to your comment on “%(title)s”."),
    Kind.PHASE_OPENED: _("A new phase opened: %(title)s."),
    Kind.RESULTS_PUBLISHED: _("The results of “%(title)s” were published."),
    Kind.ACCOUNT_BLOCKED: _("Your account was blocked (%(title)s)."),
}

# To the followers of a proposal (payload "following": true).
FOLLOWER_MESSAGES = {
    Kind.PROPOSAL_PUBLISHED: _("The proposal “%(title)s” that you follow was published."),
    Kind.PROPOSAL_EVALUATED: _("The proposal “%(title)s” that you follow was evaluated."),
    Kind.PROPOSAL_SELECTED: _(
        "The proposal “%(title)s” that you follow was selected for the vote."
    ),
    Kind.PROPOSAL_MERGED: _(
        "The proposal “%(title)s” that you follow was merged into another proposal."
    ),
    Kind.PROPOSAL_COMMENTED: _("New comment on the proposal “%(title)s” that you follow."),
}


def _phase_opened(payload: dict) -> str:
    phase = payload.get("phase_title") or payload.get("phase")
    if phase in Phase.Kind.values and not payload.get("phase_title"):
        phase = Phase.Kind(phase).label
    if not phase:
        return str(MESSAGES[Kind.PHASE_OPENED] % {"title": payload.get("title", "")})
    return str(
        _("“%(process)s”: the phase “%(phase)s” is open.")
        % {"process": payload.get("title", ""), "phase": phase}
    )


def _moderation_queue(payload: dict) -> str:
    count = int(payload.get("count") or 0)
    return ngettext(
        "%(count)d item awaits moderation in “%(title)s”.",
        "%(count)d items await moderation in “%(title)s”.",
        count,
    ) % {"count": count, "title": payload.get("title", "")}


def notification_text(notification: Notification) -> str:
    """One sentence telling the notification, in the active language."""
    payload = notification.payload or {}
    kind = notification.kind
    if kind == Kind.PHASE_OPENED:
        return _phase_opened(payload)
    if kind == Kind.MODERATION_QUEUE:
        return _moderation_queue(payload)
    messages = FOLLOWER_MESSAGES if payload.get("following") else MESSAGES
    message = messages.get(kind) or MESSAGES.get(kind)
    if message is None:
        return str(notification.get_kind_display())
    return str(message % {"title": payload.get("title", "")})
