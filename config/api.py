"""The REST API's router (/api/v1/)."""

from rest_framework.routers import DefaultRouter

from participation.api import AxisViewSet, ProcessViewSet
from participation.notifications_api import (
    FollowViewSet,
    NotificationPreferenceViewSet,
    NotificationViewSet,
)
from participation.organiser_api import (
    ManagedAxisViewSet,
    ManagedPhaseViewSet,
    ManagedProcessViewSet,
    RoleViewSet,
)
from proposals.api import CommentViewSet, ModerationViewSet, ProposalViewSet
from votes.api import (
    CensusViewSet,
    PabulibImportViewSet,
    ReceiptCheckViewSet,
    ResultViewSet,
    VotingViewSet,
)

router = DefaultRouter()
router.register("processes", ProcessViewSet, basename="process")
router.register("axes", AxisViewSet, basename="axis")
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("comments", CommentViewSet, basename="comment")
router.register("moderation", ModerationViewSet, basename="moderation")
router.register("manage/processes", ManagedProcessViewSet, basename="managed-process")
router.register("manage/phases", ManagedPhaseViewSet, basename="managed-phase")
router.register("manage/axes", ManagedAxisViewSet, basename="managed-axis")
router.register("manage/roles", RoleViewSet, basename="role")
router.register("voting/import", PabulibImportViewSet, basename="voting-import")
router.register("voting", VotingViewSet, basename="voting")
router.register("ballots/check", ReceiptCheckViewSet, basename="ballot-check")
router.register("results", ResultViewSet, basename="result")
router.register("census", CensusViewSet, basename="census")


def exception_handler(exc, context):
    """DRF's handler, plus the domain errors of the services as clear 4xx responses."""
    from rest_framework.response import Response
    from rest_framework.views import exception_handler as drf_exception_handler

    from participation.errors import DomainError, RateLimited

    if isinstance(exc, DomainError):
        body = {"detail": exc.message, "code": exc.code}
        if exc.field:
            body["field"] = exc.field
        response = Response(body, status=exc.status_code)
        if isinstance(exc, RateLimited):
            response["Retry-After"] = str(exc.retry_after)
        return response
    return drf_exception_handler(exc, context)


# Notifications, e-mail preferences and follows of the signed-in person (issue #5).

router.register("notifications", NotificationViewSet, basename="notification")
router.register(
    "notification-preferences", NotificationPreferenceViewSet, basename="notification-preference"
)
router.register("follows", FollowViewSet, basename="follow")
