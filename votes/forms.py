"""Forms of the voting pages: the basket, receipts, the residents list, assisted ballots."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from participation.models import Axis
from votes import census
from votes.ballots import BallotProposal
from votes.models import VoterRecord

CENSUS_FILE_MAX_BYTES = 5 * 1024 * 1024


class BasketForm(forms.Form):
    """One change to the ballot being prepared: add, remove, move, or set points."""

    OPERATIONS = ("add", "remove", "up", "down", "points")

    op = forms.ChoiceField(choices=[(op, op) for op in OPERATIONS])
    proposal = forms.IntegerField()
    points = forms.IntegerField(
        required=False,
        min_value=0,
        error_messages={"min_value": _("Points cannot be negative: enter 0 to remove them.")},
    )

    def __init__(self, *args, proposals: dict[int, BallotProposal], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.proposals = proposals

    def clean_proposal(self) -> int:
        proposal = self.cleaned_data["proposal"]
        if proposal not in self.proposals:
            raise forms.ValidationError(_("This proposal is not on the ballot of this axis."))
        return proposal


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Receipt code"),
        max_length=60,
        help_text=_("The code of 7 groups of 4 letters and digits you received when voting."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class EligibilityForm(forms.Form):
    identifier = forms.CharField(
        label=_("Your identifier on the residents list"),
        max_length=census.MAX_IDENTIFIER_LENGTH,
        help_text=_(
            "As written on the letter the organisers sent you. Spaces and dashes do not matter."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class CensusUploadForm(forms.Form):
    identifiers = forms.CharField(
        label=_("Identifiers, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    file = forms.FileField(
        label=_("Or a text or CSV file"),
        required=False,
        help_text=_("UTF-8, one identifier per line (first column of a CSV), at most 5 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return ""
        if upload.size > CENSUS_FILE_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB: split it."))
        content = upload.read()
        # Judged by its content, not its name: text in UTF-8, without binary bytes.
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                _("The file is not text in UTF-8: export it as CSV (UTF-8) and try again.")
            ) from error
        if "\x00" in text:
            raise forms.ValidationError(_("The file is not a text or CSV file."))
        return text

    def clean(self):
        cleaned = super().clean()
        lines = census.identifiers_parse(cleaned.get("identifiers", "") or "")
        lines += census.identifiers_parse(cleaned.get("file", "") or "")
        if not self.errors and not lines:
            raise forms.ValidationError(_("Paste identifiers or choose a file."))
        cleaned["parsed"] = lines
        return cleaned


class AssistedBallotForm(forms.Form):
    """A mediator's form: who (census identifier, or name and date of birth), where, how, what."""

    census_identifier = forms.CharField(
        label=_("Identifier on the residents list"), required=False, max_length=200
    )
    full_name = forms.CharField(label=_("Full name"), required=False, max_length=200)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    channel = forms.ChoiceField(
        label=_("How was the ballot given?"),
        choices=[
            (VoterRecord.Channel.ASSISTED, _("Assisted by me on this device")),
            (VoterRecord.Channel.PAPER, _("Paper ballot, entered by me")),
        ],
        widget=forms.RadioSelect,
        initial=VoterRecord.Channel.ASSISTED,
    )

    def __init__(self, *args, axis: Axis, proposals: dict[int, BallotProposal], **kwargs):
        super().__init__(*args, **kwargs)
        self.axis = axis
        self.proposals = proposals
        if axis.ballot_type in (Axis.BallotType.APPROVAL, Axis.BallotType.BUDGET):
            self.fields["chosen"] = forms.TypedMultipleChoiceField(
                label=_("Chosen proposals"),
                required=False,
                coerce=int,
                choices=[(p.id, p.title) for p in proposals.values()],
                widget=forms.CheckboxSelectMultiple,
            )
        else:
            for proposal in proposals.values():
                self.fields[f"p{proposal.id}"] = forms.IntegerField(
                    label=proposal.title,
                    required=False,
                    min_value=1 if axis.ballot_type == Axis.BallotType.RANKING else 0,
                )

    def proposal_fields(self):
        """The per-proposal fields (points or ranks), for the template's fieldset."""
        return [self[f"p{p.id}"] for p in self.proposals.values() if f"p{p.id}" in self.fields]

    def choices(self) -> list[int] | dict[str, int]:
        """The ballot as the services take it (call after is_valid)."""
        data = self.cleaned_data
        if "chosen" in self.fields:
            return list(data["chosen"])
        values = {p.id: data.get(f"p{p.id}") for p in self.proposals.values()}
        given = {pid: value for pid, value in values.items() if value}
        if self.axis.ballot_type == Axis.BallotType.POINTS:
            return {str(pid): value for pid, value in given.items()}
        return [pid for pid, _rank in sorted(given.items(), key=lambda item: item[1])]

    def clean(self):
        cleaned = super().clean()
        if self.axis.ballot_type == Axis.BallotType.RANKING:
            ranks = [cleaned.get(f"p{p.id}") for p in self.proposals.values()]
            ranks = [rank for rank in ranks if rank]
            if len(ranks) != len(set(ranks)):
                raise forms.ValidationError(
                    _("Two proposals have the same rank: give each its own.")
                )
        return cleaned


class PabulibImportForm(forms.Form):
    """A Pabulib .pb election to import as a new axis of the process."""

    title = forms.CharField(label=_("Title of the new axis"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name in addresses"),
        max_length=80,
        help_text=_("Letters, digits and hyphens, unique in the process."),
    )
    file = forms.FileField(
        label=_("Pabulib file (.pb)"),
        help_text=_("A .pb file from pabulib.org or exported by this platform, at most 50 MB."),
    )
