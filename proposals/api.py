"""Read API of proposals and comments."""

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets

from proposals import selectors
from proposals.models import Comment, Proposal


class ProposalSerializer(serializers.ModelSerializer):
    process = serializers.CharField(source="axis.process.slug", read_only=True)
    axis = serializers.CharField(source="axis.slug", read_only=True)
    axis_id = serializers.IntegerField(read_only=True)
    author = serializers.SerializerMethodField()
    vote_cost = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    feasible = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "process",
            "axis",
            "axis_id",
            "title",
            "summary",
            "body_html",
            "estimated_cost",
            "vote_cost",
            "place",
            "latitude",
            "longitude",
            "status",
            "selected_for_vote",
            "merged_into",
            "feasible",
            "support_count",
            "comment_count",
            "author",
            "published_at",
            "url",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_author(self, proposal: Proposal) -> str:
        return proposal.author.display_name if proposal.author else ""

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_feasible(self, proposal: Proposal) -> bool | None:
        evaluation = getattr(proposal, "evaluation", None)
        return evaluation.feasible if evaluation else None

    def get_url(self, proposal: Proposal) -> str:
        return proposal.get_absolute_url()


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = ["id", "proposal", "parent", "depth", "author", "body", "status", "created_at"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_author(self, comment: Comment) -> str:
        if comment.status != Comment.Status.PUBLISHED or comment.author is None:
            return ""
        return comment.author.display_name

    def get_body(self, comment: Comment) -> str:
        # Deleted and hidden comments keep their place in the thread, never their words.
        return comment.body if comment.status == Comment.Status.PUBLISHED else ""


@extend_schema(
    parameters=[
        OpenApiParameter("q", str, description="Full-text search in title, summary, description"),
        OpenApiParameter("process", str, description="Process slug"),
        OpenApiParameter("axis", int, description="Axis id"),
        OpenApiParameter("status", str, enum=["published", "merged"]),
        OpenApiParameter("selected", bool, description="Selected for the vote"),
        OpenApiParameter("sort", str, enum=list(selectors.PROPOSAL_SORTS)),
    ]
)
class ProposalViewSet(viewsets.ReadOnlyModelViewSet):
    """Public proposals (published or merged into another)."""

    serializer_class = ProposalSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Proposal]:
        params = self.request.query_params
        selected = params.get("selected")
        filters = selectors.ProposalFilters(
            q=params.get("q", ""),
            status=params.get("status", ""),
            selected=None if selected is None else selected.lower() in ("1", "true", "yes"),
            sort=params.get("sort", "recent"),
        )
        proposals = selectors.proposal_list(viewer=self.request.user, filters=filters)
        if params.get("process"):
            proposals = proposals.filter(axis__process__slug=params["process"])
        if params.get("axis", "").isdigit():
            proposals = proposals.filter(axis_id=int(params["axis"]))
        return proposals


class CommentViewSet(viewsets.ReadOnlyModelViewSet):
    """Comments on public proposals; deleted or hidden ones show as empty placeholders."""

    serializer_class = CommentSerializer
    filterset_fields = ["proposal", "parent"]
    ordering_fields = ["created_at", "support_count"]

    def get_queryset(self) -> QuerySet[Comment]:
        return selectors.comment_list(viewer=self.request.user).order_by("created_at", "pk")
