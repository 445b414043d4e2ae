"""API of a person's notifications, e-mail preferences and follows (all private to them)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from participation import notifications
from participation import selectors as participation_selectors
from participation.models import Follow, Notification, NotificationPreference, Process


class NotificationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    text = serializers.SerializerMethodField()
    process = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_display",
            "text",
            "payload",
            "url",
            "process",
            "created_at",
            "read",
            "read_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_text(self, notification: Notification) -> str:
        return notifications.notification_text(notification)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


UNREAD_PARAMETER = OpenApiParameter(
    "unread", OpenApiTypes.BOOL, description="Only the unread notifications."
)
COUNT = inline_serializer("UnreadCount", {"count": serializers.IntegerField()})
MARKED = inline_serializer("MarkedRead", {"marked": serializers.IntegerField()})


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The signed-in person's notifications, newest first; nobody else's are reachable."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        unread = self.request.query_params.get("unread", "").lower() in ("1", "true", "yes")
        return notifications.notification_list(
            user=self.request.user, unread_only=unread
        ).select_related("process")

    @extend_schema(parameters=[UNREAD_PARAMETER])
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=COUNT)
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request: Request) -> Response:
        return Response({"count": notifications.notification_unread_count(user=request.user)})

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = notifications.notification_mark_read(user=request.user, notification_id=pk)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=MARKED)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": notifications.notifications_mark_all_read(user=request.user)})


# --- E-mail preferences ---------------------------------------------------------------------


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Notification.Kind.choices, read_only=True)
    label = serializers.CharField(read_only=True)
    delivery = serializers.ChoiceField(choices=NotificationPreference.Delivery.choices)
    mandatory = serializers.BooleanField(
        read_only=True, help_text="Messages about the account: always e-mailed at once."
    )


class NotificationPreferenceViewSet(viewsets.ViewSet):
    """How the signed-in person is e-mailed, per kind: immediately, daily digest or never."""

    permission_classes = [IsAuthenticated]
    serializer_class = PreferenceSerializer
    lookup_field = "kind"
    lookup_value_regex = "[a-z_]+"

    @extend_schema(responses=PreferenceSerializer(many=True))
    def list(self, request: Request) -> Response:
        rows = notifications.preference_list(user=request.user)
        return Response(PreferenceSerializer(rows, many=True).data)

    def _row(self, request: Request, kind: str):
        rows = {row.kind: row for row in notifications.preference_list(user=request.user)}
        if kind not in rows:
            raise Http404
        return rows[kind]

    @extend_schema(responses=PreferenceSerializer)
    def retrieve(self, request: Request, kind: str | None = None) -> Response:
        return Response(PreferenceSerializer(self._row(request, kind)).data)

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    def update(self, request: Request, kind: str | None = None) -> Response:
        self._row(request, kind)
        serializer = PreferenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = notifications.preferences_update(
            user=request.user, changes={kind: serializer.validated_data["delivery"]}
        )
        row = next(row for row in rows if row.kind == kind)
        return Response(PreferenceSerializer(row).data)

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    def partial_update(self, request: Request, kind: str | None = None) -> Response:
        return self.update(request, kind)


# --- Follows --------------------------------------------------------------------------------


class FollowSerializer(serializers.ModelSerializer):
    process = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    proposal = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Follow
        fields = ["id", "process", "proposal", "created_at"]
        read_only_fields = fields


class FollowCreateSerializer(serializers.Serializer):
    process = serializers.SlugField(required=False, help_text="The slug of a process to follow.")
    proposal = serializers.IntegerField(
        required=False, min_value=1, help_text="The id of a proposal to follow."
    )

    def validate(self, data: dict) -> dict:
        if ("process" in data) == ("proposal" in data):
            raise serializers.ValidationError(_("Give either a process or a proposal."))
        return data


class FollowViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """What the signed-in person follows; follow a process or a proposal to hear its news."""

    serializer_class = FollowSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Follow.objects.none()
        return (
            Follow.objects.filter(user=self.request.user)
            .select_related("process")
            .order_by("-created_at", "-pk")
        )

    def _target(self, data: dict) -> dict:
        """The process or proposal named, if the person may see it (else 404)."""
        from proposals import selectors as proposal_selectors
        from proposals.models import Proposal

        viewer = self.request.user
        try:
            if "process" in data:
                return {
                    "process": participation_selectors.process_get(
                        slug=data["process"], viewer=viewer
                    )
                }
            return {"proposal": proposal_selectors.proposal_get(pk=data["proposal"], viewer=viewer)}
        except (Process.DoesNotExist, Proposal.DoesNotExist) as error:
            raise Http404 from error

    @extend_schema(request=FollowCreateSerializer, responses={201: FollowSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = FollowCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = self._target(serializer.validated_data)
        follow = notifications.follow_create(actor=request.user, **target)
        return Response(FollowSerializer(follow).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Follow) -> None:
        notifications.follow_delete(
            actor=self.request.user, process=instance.process, proposal=instance.proposal
        )
