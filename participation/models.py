"""Participants, processes and their phases, axes, roles, and notifications."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A participant's account: logs in by e-mail, shows only a display name in public."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("display name"), max_length=80, help_text=_("Shown publicly beside your contributions.")
    )
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    blocked_at = models.DateTimeField(_("blocked at"), null=True, blank=True)
    blocked_reason = models.TextField(_("reason for blocking"), blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None

    def get_short_name(self) -> str:
        return self.display_name

    def get_full_name(self) -> str:
        return self.display_name


class Process(models.Model):
    """A participatory process: a budget or a consultation, with phases and axes."""

    class Eligibility(models.TextChoices):
        VERIFIED_EMAIL = "verified_email", _("Verified e-mail address")
        CENSUS = "census", _("Residents list (census)")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Unpublished processes are seen by staff only.")
    )
    pre_moderation = models.BooleanField(
        _("pre-moderation"),
        default=False,
        help_text=_("New proposals and comments wait for a moderator before being shown."),
    )
    report_threshold = models.PositiveSmallIntegerField(
        _("report threshold"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("Content reported by this many people is hidden until reviewed."),
    )
    eligibility = models.CharField(
        _("who may vote"), max_length=20, choices=Eligibility, default=Eligibility.VERIFIED_EMAIL
    )
    licence = models.CharField(
        _("licence of open data"), max_length=100, default="Licence Ouverte 2.0"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(report_threshold__gte=1), name="process_report_threshold_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("frontend:process", kwargs={"slug": self.slug})

    def current_phase(self, now: timezone.datetime | None = None) -> Phase | None:
        """The phase running now, if any (phases do not overlap)."""
        now = now or timezone.now()
        for phase in self.phases.all():
            if phase.starts_at <= now < phase.ends_at:
                return phase
        return None


class Phase(models.Model):
    """A period of a process during which some actions are open."""

    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information")
        PROPOSALS = "proposals", _("Proposals")
        REVIEW = "review", _("Review")
        VOTING = "voting", _("Voting")
        RESULTS = "results", _("Results")

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="phases", verbose_name=_("process")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="phase_dates_ordered"
            ),
            models.UniqueConstraint(fields=["process", "kind"], name="phase_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.process} — {self.display_title}"

    @property
    def display_title(self) -> str:
        return self.title or str(self.get_kind_display())

    def is_open(self, now: timezone.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.starts_at <= now < self.ends_at


class Axis(models.Model):
    """A theme of a process with its own budget, ballot and result rule."""

    class BallotType(models.TextChoices):
        APPROVAL = "approval", _("Approval: choose between a minimum and a maximum of proposals")
        BUDGET = "budget", _("Budget: choose proposals within the budget")
        POINTS = "points", _("Points: spread points over proposals")
        RANKING = "ranking", _("Ranking: rank your preferred proposals")

    class ResultRule(models.TextChoices):
        GREEDY = "greedy", _("Most votes first, within the budget")
        EQUAL_SHARES = "equal_shares", _("Method of Equal Shares (proportional)")
        RANKING = "ranking", _("Plain ranking by votes (no budget)")

    class Completion(models.TextChoices):
        NONE = "none", _("None")
        ADD1 = "add1", _("Raise voters' budgets until the budget is exhausted")
        ADD1_UNTIL_OVERSPEND = "add1_until_overspend", _("Raise voters' budgets while it fits")

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="axes", verbose_name=_("process")
    )
    slug = models.SlugField(_("slug"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    budget = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    ballot_type = models.CharField(
        _("ballot type"), max_length=20, choices=BallotType, default=BallotType.BUDGET
    )
    min_choices = models.PositiveSmallIntegerField(_("minimum choices"), default=1)
    max_choices = models.PositiveSmallIntegerField(_("maximum choices"), null=True, blank=True)
    min_budget_share = models.DecimalField(
        _("minimum share of the budget to spend"),
        max_digits=4,
        decimal_places=3,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    points_total = models.PositiveIntegerField(_("points to spread"), null=True, blank=True)
    points_max_per_proposal = models.PositiveIntegerField(
        _("maximum points per proposal"), null=True, blank=True
    )
    result_rule = models.CharField(
        _("result rule"), max_length=20, choices=ResultRule, default=ResultRule.GREEDY
    )
    completion = models.CharField(
        _("completion of equal shares"), max_length=24, choices=Completion, default=Completion.ADD1
    )
    min_score = models.PositiveIntegerField(
        _("minimum votes to be eligible"), default=0, help_text=_("0 means no threshold.")
    )

    class Meta:
        verbose_name = _("axis")
        verbose_name_plural = _("axes")
        ordering = ["process", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["process", "slug"], name="axis_slug_unique_in_process"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="axis_budget_non_negative"),
            models.CheckConstraint(
                condition=Q(max_choices__isnull=True) | Q(max_choices__gte=F("min_choices")),
                name="axis_choices_ordered",
            ),
            models.CheckConstraint(
                condition=Q(min_budget_share__gte=0) & Q(min_budget_share__lte=1),
                name="axis_min_budget_share_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(ballot_type="points")
                | Q(
                    points_total__isnull=False,
                    points_total__gt=0,
                    points_max_per_proposal__isnull=False,
                    points_max_per_proposal__gt=0,
                ),
                name="axis_points_ballot_has_points",
            ),
            models.CheckConstraint(
                condition=Q(points_max_per_proposal__isnull=True)
                | Q(points_total__isnull=True)
                | Q(points_max_per_proposal__lte=F("points_total")),
                name="axis_points_per_proposal_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("frontend:axis", kwargs={"slug": self.process.slug, "axis": self.slug})


class Role(models.Model):
    """A participant's role in one process."""

    class Kind(models.TextChoices):
        ORGANISER = "organiser", _("Organiser")
        MODERATOR = "moderator", _("Moderator")
        EVALUATOR = "evaluator", _("Evaluator")
        MEDIATOR = "mediator", _("Mediator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles"
    )
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("role"), max_length=20, choices=Kind)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "process", "kind"], name="role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()} — {self.process}"


