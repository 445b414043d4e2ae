"""The REST API's router (/api/v1/)."""

from rest_framework.routers import DefaultRouter

from participation.api import AxisViewSet, ProcessViewSet
from proposals.api import CommentViewSet, ProposalViewSet

router = DefaultRouter()
router.register("processes", ProcessViewSet, basename="process")
router.register("axes", AxisViewSet, basename="axis")
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("comments", CommentViewSet, basename="comment")


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
