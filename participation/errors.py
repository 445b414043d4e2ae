"""Domain errors raised by services, each with a clear message for the participant.

Pages turn them into form errors or messages; the API turns them into 4xx responses
(``config.api.exception_handler``).
"""

from __future__ import annotations


class DomainError(Exception):
    """A request that the rules of the platform refuse; never a server fault."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The actor may not do this (role, phase, ownership, verification, block)."""

    status_code = 403
    code = "not_allowed"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    """The action collides with the current state (already voted, already supported...)."""

    status_code = 409
    code = "conflict"


class RateLimited(DomainError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
