"""Per-user limits on writes, counted in the shared cache (Redis in deployment)."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.utils.translation import gettext as _

from participation.errors import RateLimited

# action: (maximum count, period in seconds)
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "proposal": (10, 3600),
    "comment": (20, 600),
    "support": (60, 600),
    "report": (20, 3600),
    "ballot": (20, 600),
    "moderation": (300, 600),
    "organiser": (300, 600),
}


def check_rate(*, user_id: int | str, action: str, limits: tuple[int, int] | None = None) -> None:
    """Count one `action` by this user; raise RateLimited past the limit of its window."""
    maximum, period = limits or DEFAULT_LIMITS[action]
    window = int(time.time() // period)
    key = f"ratelimit:{action}:{user_id}:{window}"
    if cache.add(key, 1, timeout=period):
        return
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period)
        return
    if count > maximum:
        retry_after = period - int(time.time()) % period
        raise RateLimited(
            _("Too many actions of this kind. Please try again in %(seconds)d seconds.")
            % {"seconds": retry_after},
            retry_after=retry_after,
        )
