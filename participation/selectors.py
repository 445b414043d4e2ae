"""Reads about processes and axes that pages and API share."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from participation.models import Axis, Phase, Process, Role, User

PUBLIC_PROPOSAL_STATUSES = ("published", "merged")


def _can_see_unpublished(viewer: User | None) -> Q:
    if viewer is None or not viewer.is_authenticated:
        return Q(is_published=True)
    if viewer.is_staff:
        return Q()
    return Q(is_published=True) | Q(roles__user=viewer, roles__kind=Role.Kind.ORGANISER)


def process_list(*, viewer: User | None = None) -> QuerySet[Process]:
    """Processes the viewer may see, newest first, with phases and axes prefetched."""
    return (
        Process.objects.filter(_can_see_unpublished(viewer))
        .distinct()
        .prefetch_related(
            Prefetch("phases", queryset=Phase.objects.order_by("starts_at")),
            Prefetch("axes", queryset=Axis.objects.order_by("position", "pk")),
        )
        .order_by("-created_at")
    )


def axis_list(*, viewer: User | None = None, process: Process | None = None) -> QuerySet[Axis]:
    """Axes of visible processes, with the count of their public proposals."""
    processes = process_list(viewer=viewer)
    axes = Axis.objects.filter(process__in=processes.values("pk"))
    if process is not None:
        axes = axes.filter(process=process)
    return (
        axes.select_related("process")
        .annotate(
            proposal_count=Count(
                "proposals", filter=Q(proposals__status__in=PUBLIC_PROPOSAL_STATUSES)
            )
        )
        .order_by("process", "position", "pk")
    )


def process_get(*, slug: str, viewer: User | None = None) -> Process:
    """The visible process with this slug (raises Process.DoesNotExist)."""
    return process_list(viewer=viewer).get(slug=slug)


def axis_get(*, process: Process, slug: str, viewer: User | None = None) -> Axis:
    """The axis of this visible process with this slug (raises Axis.DoesNotExist)."""
    return axis_list(viewer=viewer, process=process).get(slug=slug)
