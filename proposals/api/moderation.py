"""The moderators' API: the queue of a process, its decision log, and blocking accounts."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from participation import permissions
from participation import selectors as participation_selectors
from participation.models import Process, User
from proposals import moderation_queue, services
from proposals.api.serializers import DecisionSerializer

PROCESS_PARAMETER = OpenApiParameter("process", str, required=True, description="Process slug")


class QueueReportSerializer(serializers.Serializer):
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class QueueItemSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="proposal or comment")
    id = serializers.IntegerField(source="item.pk")
    status = serializers.CharField(source="item.status")
    proposal = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()
    author_id = serializers.IntegerField(source="item.author_id", allow_null=True)
    author = serializers.SerializerMethodField()
    queued_at = serializers.DateTimeField()
    open_reports = serializers.IntegerField()
    reports = QueueReportSerializer(source="item.open_reports", many=True)

    @extend_schema_field(OpenApiTypes.INT)
    def get_proposal(self, entry: moderation_queue.QueueItem) -> int:
        return entry.item.pk if entry.kind == "proposal" else entry.item.proposal_id

    @extend_schema_field(OpenApiTypes.STR)
    def get_title(self, entry: moderation_queue.QueueItem) -> str:
        return entry.item.title if entry.kind == "proposal" else entry.item.proposal.title

    @extend_schema_field(OpenApiTypes.STR)
    def get_text(self, entry: moderation_queue.QueueItem) -> str:
        return entry.item.summary if entry.kind == "proposal" else entry.item.body

    @extend_schema_field(OpenApiTypes.STR)
    def get_author(self, entry: moderation_queue.QueueItem) -> str:
        return entry.item.author.display_name if entry.item.author else ""


class BlockSerializer(serializers.Serializer):
    process = serializers.SlugField()
    user = serializers.IntegerField(help_text="Id of the account (see author_id in the queue).")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ModerationViewSet(viewsets.GenericViewSet):
    """What moderators of a process work on; every decision is logged and kept forever."""

    serializer_class = DecisionSerializer
    filter_backends: list = []

    def _process(self, slug: str | None) -> Process:
        try:
            process = participation_selectors.process_get(slug=slug or "", viewer=self.request.user)
        except Process.DoesNotExist as error:
            raise Http404 from error
        permissions.check_moderate(self.request.user, process)
        return process

    @extend_schema(parameters=[PROCESS_PARAMETER], responses=QueueItemSerializer(many=True))
    @action(detail=False, methods=["get"])
    def queue(self, request: Request) -> Response:
        """New submissions (when pre-moderating) and reported items, oldest first."""
        process = self._process(request.query_params.get("process"))
        items = moderation_queue.moderation_queue(process=process)
        page = self.paginate_queryset(items)
        return self.get_paginated_response(QueueItemSerializer(page, many=True).data)

    @extend_schema(parameters=[PROCESS_PARAMETER], responses=DecisionSerializer(many=True))
    @action(detail=False, methods=["get"])
    def decisions(self, request: Request) -> Response:
        """The log of the moderators' decisions in a process, newest first."""
        process = self._process(request.query_params.get("process"))
        page = self.paginate_queryset(moderation_queue.moderation_log(process=process))
        return self.get_paginated_response(DecisionSerializer(page, many=True).data)

    def _block_or_unblock(self, service) -> Response:
        serializer = BlockSerializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        process = self._process(data["process"])
        target = User.objects.filter(pk=data["user"]).first()
        if target is None:
            raise Http404
        service(moderator=self.request.user, process=process, user=target, reason=data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=BlockSerializer, responses={204: None})
    @action(detail=False, methods=["post"])
    def block(self, request: Request) -> Response:
        """Block an account that took part in the process (a reason is required)."""
        return self._block_or_unblock(services.user_block)

    @extend_schema(request=BlockSerializer, responses={204: None})
    @action(detail=False, methods=["post"])
    def unblock(self, request: Request) -> Response:
        """Lift the block of an account."""
        return self._block_or_unblock(services.user_unblock)
