"""The lock that orders casting and closing an axis' vote.

Closing the vote holds ``SELECT … FOR UPDATE`` on the axis row (``lock_axis``). Casting
does not take it, but inserting a voter record or a ballot checks its foreign key to the
axis, which on PostgreSQL takes ``FOR KEY SHARE`` on the same row. So a close waits for the
casts already writing, and a cast that writes after a close re-reads the state and gives up
(``ensure_still_open``): no ballot lands after the close that the count would miss.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from participation.errors import NotAllowed
from participation.models import Axis
from votes import permissions


def lock_axis(axis_id: int) -> Axis:
    """Lock the axis row (FOR UPDATE) until the end of the caller's transaction."""
    return Axis.objects.select_for_update().select_related("process").get(pk=axis_id)


def ensure_still_open(axis: Axis) -> None:
    """Re-read the voting state after writing (see the module docstring); the caller's
    transaction must already hold a voter record or ballot insert on this axis."""
    fresh = Axis.objects.select_related("process", "voting_state").get(pk=axis.pk)
    if not permissions.voting_is_open(fresh):
        raise NotAllowed(_("Voting on this axis closed while your ballot was being recorded."))
