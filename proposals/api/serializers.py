"""Serializers of the proposal API: what is shown, and the shape of what is sent.

They never write: the viewsets hand the validated input to the services.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from proposals.models import Comment, ModerationDecision, Proposal

# --- Output ----------------------------------------------------------------------------------


class ProposalSerializer(serializers.ModelSerializer):
    process = serializers.CharField(source="axis.process.slug", read_only=True)
    axis = serializers.CharField(source="axis.slug", read_only=True)
    axis_id = serializers.IntegerField(read_only=True)
    author = serializers.SerializerMethodField()
    vote_cost = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    feasible = serializers.SerializerMethodField()
    evaluation_reason = serializers.SerializerMethodField()
    image = serializers.SerializerMethodField()
    supported = serializers.SerializerMethodField()
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
            "image",
            "status",
            "rejection_reason",
            "selected_for_vote",
            "merged_into",
            "feasible",
            "evaluation_reason",
            "support_count",
            "supported",
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

    @extend_schema_field(OpenApiTypes.STR)
    def get_evaluation_reason(self, proposal: Proposal) -> str:
        evaluation = getattr(proposal, "evaluation", None)
        return evaluation.reason if evaluation else ""

    @extend_schema_field(OpenApiTypes.URI)
    def get_image(self, proposal: Proposal) -> str | None:
        return proposal.image.url if proposal.image else None

    def get_supported(self, proposal: Proposal) -> bool:
        """Whether the person asking supports this proposal."""
        return bool(getattr(proposal, "viewer_supports", False))

    def get_url(self, proposal: Proposal) -> str:
        return proposal.get_absolute_url()


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = [
            "id",
            "proposal",
            "parent",
            "depth",
            "author",
            "body",
            "status",
            "support_count",
            "created_at",
            "edited_at",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_author(self, comment: Comment) -> str:
        if comment.status != Comment.Status.PUBLISHED or comment.author is None:
            return ""
        return comment.author.display_name

    def get_body(self, comment: Comment) -> str:
        # Deleted and hidden comments keep their place in the thread, never their words.
        if comment.status == Comment.Status.PUBLISHED:
            return comment.body
        request = self.context.get("request")
        viewer = getattr(request, "user", None)
        # Authors read their own comment while it awaits moderation.
        if comment.status == Comment.Status.PENDING and viewer and comment.author_id == viewer.pk:
            return comment.body
        return ""


class DecisionSerializer(serializers.ModelSerializer):
    moderator = serializers.CharField(source="moderator.display_name", read_only=True)

    class Meta:
        model = ModerationDecision
        fields = [
            "id",
            "action",
            "moderator",
            "proposal",
            "comment",
            "target_user",
            "reason",
            "created_at",
        ]


# --- Input -----------------------------------------------------------------------------------


class ProposalInputSerializer(serializers.Serializer):
    title = serializers.CharField(allow_blank=True, trim_whitespace=False)
    summary = serializers.CharField(allow_blank=True, trim_whitespace=False)
    body = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="Markdown, sanitised on the server."
    )
    estimated_cost = serializers.DecimalField(max_digits=14, decimal_places=2)
    place = serializers.CharField(required=False, allow_blank=True, default="")
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, default=None
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, default=None
    )
    image = serializers.FileField(
        required=False,
        allow_null=True,
        default=None,
        help_text="JPEG, PNG or WebP, at most 5 MB and 4000 pixels a side.",
    )


class ProposalCreateSerializer(ProposalInputSerializer):
    axis = serializers.IntegerField(help_text="Id of the axis the proposal is submitted to.")
    submit = serializers.BooleanField(
        default=False, help_text="Submit at once (else the proposal is saved as a draft)."
    )


class ProposalUpdateSerializer(ProposalInputSerializer):
    remove_image = serializers.BooleanField(default=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RequiredReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class EvaluateSerializer(serializers.Serializer):
    feasible = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True, help_text="Public reason.")
    validated_cost = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )


class SelectSerializer(serializers.Serializer):
    selected = serializers.BooleanField(default=True)


class MergeSerializer(serializers.Serializer):
    into = serializers.IntegerField(help_text="Id of the proposal that survives.")


class CommentCreateSerializer(serializers.Serializer):
    proposal = serializers.IntegerField()
    parent = serializers.IntegerField(required=False, allow_null=True, default=None)
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)


class CommentEditSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)


def validated_input(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
