"""The proposal endpoints: public reading, the citizens' actions and the team's decisions."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from participation import selectors as participation_selectors
from participation.errors import DomainError
from participation.models import Axis
from proposals import selectors, services
from proposals.api.serializers import (
    DecisionSerializer,
    EvaluateSerializer,
    MergeSerializer,
    ProposalCreateSerializer,
    ProposalSerializer,
    ProposalUpdateSerializer,
    ReasonSerializer,
    RequiredReasonSerializer,
    SelectSerializer,
)
from proposals.api.serializers import validated_input as _input
from proposals.models import Proposal

PROPOSAL_LIST_PARAMETERS = [
    OpenApiParameter("q", str, description="Full-text search in title, summary, description"),
    OpenApiParameter("process", str, description="Process slug"),
    OpenApiParameter("axis", int, description="Axis id"),
    OpenApiParameter("status", str, enum=["published", "merged"]),
    OpenApiParameter("selected", bool, description="Selected for the vote"),
    OpenApiParameter("sort", str, enum=list(selectors.PROPOSAL_SORTS)),
    OpenApiParameter(
        "seed", int, description="With sort=random: the same seed gives the same order."
    ),
    OpenApiParameter(
        "mine", bool, description="Only the proposals of the signed-in participant, in any state."
    ),
]
NO_CONTENT = {204: OpenApiResponse(description="Done.")}
EDITABLE_FIELDS = (
    "title",
    "summary",
    "body",
    "estimated_cost",
    "place",
    "latitude",
    "longitude",
)


@extend_schema_view(
    list=extend_schema(parameters=PROPOSAL_LIST_PARAMETERS),
    create=extend_schema(request=ProposalCreateSerializer, responses={201: ProposalSerializer}),
    update=extend_schema(request=ProposalUpdateSerializer, responses=ProposalSerializer),
    partial_update=extend_schema(request=ProposalUpdateSerializer, responses=ProposalSerializer),
)
class ProposalViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Proposals: public ones for all, one's own in any state; and what can be done to them."""

    serializer_class = ProposalSerializer
    filter_backends: list = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[Proposal]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Proposal.objects.none()
        params = self.request.query_params
        if params.get("mine", "").lower() in ("1", "true", "yes"):
            if not self.request.user.is_authenticated:
                return Proposal.objects.none()
            return selectors.proposal_list_of_author(author=self.request.user)
        selected = params.get("selected")
        sort = params.get("sort", "recent")
        seed = params.get("seed", "")
        if not seed.isdigit():
            seed = selectors.visitor_seed(self.request.session) if sort == "random" else 0
        filters = selectors.ProposalFilters(
            q=params.get("q", ""),
            status=params.get("status", ""),
            selected=None if selected is None else selected.lower() in ("1", "true", "yes"),
            sort=sort,
            seed=int(seed),
        )
        proposals = selectors.proposal_list(viewer=self.request.user, filters=filters)
        if params.get("process"):
            proposals = proposals.filter(axis__process__slug=params["process"])
        if params.get("axis", "").isdigit():
            proposals = proposals.filter(axis_id=int(params["axis"]))
        return proposals

    def get_object(self) -> Proposal:
        try:
            proposal = selectors.proposal_get(pk=int(self.kwargs["pk"]), viewer=self.request.user)
        except (Proposal.DoesNotExist, ValueError) as error:
            raise Http404 from error
        self.check_object_permissions(self.request, proposal)
        return proposal

    def _respond(self, proposal: Proposal, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.proposal_get(pk=proposal.pk, viewer=self.request.user)
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = _input(ProposalCreateSerializer, request)
        try:
            axis = participation_selectors.axis_list(viewer=request.user).get(pk=data.pop("axis"))
        except Axis.DoesNotExist as error:
            raise DomainError(_("No such axis."), field="axis") from error
        proposal = services.proposal_create(author=request.user, axis=axis, **data)
        return self._respond(proposal, status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        proposal = self.get_object()
        data = request.data.dict() if hasattr(request.data, "dict") else dict(request.data)
        if kwargs.get("partial"):
            data = {name: getattr(proposal, name) for name in EDITABLE_FIELDS} | data
        serializer = ProposalUpdateSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        proposal = services.proposal_update(
            actor=request.user, proposal=proposal, **serializer.validated_data
        )
        return self._respond(proposal)

    @extend_schema(request=None, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """Submit a draft: published at once, or sent to moderation when the process says so."""
        return self._respond(
            services.proposal_submit(actor=request.user, proposal=self.get_object())
        )

    @extend_schema(request=None, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """The author withdraws their proposal."""
        return self._respond(
            services.proposal_withdraw(actor=request.user, proposal=self.get_object())
        )

    @extend_schema(request=None, responses=ProposalSerializer)
    @action(detail=True, methods=["post", "delete"])
    def support(self, request: Request, pk: str) -> Response:
        """Support the proposal (POST) or withdraw one's support (DELETE)."""
        proposal = self.get_object()
        if request.method == "DELETE":
            proposal = services.proposal_unsupport(user=request.user, proposal=proposal)
        else:
            proposal = services.proposal_support(user=request.user, proposal=proposal)
        return self._respond(proposal)

    @extend_schema(request=RequiredReasonSerializer, responses=NO_CONTENT)
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: str) -> Response:
        """Report the proposal to the moderators, with a reason."""
        data = _input(RequiredReasonSerializer, request)
        services.report_create(reporter=request.user, proposal=self.get_object(), **data)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _moderate(self, service, serializer_class=ReasonSerializer) -> Response:
        data = _input(serializer_class, self.request)
        return self._respond(
            service(moderator=self.request.user, proposal=self.get_object(), **data)
        )

    @extend_schema(request=ReasonSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        """Moderators: publish a proposal awaiting moderation."""
        return self._moderate(services.proposal_publish)

    @extend_schema(request=RequiredReasonSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        """Moderators: reject a proposal, with a reason the author reads."""
        return self._moderate(services.proposal_reject, RequiredReasonSerializer)

    @extend_schema(request=ReasonSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def hide(self, request: Request, pk: str) -> Response:
        """Moderators: hide a proposal."""
        return self._moderate(services.proposal_hide)

    @extend_schema(request=ReasonSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str) -> Response:
        """Moderators: show a hidden proposal again."""
        return self._moderate(services.proposal_restore)

    @extend_schema(request=ReasonSerializer, responses=DecisionSerializer)
    @action(detail=True, methods=["post"], url_path="dismiss-reports")
    def dismiss_reports(self, request: Request, pk: str) -> Response:
        """Moderators: close the reports on a proposal that breaks no rule."""
        data = _input(ReasonSerializer, request)
        decision = services.reports_dismiss(
            moderator=request.user, proposal=self.get_object(), **data
        )
        return Response(DecisionSerializer(decision).data)

    @extend_schema(request=EvaluateSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def evaluate(self, request: Request, pk: str) -> Response:
        """Evaluators: feasible or not, with a public reason and a validated cost."""
        data = _input(EvaluateSerializer, request)
        proposal = self.get_object()
        services.proposal_evaluate(evaluator=request.user, proposal=proposal, **data)
        return self._respond(proposal)

    @extend_schema(request=SelectSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def select(self, request: Request, pk: str) -> Response:
        """Organisers: put the proposal on its axis' ballot (selected=true) or take it off."""
        data = _input(SelectSerializer, request)
        return self._respond(
            services.proposal_select(organiser=request.user, proposal=self.get_object(), **data)
        )

    @extend_schema(request=MergeSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str) -> Response:
        """Organisers: merge this duplicate into another proposal of the same axis."""
        data = _input(MergeSerializer, request)
        proposal = self.get_object()
        try:
            into = selectors.proposal_get(pk=data["into"], viewer=request.user)
        except Proposal.DoesNotExist as error:
            raise DomainError(_("No such proposal."), field="into") from error
        return self._respond(
            services.proposal_merge(organiser=request.user, proposal=proposal, into=into)
        )