class Notification(models.Model):
    """Something a participant should hear about; written with the event, delivered by Celery."""

    class Kind(models.TextChoices):
        PROPOSAL_PUBLISHED = "proposal_published", _("Your proposal was published")
        PROPOSAL_REJECTED = "proposal_rejected", _("Your proposal was rejected")
        PROPOSAL_EVALUATED = "proposal_evaluated", _("Your proposal was evaluated")
        PROPOSAL_SELECTED = "proposal_selected", _("Your proposal was selected for the vote")
        PROPOSAL_MERGED = "proposal_merged", _("Your proposal was merged")
        PROPOSAL_COMMENTED = "proposal_commented", _("New comment on your proposal")
        COMMENT_REPLIED = "comment_replied", _("Reply to your comment")
        PHASE_OPENED = "phase_opened", _("A phase opened in a process you follow")
        RESULTS_PUBLISHED = "results_published", _("Results were published")
        ACCOUNT_BLOCKED = "account_blocked", _("Your account was blocked")
        MODERATION_QUEUE = "moderation_queue", _("New items to moderate")

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("To be e-mailed")
        DIGEST = "digest", _("Waiting for the daily digest")
        SENT = "sent", _("E-mailed")
        SKIPPED = "skipped", _("Not e-mailed (turned off)")
        FAILED = "failed", _("E-mail failed, given up")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind)
    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    payload = models.JSONField(_("content"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_status = models.CharField(
        _("e-mail status"), max_length=10, choices=EmailStatus, default=EmailStatus.PENDING
    )
    email_next_attempt_at = models.DateTimeField(_("next e-mail attempt"), null=True, blank=True)
    email_error = models.CharField(_("last e-mail error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            # What the periodic sweep scans: only the rows still waiting to be e-mailed.
            models.Index(
                fields=["created_at"],
                condition=Q(email_status="pending"),
                name="notification_undelivered",
            ),
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(email_status="digest"),
                name="notification_digest",
            ),
            models.Index(fields=["recipient", "read_at"], name="notification_inbox"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(email_status="sent", emailed_at__isnull=False)
                | (~Q(email_status="sent") & Q(emailed_at__isnull=True)),
                name="notification_sent_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"


# Kinds about the account itself: always e-mailed at once, whatever the preferences.
MANDATORY_NOTIFICATION_KINDS = frozenset({Notification.Kind.ACCOUNT_BLOCKED})


class NotificationPreference(models.Model):
    """How a participant wants to be e-mailed about one kind of notification (default: at once).

    In-app notifications are always kept; the preference says whether and when they are e-mailed.
    """

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DIGEST = "digest", _("In a daily digest")
        OFF = "off", _("Never")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Notification.Kind)
    delivery = models.CharField(
        _("e-mail"), max_length=10, choices=Delivery, default=Delivery.IMMEDIATE
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique"),
            models.CheckConstraint(
                condition=~Q(kind__in=sorted(MANDATORY_NOTIFICATION_KINDS), delivery="off"),
                name="notification_preference_mandatory_not_off",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.kind}: {self.delivery}"


class Follow(models.Model):
    """A participant follows a process or a proposal to hear of its updates."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    proposal = models.ForeignKey(
        "proposals.Proposal",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=Q(process__isnull=False, proposal__isnull=True)
                | Q(process__isnull=True, proposal__isnull=False),
                name="follow_targets_one_thing",
            ),
            models.UniqueConstraint(
                fields=["user", "process"],
                condition=Q(process__isnull=False),
                name="follow_process_once",
            ),
            models.UniqueConstraint(
                fields=["user", "proposal"],
                condition=Q(proposal__isnull=False),
                name="follow_proposal_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.process or self.proposal}"


class PhaseAnnouncement(models.Model):
    """Records that the opening of a phase was announced to followers, so it is told once."""

    phase = models.OneToOneField(Phase, on_delete=models.CASCADE, related_name="announcement")
    announced_at = models.DateTimeField(_("announced at"), default=timezone.now)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("phase announcement")
        verbose_name_plural = _("phase announcements")

    def __str__(self) -> str:
        return f"{self.phase} announced at {self.announced_at:%Y-%m-%d %H:%M}"
