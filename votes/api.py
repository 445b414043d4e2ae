"""API of the vote: ballots (cast, change, check), assisted ballots, census, closing, results.

Thin: serializers parse, the services decide and write; domain errors become 4xx responses
through ``config.api.exception_handler``.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import permissions as drf_permissions
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from participation import selectors as participation_selectors
from participation.models import Axis, Process
from votes import permissions, selectors, services
from votes.models import Result, VoterRecord


@extend_schema_field(
    {
        "oneOf": [
            {"type": "array", "items": {"type": "integer"}},
            {"type": "object", "additionalProperties": {"type": "integer"}},
        ]
    }
)
class ChoicesField(serializers.JSONField):
    """Proposal ids (approval, budget, ranking best first) or {proposal id: points}."""


class BallotProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    cost = serializers.DecimalField(max_digits=14, decimal_places=2)


class VotingSerializer(serializers.Serializer):
    """An axis' ballot as a voter needs it, and where the viewer stands."""

    axis = serializers.IntegerField(source="axis.pk")
    process = serializers.CharField(source="axis.process.slug")
    ballot_type = serializers.CharField(source="axis.ballot_type")
    budget = serializers.DecimalField(source="axis.budget", max_digits=14, decimal_places=2)
    min_choices = serializers.IntegerField(source="axis.min_choices")
    max_choices = serializers.IntegerField(source="axis.max_choices", allow_null=True)
    min_budget_share = serializers.DecimalField(
        source="axis.min_budget_share", max_digits=4, decimal_places=3
    )
    points_total = serializers.IntegerField(source="axis.points_total", allow_null=True)
    points_max_per_proposal = serializers.IntegerField(
        source="axis.points_max_per_proposal", allow_null=True
    )
    is_open = serializers.BooleanField()
    closes_at = serializers.DateTimeField(allow_null=True)
    has_voted = serializers.BooleanField()
    refusal = serializers.CharField(allow_null=True, help_text="Why the viewer may not vote.")
    proposals = BallotProposalSerializer(many=True)


class CastSerializer(serializers.Serializer):
    choices = ChoicesField()


class ChangeSerializer(CastSerializer):
    receipt = serializers.CharField(max_length=60)


class AssistedSerializer(CastSerializer):
    place = serializers.CharField(max_length=200)
    channel = serializers.ChoiceField(
        choices=[VoterRecord.Channel.ASSISTED, VoterRecord.Channel.PAPER],
        default=VoterRecord.Channel.ASSISTED,
    )
    census_identifier = serializers.CharField(max_length=200, required=False, default="")
    full_name = serializers.CharField(max_length=200, required=False, default="")
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)


class ReceiptSerializer(serializers.Serializer):
    receipt = serializers.CharField(help_text="Shown once: keep it to check or change the ballot.")
    axis = serializers.IntegerField()


class ReceiptCheckSerializer(serializers.Serializer):
    receipt = serializers.CharField(max_length=60)


class ReceiptCheckResultSerializer(serializers.Serializer):
    counted = serializers.BooleanField()
    process = serializers.CharField()
    axis = serializers.CharField()
    axis_id = serializers.IntegerField()
    choices = ChoicesField()


class VotingStateSerializer(serializers.Serializer):
    axis = serializers.IntegerField(source="axis_id")
    closed_at = serializers.DateTimeField(allow_null=True)


def _axis(request: Request, pk: str) -> Axis:
    axes = participation_selectors.axis_list(viewer=request.user).select_related("voting_state")
    return get_object_or_404(axes.prefetch_related("process__phases"), pk=pk)


