"""Who voted (VoterRecord), what was voted (Ballot, unlinkable to a person), and results."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from participation.models import Axis, Process


class CensusEntry(models.Model):
    """One eligible resident of a process, known only by a keyed hash of their identifier."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="census")
    identifier_hash = models.CharField(_("identifier (keyed hash)"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="census_entries",
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("census entry")
        verbose_name_plural = _("census entries")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "identifier_hash"], name="census_identifier_unique"
            ),
            models.UniqueConstraint(
                fields=["process", "user"],
                condition=Q(user__isnull=False),
                name="census_one_entry_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process} — {self.identifier_hash[:12]}…"


class VoterRecord(models.Model):
    """That someone has voted on an axis — never what they voted."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        ASSISTED = "assisted", _("Assisted by a mediator")
        PAPER = "paper", _("Paper ballot")

    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="voter_records")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="voter_records",
    )
    # Keyed hash of the person's identity (census identifier, or name and date of birth) so that
    # one person votes once whatever the channel.
    person_hash = models.CharField(_("person (keyed hash)"), max_length=64, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel, default=Channel.ONLINE)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assisted_voter_records",
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    # Keyed hash (HMAC with CENSUS_KEY) of the receipt code, so that only the holder of this
    # record's code can change its ballot. The ballot keeps a plain SHA-256 of the same code:
    # the two cannot be matched without the code itself, so the ballot stays unlinkable.
    receipt_tag = models.CharField(_("receipt (keyed hash)"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("voted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("voter record")
        verbose_name_plural = _("voter records")
        constraints = [
            models.UniqueConstraint(
                fields=["axis", "voter"],
                condition=Q(voter__isnull=False),
                name="voter_record_one_per_voter_and_axis",
            ),
            models.UniqueConstraint(
                fields=["axis", "person_hash"],
                condition=~Q(person_hash=""),
                name="voter_record_one_per_person_and_axis",
            ),
            models.CheckConstraint(
                condition=Q(channel="online") | Q(mediator__isnull=False),
                name="voter_record_assisted_has_mediator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.axis} — {self.get_channel_display()}"


class VotingState(models.Model):
    """The life of an axis' vote beyond its phase dates: announced, and closed (early or not).

    Voting on an axis is open while its process' voting phase runs and ``closed_at`` is empty;
    an organiser may close it early, and the periodic task closes it when the phase ends.
    """

    axis = models.OneToOneField(
        Axis, on_delete=models.CASCADE, primary_key=True, related_name="voting_state"
    )
    opened_at = models.DateTimeField(_("opening announced at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the vote closed at the end of its phase."),
    )

    class Meta:
        verbose_name = _("voting state")
        verbose_name_plural = _("voting states")

    def __str__(self) -> str:
        return f"{self.axis} — {'closed' if self.closed_at else 'open'}"


class Ballot(models.Model):
    """What was voted on an axis. No link to a person: random key, no timestamp."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="ballots")
    # approval/budget: [proposal ids]; ranking: [proposal ids, best first];
    # points: {proposal id: points}.
    choices = models.JSONField(_("choices"))
    receipt_hash = models.CharField(_("receipt (hash)"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return str(self.id)


class Result(models.Model):
    """The computed outcome of an axis' vote, reviewed then published by an organiser."""

    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="results")
    rule = models.CharField(_("rule"), max_length=40)
    options = models.JSONField(_("options"), default=dict, blank=True)
    outcome = models.JSONField(_("outcome"), default=dict)
    engine_version = models.CharField(_("engine version"), max_length=20)
    input_hash = models.CharField(_("input hash"), max_length=64)
    export_sha256 = models.CharField(_("SHA-256 of the .pb export"), max_length=64, blank=True)
    voter_count = models.PositiveIntegerField(_("voters"), default=0)
    ballot_count = models.PositiveIntegerField(_("ballots"), default=0)
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["-computed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["axis", "rule", "input_hash"], name="result_once_per_input"
            ),
            models.UniqueConstraint(
                fields=["axis"],
                condition=Q(published_at__isnull=False),
                name="result_one_published_per_axis",
            ),
            models.CheckConstraint(
                condition=Q(voter_count=models.F("ballot_count")),
                name="result_counts_agree",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.axis} — {self.rule}"
