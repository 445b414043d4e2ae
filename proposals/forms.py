"""Forms of the proposal pages: they check the shape of the input, the services the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from participation.forms import AccessibleFormMixin
from proposals.models import Proposal
from proposals.services.cleaning import COMMENT_MAX_LENGTH, REASON_MAX_LENGTH


class ProposalForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        help_text=_("One or two sentences shown in the lists of proposals."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    body = forms.CharField(
        label=_("Description"),
        help_text=_(
            "What, why, for whom, how. Markdown is accepted: **bold**, *italic*, lists, links."
        ),
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    estimated_cost = forms.DecimalField(
        label=_("Estimated cost (€)"),
        max_digits=14,
        decimal_places=2,
        help_text=_("Your best estimate; it must fit within the budget of the axis."),
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("Where would it happen? A street, a neighbourhood, a building."),
    )
    latitude = forms.DecimalField(
        label=_("Latitude (optional)"), max_digits=9, decimal_places=6, required=False
    )
    longitude = forms.DecimalField(
        label=_("Longitude (optional)"), max_digits=9, decimal_places=6, required=False
    )
    image = forms.FileField(
        label=_("Image (optional)"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 5 MB and 4000 pixels a side."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    @classmethod
    def initial_from(cls, proposal: Proposal) -> dict:
        return {
            name: getattr(proposal, name)
            for name in (
                "title",
                "summary",
                "body",
                "estimated_cost",
                "place",
                "latitude",
                "longitude",
            )
        }


class ProposalEditForm(ProposalForm):
    remove_image = forms.BooleanField(label=_("Remove the current image"), required=False)


class CommentForm(AccessibleFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReportForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why should the moderators look at this?"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RequiredReasonForm(ReasonForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        help_text=_("The author will read it."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EvaluationForm(AccessibleFormMixin, forms.Form):
    feasible = forms.TypedChoiceField(
        label=_("Verdict"),
        choices=[("yes", _("Feasible")), ("no", _("Not feasible"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Public reason"),
        help_text=_("Published with the proposal."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    validated_cost = forms.DecimalField(
        label=_("Validated cost (€)"),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("Replaces the author's estimate in the vote. Leave empty to keep it."),
    )


class MergeForm(AccessibleFormMixin, forms.Form):
    into = forms.ModelChoiceField(
        label=_("Merge into"),
        queryset=Proposal.objects.none(),
        help_text=_("The proposal that remains; supports move to it."),
    )

    def __init__(self, *args: object, proposal: Proposal, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = (
            Proposal.objects.filter(axis=proposal.axis, status=Proposal.Status.PUBLISHED)
            .exclude(pk=proposal.pk)
            .order_by("title")
        )
