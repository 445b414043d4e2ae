"""A proposal with 2,000 comments renders in a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from proposals.models import Comment
from tests import factories

pytestmark = pytest.mark.django_db


def _thread(proposal, roots: int, replies_per_root: int) -> None:
    """Roots with nested replies (depth 1 to 3), written in bulk."""
    users = factories.UserFactory.create_batch(5)
    now = timezone.now()
    root_objects = Comment.objects.bulk_create(
        Comment(proposal=proposal, author=users[i % 5], body=f"root {i}", created_at=now)
        for i in range(roots)
    )
    level = root_objects
    per_level = max(1, replies_per_root // 3)
    for depth in (1, 2, 3):
        level = Comment.objects.bulk_create(
            Comment(
                proposal=proposal,
                parent=parent,
                depth=depth,
                author=users[(i + depth) % 5],
                body=f"reply {depth}.{i}",
                created_at=now,
            )
            for parent in level
            for i in range(per_level if depth == 1 else 1)
        )


def _count_queries(client, proposal) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(proposal.get_absolute_url())
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("as_user", [False, True])
def test_two_thousand_comments_render_in_constant_queries(client, proposal, as_user, citizen):
    if as_user:
        client.force_login(citizen)
    _thread(proposal, roots=20, replies_per_root=3)
    small = _count_queries(client, proposal)
    _thread(proposal, roots=500, replies_per_root=3)  # 2,000 more comments
    assert Comment.objects.filter(proposal=proposal).count() == 2080
    big = _count_queries(client, proposal)
    assert big == small
    assert big <= 25, big


def test_one_root_with_two_thousand_replies_renders_in_constant_queries(
    client, proposal, django_assert_max_num_queries, citizen
):
    client.force_login(citizen)
    root = factories.CommentFactory(proposal=proposal)
    Comment.objects.bulk_create(
        Comment(proposal=proposal, parent=root, depth=1, author=citizen, body=f"r{i}")
        for i in range(2000)
    )
    with django_assert_max_num_queries(25):
        response = client.get(proposal.get_absolute_url())
    assert response.content.decode().count('class="comment"') == 2001
