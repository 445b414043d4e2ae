"""The organisers' API (/api/v1/manage/...): processes, phases, axes and roles.

Serializers check the shape of the input; the services in ``participation.services`` check
who may do it and whether it holds together.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from participation import permissions, services
from participation import selectors as participation_selectors
from participation.models import Axis, Phase, Process, Role


class ManagedProcessSerializer(serializers.ModelSerializer):
    class Meta:
        model = Process
        fields = ["id", "slug", *services.PROCESS_FIELDS]
        read_only_fields = ["id"]


class ManagedPhaseSerializer(serializers.ModelSerializer):
    process = serializers.SlugRelatedField(slug_field="slug", queryset=Process.objects.all())

    class Meta:
        model = Phase
        fields = ["id", "process", *services.PHASE_FIELDS]
        read_only_fields = ["id"]
        validators: list = []  # the service checks kinds and overlaps, with clear messages


class ManagedAxisSerializer(serializers.ModelSerializer):
    process = serializers.SlugRelatedField(slug_field="slug", queryset=Process.objects.all())

    class Meta:
        model = Axis
        fields = ["id", "process", *services.AXIS_FIELDS]
        read_only_fields = ["id"]
        validators: list = []


class RoleSerializer(serializers.ModelSerializer):
    process = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    user = serializers.CharField(source="user.display_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    role = serializers.ChoiceField(source="kind", choices=Role.Kind.choices, read_only=True)

    class Meta:
        model = Role
        fields = ["id", "process", "user", "email", "role", "granted_at"]


class RoleGrantSerializer(serializers.Serializer):
    process = serializers.SlugField()
    email = serializers.EmailField(help_text="E-mail address of an existing account.")
    role = serializers.ChoiceField(choices=Role.Kind.choices)


PROCESS_FILTER = OpenApiParameter("process", str, description="Process slug")


def _shape(serializer_class, request: Request, *, partial: bool = False) -> dict:
    """Validated fields of the request, without writing anything."""
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _visible_process(request: Request, slug: str) -> Process:
    try:
        return participation_selectors.process_get(slug=slug, viewer=request.user)
    except Process.DoesNotExist as error:
        raise Http404 from error


class ManagedProcessViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Processes the signed-in organiser runs (staff: all); staff create new ones."""

    serializer_class = ManagedProcessSerializer
    lookup_field = "slug"
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Process]:
        user = self.request.user
        if not user.is_authenticated:
            return Process.objects.none()
        if user.is_staff:
            return Process.objects.order_by("title")
        return Process.objects.filter(roles__user=user, roles__kind=Role.Kind.ORGANISER).order_by(
            "title"
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        permissions.check_create_process(request.user)
        data = _shape(ManagedProcessSerializer, request)
        process = services.process_create(actor=request.user, **data)
        return Response(ManagedProcessSerializer(process).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        process = _visible_process(request, kwargs["slug"])
        permissions.check_manage_process(request.user, process)
        data = _shape(ManagedProcessSerializer, request, partial=True)
        data.pop("slug", None)  # the address of a process does not change
        process = services.process_update(actor=request.user, process=process, **data)
        return Response(ManagedProcessSerializer(process).data)


class _ProcessChildViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    model: type

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False) or not self.request.user.is_authenticated:
            return self.model.objects.none()
        managed = ManagedProcessViewSet(request=self.request).get_queryset()
        items = self.model.objects.filter(process__in=managed).select_related("process")
        if self.request.query_params.get("process"):
            items = items.filter(process__slug=self.request.query_params["process"])
        return items

    def _process_of(self, data: dict) -> Process:
        process = _visible_process(self.request, data.pop("process").slug)
        permissions.check_manage_process(self.request.user, process)
        return process


@extend_schema_view(list=extend_schema(parameters=[PROCESS_FILTER]))
class ManagedPhaseViewSet(mixins.DestroyModelMixin, _ProcessChildViewSet):
    """Phases of the processes the signed-in organiser runs."""

    serializer_class = ManagedPhaseSerializer
    model = Phase

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = _shape(ManagedPhaseSerializer, request)
        phase = services.phase_create(actor=request.user, process=self._process_of(data), **data)
        return Response(ManagedPhaseSerializer(phase).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        phase = self.get_object()
        data = _shape(ManagedPhaseSerializer, request, partial=True)
        data.pop("process", None)
        phase = services.phase_update(actor=request.user, phase=phase, **data)
        return Response(ManagedPhaseSerializer(phase).data)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        services.phase_delete(actor=request.user, phase=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(list=extend_schema(parameters=[PROCESS_FILTER]))
class ManagedAxisViewSet(_ProcessChildViewSet):
    """Axes (budget, ballot, result rule) of the processes the signed-in organiser runs."""

    serializer_class = ManagedAxisSerializer
    model = Axis
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = _shape(ManagedAxisSerializer, request)
        axis = services.axis_create(actor=request.user, process=self._process_of(data), **data)
        return Response(ManagedAxisSerializer(axis).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        axis = self.get_object()
        data = _shape(ManagedAxisSerializer, request, partial=True)
        data.pop("process", None)
        axis = services.axis_update(actor=request.user, axis=axis, **data)
        return Response(ManagedAxisSerializer(axis).data)


@extend_schema_view(
    list=extend_schema(parameters=[PROCESS_FILTER]),
    create=extend_schema(request=RoleGrantSerializer, responses={201: RoleSerializer}),
)
class RoleViewSet(
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Roles in the processes the signed-in organiser runs, granted by e-mail address."""

    serializer_class = RoleSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Role]:
        if getattr(self, "swagger_fake_view", False) or not self.request.user.is_authenticated:
            return Role.objects.none()
        managed = ManagedProcessViewSet(request=self.request).get_queryset()
        roles = Role.objects.filter(process__in=managed).select_related("process", "user")
        if self.request.query_params.get("process"):
            roles = roles.filter(process__slug=self.request.query_params["process"])
        return roles.order_by("process", "kind", "pk")

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = _shape(RoleGrantSerializer, request)
        process = _visible_process(request, data["process"])
        role = services.role_grant(
            actor=request.user, process=process, email=data["email"], kind=data["role"]
        )
        return Response(RoleSerializer(role).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        services.role_revoke(actor=request.user, role=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
