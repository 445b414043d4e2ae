"""Reads about proposals and comment threads that pages and API share."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)

from participation import permissions
from participation.models import Axis, Process, User
from participation.selectors import PUBLIC_PROPOSAL_STATUSES, process_list
from proposals.models import Comment, Proposal, Support

PROPOSAL_SORTS = {
    "recent": ("-published_at", "-pk"),
    "supported": ("-support_count", "-published_at", "-pk"),
    "random": ("random_key", "pk"),
    "cost": ("estimated_cost", "pk"),
    "title": ("title", "pk"),
}
# A prime below 2**31: keys stay within 64-bit integers on PostgreSQL and SQLite alike.
RANDOM_MODULUS = 2_147_483_647
SEED_SESSION_KEY = "proposal_order_seed"
VISIBLE_COMMENT_STATUSES = ("published", "hidden", "deleted")
PROPOSAL_RELATED = ("axis__process", "author", "evaluation", "merged_into__axis__process")


@dataclass(frozen=True)
class ProposalFilters:
    """What a proposal list can be narrowed and sorted by."""

    q: str = ""
    status: str = ""
    selected: bool | None = None
    sort: str = "recent"
    seed: int = 0  # for sort="random": the same seed gives the same order (one per visitor)


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
    proposals = with_viewer_support(proposals, viewer)
    if filters.sort == "random":
        proposals = proposals.annotate(random_key=random_key(filters.seed))
    return proposals.select_related(*PROPOSAL_RELATED).order_by(*order)


def with_viewer_support(proposals: QuerySet[Proposal], viewer: User | None) -> QuerySet[Proposal]:
    """Annotate `viewer_supports`: whether the viewer supports each proposal (no extra query)."""
    if viewer is None or not viewer.is_authenticated:
        return proposals.annotate(viewer_supports=Value(False))
    mine = Support.objects.filter(proposal=OuterRef("pk"), user=viewer)
    return proposals.annotate(viewer_supports=Exists(mine))


def visitor_seed(session) -> int:
    """The visitor's seed for the random order, drawn once and kept in their session."""
    seed = session.get(SEED_SESSION_KEY)
    if not isinstance(seed, int):
        seed = secrets.randbelow(RANDOM_MODULUS**2)
        session[SEED_SESSION_KEY] = seed
    return seed


def random_key(seed: int) -> ExpressionWrapper:
    """A shuffled but stable sort key: an affine then a quadratic map of the id, modulo a prime.

    Plain integer arithmetic, so the same order comes out of PostgreSQL and SQLite, and the
    same seed always gives the same order (pages do not reshuffle between page 1 and 2).
    """
    p = RANDOM_MODULUS
    # Spread any seed, even a small one, over the whole field before it multiplies the ids.
    digest = hashlib.sha256(str(seed).encode()).digest()
    a, b, c = (1 + int.from_bytes(digest[i : i + 8]) % (p - 1) for i in (0, 8, 16))
    mixed = (F("id") * Value(a) + Value(b)) % Value(p)
    return ExpressionWrapper((mixed * mixed + Value(c)) % Value(p), output_field=BigIntegerField())


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
    """One proposal the viewer may see (raises Proposal.DoesNotExist).

    Public proposals for everyone; drafts, pending, rejected, hidden and withdrawn ones for their
    author, and all but drafts for the process' team (moderators, evaluators, organisers).
    """
    proposals = Proposal.objects.filter(axis__process__in=process_list(viewer=viewer).values("pk"))
    if axis is not None:
        proposals = proposals.filter(axis=axis)
    proposal = with_viewer_support(proposals, viewer).select_related(*PROPOSAL_RELATED).get(pk=pk)
    if not permissions.can_view_proposal(viewer, proposal):
        raise Proposal.DoesNotExist
    return proposal


def proposal_list_of_author(*, author: User) -> QuerySet[Proposal]:
    """Every proposal of this author, whatever its state, newest first ("my proposals")."""
    return (
        with_viewer_support(Proposal.objects.filter(author=author), author)
        .select_related(*PROPOSAL_RELATED)
        .order_by("-created_at", "-pk")
    )


def proposal_list_for_team(
    *, process: Process, axis: Axis | None = None, status: str = "published"
) -> QuerySet[Proposal]:
    """Proposals of a process as evaluators and organisers review them, by axis then date."""
    proposals = Proposal.objects.filter(axis__process=process)
    if axis is not None:
        proposals = proposals.filter(axis=axis)
    if status:
        proposals = proposals.filter(status=status)
    return proposals.select_related(*PROPOSAL_RELATED).order_by(
        "axis__position", "axis_id", "-support_count", "pk"
    )


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


def comment_get(*, pk: int, viewer: User | None = None) -> Comment:
    """One comment on a proposal the viewer may see (raises Comment.DoesNotExist).

    Comments awaiting moderation are seen by their author and the process' moderators only.
    """
    comment = Comment.objects.select_related("author", "parent").get(pk=pk)
    try:
        comment.proposal = proposal_get(pk=comment.proposal_id, viewer=viewer)
    except Proposal.DoesNotExist as error:
        raise Comment.DoesNotExist from error
    own = viewer is not None and viewer.is_authenticated and comment.author_id == viewer.pk
    if comment.status == Comment.Status.PENDING and not (
        own or permissions.can_moderate(viewer, comment.proposal.axis.process)
    ):
        raise Comment.DoesNotExist
    return comment


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
    for node in nodes.values():
        node.comment.proposal = proposal  # so that permission checks need no query per comment
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
