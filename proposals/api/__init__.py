"""The API of proposals and comments: read what is public, and every citizen and team action.

Serializers check the shape of the input; the services check permissions, phases and rules, and
raise domain errors that ``config.api.exception_handler`` turns into clear 4xx responses.
"""

from proposals.api.comments import CommentViewSet
from proposals.api.moderation import ModerationViewSet
from proposals.api.proposals import ProposalViewSet
from proposals.api.serializers import CommentSerializer, DecisionSerializer, ProposalSerializer

__all__ = [
    "CommentSerializer",
    "CommentViewSet",
    "DecisionSerializer",
    "ModerationViewSet",
    "ProposalSerializer",
    "ProposalViewSet",
]
