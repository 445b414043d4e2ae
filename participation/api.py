"""Read API of processes and axes."""

from rest_framework import serializers, viewsets

from participation import selectors
from participation.models import Axis, Phase, Process


class PhaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Phase
        fields = ["kind", "title", "description", "starts_at", "ends_at"]


class AxisSerializer(serializers.ModelSerializer):
    process = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    proposal_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Axis
        fields = [
            "id",
            "process",
            "slug",
            "title",
            "description",
            "budget",
            "ballot_type",
            "min_choices",
            "max_choices",
            "min_budget_share",
            "points_total",
            "points_max_per_proposal",
            "result_rule",
            "proposal_count",
        ]


class ProcessSerializer(serializers.ModelSerializer):
    phases = PhaseSerializer(many=True, read_only=True)
    axes = serializers.SerializerMethodField()
    current_phase = serializers.SerializerMethodField()

    class Meta:
        model = Process
        fields = [
            "id",
            "slug",
            "title",
            "summary",
            "description",
            "place",
            "licence",
            "current_phase",
            "phases",
            "axes",
        ]

    def get_axes(self, process: Process) -> list[str]:
        return [axis.slug for axis in process.axes.all()]

    def get_current_phase(self, process: Process) -> str | None:
        phase = process.current_phase()
        return phase.kind if phase else None


class ProcessViewSet(viewsets.ReadOnlyModelViewSet):
    """Participatory processes, with their phases and axes."""

    serializer_class = ProcessSerializer
    lookup_field = "slug"
    ordering_fields = ["created_at", "title"]

    def get_queryset(self):
        return selectors.process_list(viewer=self.request.user)


class AxisViewSet(viewsets.ReadOnlyModelViewSet):
    """Axes (themes) of processes, each with a budget, a ballot type and a result rule."""

    serializer_class = AxisSerializer
    filterset_fields = {"process__slug": ["exact"], "ballot_type": ["exact"]}
    ordering_fields = ["position", "budget", "title"]

    def get_queryset(self):
        return selectors.axis_list(viewer=self.request.user)
