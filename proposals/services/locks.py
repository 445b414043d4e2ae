"""Row locks taken by the proposal services, in one place.

Every function here must run inside ``transaction.atomic()``. On SQLite ``select_for_update``
is a no-op: the database-wide write lock serialises writers instead.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from participation.errors import NotFound
from proposals.models import Comment, Proposal


def lock_proposal(pk: int) -> Proposal:
    """The proposal row, locked until the end of the transaction, with its axis and process."""
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("axis__process", "author")
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        raise NotFound(_("No such proposal."))
    return proposal


def lock_proposals(*pks: int) -> list[Proposal]:
    """Several proposal rows locked in the order of their keys, so two merges cannot deadlock."""
    return [lock_proposal(pk) for pk in sorted(pks)]


def lock_comment(pk: int) -> Comment:
    """The comment row, locked, with its proposal, axis and process."""
    comment = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("proposal__axis__process", "author")
        .filter(pk=pk)
        .first()
    )
    if comment is None:
        raise NotFound(_("No such comment."))
    return comment
