"""The REST API's router (/api/v1/)."""

from rest_framework.routers import DefaultRouter

from participation.api import AxisViewSet, ProcessViewSet
from proposals.api import CommentViewSet, ProposalViewSet

router = DefaultRouter()
router.register("processes", ProcessViewSet, basename="process")
router.register("axes", AxisViewSet, basename="axis")
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("comments", CommentViewSet, basename="comment")
