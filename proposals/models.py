"""Proposals and what happens to them: comments, supports, reports, moderation, evaluation."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.models import Axis, Process

COMMENT_MAX_DEPTH = 3


class Proposal(models.Model):
    """An idea submitted by a participant to an axis of a process."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        HIDDEN = "hidden", _("Hidden")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        MERGED = "merged", _("Merged")

    axis = models.ForeignKey(
        Axis, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("axis")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("author"),
    )
    title = models.CharField(_("title"), max_length=150)
    summary = models.CharField(_("summary"), max_length=300)
    body = models.TextField(_("description"), help_text=_("Markdown is accepted."))
    body_html = models.TextField(_("description (sanitised HTML)"), blank=True, editable=False)
    estimated_cost = models.DecimalField(
        _("estimated cost"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    image = models.ImageField(_("image"), upload_to="proposals/%Y/%m/", blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT, db_index=True
    )
    selected_for_vote = models.BooleanField(_("selected for the vote"), default=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_proposals",
        verbose_name=_("merged into"),
    )
    # Denormalised so that lists sort by support without a join; kept in step by the services.
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    rejection_reason = models.TextField(
        _("reason for rejection"), blank=True, help_text=_("Shown to the author.")
    )

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_cost__gte=0), name="proposal_cost_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(status="merged", merged_into__isnull=False)
                | (~Q(status="merged") & Q(merged_into__isnull=True)),
                name="proposal_merged_has_survivor",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="proposal_not_merged_into_itself"
            ),
            models.CheckConstraint(
                condition=Q(selected_for_vote=False) | Q(status="published"),
                name="proposal_selected_is_published",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | (Q(latitude__gte=-90) & Q(latitude__lte=90)),
                name="proposal_latitude_in_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True)
                | (Q(longitude__gte=-180) & Q(longitude__lte=180)),
                name="proposal_longitude_in_range",
            ),
        ]
        indexes = [models.Index(fields=["axis", "status"], name="proposal_axis_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "frontend:proposal",
            kwargs={"slug": self.axis.process.slug, "axis": self.axis.slug, "pk": self.pk},
        )

    @property
    def vote_cost(self) -> Decimal:
        """The cost used in the vote: the evaluators' validated cost, else the estimate."""
        evaluation = getattr(self, "evaluation", None)
        if evaluation is not None and evaluation.validated_cost is not None:
            return evaluation.validated_cost
        return self.estimated_cost


class Comment(models.Model):
    """A message in a proposal's thread; replies nest up to COMMENT_MAX_DEPTH."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden")
        DELETED = "deleted", _("Deleted")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    body = models.TextField(_("comment"), max_length=5000)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.PUBLISHED, db_index=True
    )
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(depth__lte=COMMENT_MAX_DEPTH), name="comment_depth_bounded"
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, depth=0) | Q(parent__isnull=False, depth__gt=0),
                name="comment_depth_matches_parent",
            ),
        ]
        indexes = [models.Index(fields=["proposal", "created_at"], name="comment_thread")]

    def __str__(self) -> str:
        return f"{self.author} on {self.proposal}: {self.body[:40]}"


class Support(models.Model):
    """A participant's endorsement of a proposal during the proposal phase."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="support_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} supports {self.proposal}"


class CommentSupport(models.Model):
    """A participant's endorsement of a comment (what "most supported" threads sort by)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_supports"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment support")
        verbose_name_plural = _("comment supports")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"], name="comment_support_once_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} supports comment {self.comment_id}"


class Report(models.Model):
    """A participant's flag on a proposal or a comment, with a reason."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.TextField(_("reason"), max_length=1000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposal__isnull=False, comment__isnull=True)
                | Q(proposal__isnull=True, comment__isnull=False),
                name="report_targets_one_item",
            ),
            models.UniqueConstraint(
                fields=["reporter", "proposal"],
                condition=Q(proposal__isnull=False),
                name="report_proposal_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(comment__isnull=False),
                name="report_comment_once_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reporter} reports {self.proposal or self.comment}"


class ModerationDecision(models.Model):
    """One moderator's decision, kept forever: it can be neither edited nor deleted."""

    class Action(models.TextChoices):
        PUBLISH = "publish", _("Publish")
        REJECT = "reject", _("Reject")
        HIDE = "hide", _("Hide")
        RESTORE = "restore", _("Restore")
        BLOCK = "block", _("Block the account")
        DISMISS = "dismiss", _("Dismiss the reports")

    process = models.ForeignKey(
        Process, on_delete=models.PROTECT, related_name="moderation_decisions"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="moderation_decisions"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action)
    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moderation_decisions_received",
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposal__isnull=False)
                | Q(comment__isnull=False)
                | Q(target_user__isnull=False),
                name="decision_has_a_target",
            ),
            models.CheckConstraint(
                condition=~Q(action="reject") | ~Q(reason=""), name="decision_reject_has_reason"
            ),
        ]

    def __str__(self) -> str:
        when = f"{self.created_at:%Y-%m-%d %H:%M}"
        return f"{self.get_action_display()} by {self.moderator} at {when}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise PermissionDenied("A moderation decision cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("A moderation decision cannot be deleted.")


class Evaluation(models.Model):
    """The evaluators' assessment of a published proposal."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="evaluation")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    feasible = models.BooleanField(_("feasible"))
    reason = models.TextField(_("public reason"))
    validated_cost = models.DecimalField(
        _("validated cost"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(validated_cost__isnull=True) | Q(validated_cost__gte=0),
                name="evaluation_cost_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal}: {'feasible' if self.feasible else 'not feasible'}"
