"""Reads about proposals and comment threads that pages and API share."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

from participation.models import Axis, User
from participation.selectors import PUBLIC_PROPOSAL_STATUSES, process_list
from proposals.models import Comment, Proposal

PROPOSAL_SORTS = {
    "recent": ("-published_at", "-pk"),
    "supported": ("-support_count", "-published_at", "-pk"),
    "cost": ("estimated_cost", "pk"),
    "title": ("title", "pk"),
}
VISIBLE_COMMENT_STATUSES = ("published", "hidden", "deleted")


@dataclass(frozen=True)
class ProposalFilters:
    """What a proposal list can be narrowed and sorted by."""

    q: str = ""
    status: str = ""
    selected: bool | None = None
    sort: str = "recent"


def proposal_list(
    *, viewer: User | None = None, axis: Axis | None = None, filters: ProposalFilters | None = None
) -> QuerySet[Proposal]:
    """Public proposals of visible processes, filtered and sorted, ready to render."""
    filters = filters or ProposalFilters()
    proposals = Proposal.objects.filter(
        axis__process__in=process_list(viewer=viewer).values("pk"),
        status__in=PUBLIC_PROPOSAL_STATUSES,
    )
    if axis is not None:
        proposals = proposals.filter(axis=axis)
    if filters.status in PUBLIC_PROPOSAL_STATUSES:
        proposals = proposals.filter(status=filters.status)
    if filters.selected is not None:
        proposals = proposals.filter(selected_for_vote=filters.selected)
    if filters.q.strip():
        proposals = _search(proposals, filters.q.strip())
    order = PROPOSAL_SORTS.get(filters.sort, PROPOSAL_SORTS["recent"])
    return proposals.select_related("axis__process", "author", "evaluation", "merged_into").order_by(
        *order
    )


def _search(proposals: QuerySet[Proposal], text: str) -> QuerySet[Proposal]:
    # PostgreSQL's full-text search (French stemming) when we have it; a plain match elsewhere.
    if connection.vendor == "postgresql":
        vector = SearchVector("title", weight="A", config="french") + SearchVector(
            "summary", "body", weight="B", config="french"
        )
        query = SearchQuery(text, config="french", search_type="websearch")
        return proposals.annotate(search=vector).filter(search=query)
    return proposals.filter(
        Q(title__icontains=text) | Q(summary__icontains=text) | Q(body__icontains=text)
    )


def proposal_get(*, pk: int, viewer: User | None = None, axis: Axis | None = None) -> Proposal:
    """One public proposal (raises Proposal.DoesNotExist)."""
    return proposal_list(viewer=viewer, axis=axis).get(pk=pk)


@dataclass
class ThreadNode:
    """A comment with its replies, as the thread shows it."""

    comment: Comment
    replies: list[ThreadNode] = field(default_factory=list)


def comment_list(*, viewer: User | None = None) -> QuerySet[Comment]:
    """Comments visible to the public, on public proposals."""
    return Comment.objects.filter(
        proposal__in=proposal_list(viewer=viewer).values("pk"),
        status__in=VISIBLE_COMMENT_STATUSES,
    ).select_related("author")


def comment_thread(*, proposal: Proposal, roots: list[Comment]) -> list[ThreadNode]:
    """The given top-level comments with all their replies, in two queries at most."""
    root_ids = [c.pk for c in roots]
    descendants = (
        Comment.objects.filter(proposal=proposal, status__in=VISIBLE_COMMENT_STATUSES)
        .filter(
            Q(parent__in=root_ids)
            | Q(parent__parent__in=root_ids)
            | Q(parent__parent__parent__in=root_ids)
        )
        .select_related("author")
        .order_by("created_at", "pk")
    )
    nodes = {c.pk: ThreadNode(c) for c in roots}
    for reply in descendants:
        nodes[reply.pk] = ThreadNode(reply)
    for reply in descendants:
        parent = nodes.get(reply.parent_id)
        if parent is not None:
            parent.replies.append(nodes[reply.pk])
    return [nodes[c.pk] for c in roots]


def comment_roots(*, proposal: Proposal, sort: str = "oldest") -> QuerySet[Comment]:
    """Top-level comments of a proposal's thread, in the chosen order."""
    order = {
        "oldest": ("created_at", "pk"),
        "newest": ("-created_at", "-pk"),
        "supported": ("-support_count", "created_at", "pk"),
    }.get(sort, ("created_at", "pk"))
    return (
        Comment.objects.filter(
            proposal=proposal, parent__isnull=True, status__in=VISIBLE_COMMENT_STATUSES
        )
        .select_related("author")
        .order_by(*order)
    )
