"""The comment endpoints: threads, replies, edits, supports, reports and moderation."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from participation.errors import DomainError
from proposals import selectors, services
from proposals.api.proposals import NO_CONTENT
from proposals.api.serializers import (
    CommentCreateSerializer,
    CommentEditSerializer,
    CommentSerializer,
    DecisionSerializer,
    ReasonSerializer,
    RequiredReasonSerializer,
)
from proposals.api.serializers import validated_input as _input
from proposals.models import Comment, Proposal


@extend_schema_view(
    create=extend_schema(request=CommentCreateSerializer, responses={201: CommentSerializer}),
    partial_update=extend_schema(request=CommentEditSerializer, responses=CommentSerializer),
    destroy=extend_schema(responses=NO_CONTENT),
)
class CommentViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Comments on public proposals; deleted or hidden ones show as empty placeholders."""

    serializer_class = CommentSerializer
    filterset_fields = ["proposal", "parent"]
    ordering_fields = ["created_at", "support_count"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Comment]:
        return selectors.comment_list(viewer=self.request.user).order_by("created_at", "pk")

    def get_object(self) -> Comment:
        try:
            comment = selectors.comment_get(pk=int(self.kwargs["pk"]), viewer=self.request.user)
        except (Comment.DoesNotExist, ValueError) as error:
            raise Http404 from error
        self.check_object_permissions(self.request, comment)
        return comment

    def _respond(self, comment: Comment, code: int = status.HTTP_200_OK) -> Response:
        comment.refresh_from_db()
        return Response(self.get_serializer(comment).data, status=code)

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = _input(CommentCreateSerializer, request)
        try:
            proposal = selectors.proposal_get(pk=data["proposal"], viewer=request.user)
        except Proposal.DoesNotExist as error:
            raise DomainError(_("No such proposal."), field="proposal") from error
        parent = None
        if data["parent"] is not None:
            try:
                parent = selectors.comment_get(pk=data["parent"], viewer=request.user)
            except Comment.DoesNotExist as error:
                raise DomainError(_("No such comment."), field="parent") from error
        comment = services.comment_create(
            author=request.user, proposal=proposal, parent=parent, body=data["body"]
        )
        return self._respond(comment, status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        data = _input(CommentEditSerializer, request)
        comment = services.comment_edit(actor=request.user, comment=self.get_object(), **data)
        return self._respond(comment)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        services.comment_delete(actor=request.user, comment=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=CommentSerializer)
    @action(detail=True, methods=["post", "delete"])
    def support(self, request: Request, pk: str) -> Response:
        """Support the comment (POST) or withdraw one's support (DELETE)."""
        comment = self.get_object()
        if request.method == "DELETE":
            comment = services.comment_unsupport(user=request.user, comment=comment)
        else:
            comment = services.comment_support(user=request.user, comment=comment)
        return self._respond(comment)

    @extend_schema(request=RequiredReasonSerializer, responses=NO_CONTENT)
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: str) -> Response:
        """Report the comment to the moderators, with a reason."""
        data = _input(RequiredReasonSerializer, request)
        services.report_create(reporter=request.user, comment=self.get_object(), **data)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _moderate(self, service) -> Response:
        data = _input(ReasonSerializer, self.request)
        return self._respond(
            service(moderator=self.request.user, comment=self.get_object(), **data)
        )

    @extend_schema(request=ReasonSerializer, responses=CommentSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        """Moderators: publish a comment awaiting moderation."""
        return self._moderate(services.comment_publish)

    @extend_schema(request=ReasonSerializer, responses=CommentSerializer)
    @action(detail=True, methods=["post"])
    def hide(self, request: Request, pk: str) -> Response:
        """Moderators: hide a comment (a placeholder keeps its place)."""
        return self._moderate(services.comment_hide)

    @extend_schema(request=ReasonSerializer, responses=CommentSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str) -> Response:
        """Moderators: show a hidden comment again."""
        return self._moderate(services.comment_restore)

    @extend_schema(request=ReasonSerializer, responses=DecisionSerializer)
    @action(detail=True, methods=["post"], url_path="dismiss-reports")
    def dismiss_reports(self, request: Request, pk: str) -> Response:
        """Moderators: close the reports on a comment that breaks no rule."""
        data = _input(ReasonSerializer, request)
        decision = services.reports_dismiss(
            moderator=request.user, comment=self.get_object(), **data
        )
        return Response(DecisionSerializer(decision).data)