class VotingViewSet(viewsets.ViewSet):
    """The vote of an axis: see its ballot, cast or change a ballot, record assisted ballots,
    close the vote and compute results (organisers)."""

    lookup_value_regex = r"\d+"

    @extend_schema(responses=VotingSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        axis = _axis(request, pk)
        phase = permissions.voting_phase(axis.process)
        data = {
            "axis": axis,
            "is_open": permissions.voting_is_open(axis),
            "closes_at": phase.ends_at if phase else None,
            "has_voted": selectors.voter_record_get(axis=axis, voter=request.user) is not None,
            "refusal": permissions.vote_refusal(request.user, axis),
            "proposals": list(selectors.ballot_proposals(axis=axis).values()),
        }
        return Response(VotingSerializer(data).data)

    @extend_schema(request=CastSerializer, responses={201: ReceiptSerializer})
    @action(detail=True, methods=["post"])
    def ballot(self, request: Request, pk: str) -> Response:
        """Cast your ballot on this axis (once); the receipt code is shown only in this answer."""
        axis = _axis(request, pk)
        serializer = CastSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        code = services.ballot_cast(
            voter=request.user, axis=axis, choices=serializer.validated_data["choices"]
        )
        return Response({"receipt": code, "axis": axis.pk}, status=status.HTTP_201_CREATED)

    @extend_schema(request=ChangeSerializer, responses=ReceiptSerializer)
    @action(detail=True, methods=["post"])
    def change(self, request: Request, pk: str) -> Response:
        """Replace your ballot while the vote is open (needs its receipt; gives a new one)."""
        axis = _axis(request, pk)
        serializer = ChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        code = services.ballot_change(
            voter=request.user,
            axis=axis,
            receipt=serializer.validated_data["receipt"],
            choices=serializer.validated_data["choices"],
        )
        return Response({"receipt": code, "axis": axis.pk})

    @extend_schema(request=AssistedSerializer, responses={201: ReceiptSerializer})
    @action(detail=True, methods=["post"])
    def assisted(self, request: Request, pk: str) -> Response:
        """Record the ballot of a person met by a mediator (mediators of the process)."""
        axis = _axis(request, pk)
        serializer = AssistedSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        code = services.ballot_record_assisted(
            mediator=request.user,
            axis=axis,
            choices=data["choices"],
            person=services.AssistedPerson(
                census_identifier=data["census_identifier"],
                full_name=data["full_name"],
                birth_date=data["birth_date"],
            ),
            place=data["place"],
            channel=data["channel"],
        )
        return Response({"receipt": code, "axis": axis.pk}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=VotingStateSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        """Close the vote of this axis now (organisers)."""
        state = services.voting_close(actor=request.user, axis=_axis(request, pk))
        return Response(VotingStateSerializer(state).data)

    @extend_schema(request=None, responses={202: None})
    @action(detail=True, methods=["post"])
    def compute(self, request: Request, pk: str) -> Response:
        """Start computing this axis' result in the background (organisers, after the close)."""
        services.results_compute_request(actor=request.user, axis=_axis(request, pk))
        return Response(status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def compare(self, request: Request, pk: str) -> Response:
        """Greedy and Equal Shares side by side on this closed axis (organisers): money spent,
        winners, share of voters with a funded project, averages, and the projects that
        differ."""
        return Response(services.rules_compare(actor=request.user, axis=_axis(request, pk)))


class PabulibImportSerializer(serializers.Serializer):
    process = serializers.SlugField()
    slug = serializers.SlugField(max_length=80)
    title = serializers.CharField(max_length=200)
    file = serializers.FileField()


class ImportedAxisSerializer(serializers.Serializer):
    axis = serializers.IntegerField(source="pk")
    slug = serializers.SlugField()
    proposals = serializers.IntegerField()
    ballots = serializers.IntegerField()


class PabulibImportViewSet(viewsets.ViewSet):
    """Import a Pabulib .pb election as a new axis of a process, its vote closed
    (organisers; multipart upload). A malformed file gives 400 with the line and the reason."""

    @extend_schema(
        request={"multipart/form-data": PabulibImportSerializer},
        responses={201: ImportedAxisSerializer},
    )
    def create(self, request: Request) -> Response:
        serializer = PabulibImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        axis = services.axis_import_pabulib(
            actor=request.user,
            process=_process(request, data["process"]),
            file=data["file"],
            slug=data["slug"],
            title=data["title"],
        )
        body = {
            "pk": axis.pk,
            "slug": axis.slug,
            "proposals": axis.proposals.count(),
            "ballots": axis.ballots.count(),
        }
        return Response(ImportedAxisSerializer(body).data, status=status.HTTP_201_CREATED)


class ReceiptCheckViewSet(viewsets.ViewSet):
    """Check with a receipt code that a ballot is in the count (no account needed)."""

    permission_classes = [drf_permissions.AllowAny]

    @extend_schema(
        request=ReceiptCheckSerializer,
        responses={200: ReceiptCheckResultSerializer, 404: None},
    )
    def create(self, request: Request) -> Response:
        serializer = ReceiptCheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ballot = selectors.ballot_by_receipt(code=serializer.validated_data["receipt"])
        if ballot is None:
            return Response(
                {"counted": False, "detail": "No ballot has this receipt code."},
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(
            {
                "counted": True,
                "process": ballot.axis.process.slug,
                "axis": ballot.axis.slug,
                "axis_id": ballot.axis_id,
                "choices": ballot.choices,
            }
        )


class ResultSerializer(serializers.ModelSerializer):
    process = serializers.CharField(source="axis.process.slug", read_only=True)
    axis_slug = serializers.CharField(source="axis.slug", read_only=True)
    outcome = serializers.JSONField(read_only=True)

    class Meta:
        model = Result
        fields = [
            "id",
            "process",
            "axis",
            "axis_slug",
            "rule",
            "options",
            "engine_version",
            "input_hash",
            "voter_count",
            "ballot_count",
            "outcome",
            "computed_at",
            "published_at",
        ]


@extend_schema(
    parameters=[
        OpenApiParameter("process", OpenApiTypes.STR, description="slug of a process"),
        OpenApiParameter("axis", OpenApiTypes.INT, description="id of an axis"),
    ]
)
class ResultViewSet(viewsets.ReadOnlyModelViewSet):
    """Results of the votes: published ones for everybody, computed ones for organisers."""

    serializer_class = ResultSerializer
    ordering_fields = ["computed_at", "published_at"]

    def get_queryset(self) -> QuerySet[Result]:
        user = self.request.user
        visible = Q(published_at__isnull=False)
        if user.is_authenticated and user.is_staff:
            visible = Q()
        elif user.is_authenticated:
            visible |= Q(axis__process__roles__user=user, axis__process__roles__kind="organiser")
        results = Result.objects.filter(visible).distinct().select_related("axis__process")
        if self.request.query_params.get("process"):
            results = results.filter(axis__process__slug=self.request.query_params["process"])
        if self.request.query_params.get("axis", "").isdigit():
            results = results.filter(axis_id=self.request.query_params["axis"])
        return results.order_by("-computed_at")

    @extend_schema(request=None, responses=ResultSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        """Publish this result and notify the axis' voters (organisers)."""
        result = services.result_publish(actor=request.user, result=self.get_object())
        return Response(ResultSerializer(result).data)


class CensusUploadSerializer(serializers.Serializer):
    process = serializers.SlugField()
    identifiers = serializers.ListField(
        child=serializers.CharField(max_length=200, allow_blank=True), max_length=500_000
    )


class CensusReportSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    already = serializers.IntegerField()
    rejected = serializers.IntegerField(help_text="Empty or too long identifiers.")


class CensusClaimSerializer(serializers.Serializer):
    process = serializers.SlugField()
    identifier = serializers.CharField(max_length=200)


def _process(request: Request, slug: str) -> Process:
    return get_object_or_404(participation_selectors.process_list(viewer=request.user), slug=slug)


class CensusViewSet(viewsets.ViewSet):
    """Residents lists: organisers upload identifiers (kept as keyed hashes only); a
    participant proves once that they are on the list."""

    @extend_schema(request=CensusUploadSerializer, responses={201: CensusReportSerializer})
    def create(self, request: Request) -> Response:
        serializer = CensusUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        process = _process(request, serializer.validated_data["process"])
        report = services.census_import(
            actor=request.user,
            process=process,
            identifiers=serializer.validated_data["identifiers"],
        )
        body = {"added": report.added, "already": report.already, "rejected": len(report.rejected)}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=CensusClaimSerializer, responses={200: None})
    @action(detail=False, methods=["post"])
    def claim(self, request: Request) -> Response:
        """Prove that you are on the process' residents list, by entering your identifier."""
        serializer = CensusClaimSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        process = _process(request, serializer.validated_data["process"])
        services.census_claim(
            user=request.user, process=process, identifier=serializer.validated_data["identifier"]
        )
        return Response({"eligible": True})
