"""Forms about participants' accounts, and the organisers' forms for processes."""

from django import forms
from django.conf import settings
from django.db import models
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from participation.models import Axis, Phase, Process, Role, User
from participation.services import AXIS_FIELDS, PROCESS_FIELDS


class SignupForm(forms.Form):
    """Extra sign-up fields (allauth's ACCOUNT_SIGNUP_FORM_CLASS)."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_("Shown publicly beside your contributions. It can be a pseudonym."),
    )

    def signup(self, request, user: User) -> None:
        user.display_name = self.cleaned_data["display_name"].strip()
        language = get_language() or settings.LANGUAGE_CODE
        if language in dict(settings.LANGUAGES):
            user.language = language
        user.save(update_fields=["display_name", "language"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "language"]

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("Please enter a display name."))
        return name


class AccessibleFormMixin:
    """Ties help texts and errors to their inputs for screen readers (aria-describedby,
    aria-invalid); the templates give the help and error paragraphs the matching ids."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{self.auto_id % name}-help"

    def full_clean(self) -> None:
        super().full_clean()
        self.mark_invalid()

    def mark_invalid(self) -> None:
        """Flag the inputs that have errors (call again after add_error)."""
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            described = attrs.get("aria-describedby", "")
            error_id = f"{self.auto_id % name}-error"
            if error_id not in described:
                attrs["aria-describedby"] = f"{described} {error_id}".strip()


def add_domain_error(form: forms.Form, error) -> None:
    """Show a service's DomainError on the field it names, or above the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
    if isinstance(form, AccessibleFormMixin):
        form.mark_invalid()


DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
PROCESS_FORM_FIELDS = list(PROCESS_FIELDS)
AXIS_FORM_FIELDS = list(AXIS_FIELDS)


class _ModelFieldsForm(AccessibleFormMixin, forms.Form):
    """A form with a model's fields (labels, help, choices) that never saves: services do."""

    model: type[models.Model]
    model_fields: list[str]

    def __init__(self, *args: object, instance: models.Model | None = None, **kwargs) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = model_to_dict(instance, fields=self.model_fields)
        self.base_fields = {
            **fields_for_model(self.model, fields=self.model_fields),
            **self.declared_fields,
        }
        super().__init__(*args, **kwargs)


class ProcessForm(_ModelFieldsForm):
    model = Process
    model_fields = PROCESS_FORM_FIELDS


class ProcessCreateForm(ProcessForm):
    model_fields = ["slug", *PROCESS_FORM_FIELDS]


class PhaseForm(_ModelFieldsForm):
    model = Phase
    model_fields = ["kind", "title", "description", "starts_at", "ends_at"]
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS
    )


class AxisForm(_ModelFieldsForm):
    model = Axis
    model_fields = AXIS_FORM_FIELDS


class RoleGrantForm(AccessibleFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), help_text=_("The person must already have an account.")
    )
    kind = forms.ChoiceField(label=_("Role"), choices=Role.Kind.choices)
