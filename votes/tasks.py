"""Celery tasks of the vote: computing results, following the voting phases' dates."""

from __future__ import annotations

from celery import shared_task

from votes import services


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=15 * 60)
def compute_results(axis_id: int) -> int:
    """Compute and store an axis' result (idempotent: a second run finds the same Result)."""
    return services.result_compute(axis_id=axis_id).pk


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=4 * 60, time_limit=5 * 60)
def update_voting_phases() -> dict[str, list[int]]:
    """Periodic: announce votes that opened by their dates, close those whose phase ended."""
    changes = services.voting_phases_update()
    return {"opened": changes.opened, "closed": changes.closed}
