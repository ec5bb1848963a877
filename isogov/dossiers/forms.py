"""Forms of the officer UI. They only parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from isogov.catalog.models import ChannelKind

from .applicants import ApplicantInvalid, applicant_clean
from .models import ApplicantKind


class IntakeForm(forms.Form):
    procedure = forms.ChoiceField(label=_("Procedure"))
    channel = forms.ChoiceField(
        label=_("Channel"), choices=ChannelKind.choices, initial=ChannelKind.IN_PERSON
    )
    applicant_kind = forms.ChoiceField(label=_("applicant is"), choices=ApplicantKind.choices)
    applicant_name = forms.CharField(label=_("Applicant's name"), max_length=300)
    applicant_id_number = forms.CharField(
        label=_("ID or tax number"), max_length=50, required=False
    )
    applicant_phone = forms.CharField(label=_("phone"), max_length=50, required=False)
    applicant_email = forms.EmailField(label=_("e-mail"), required=False)
    applicant_address = forms.CharField(label=_("address"), max_length=500, required=False)
    representative_name = forms.CharField(label=_("representative"), max_length=300, required=False)
    request_summary = forms.CharField(
        label=_("request"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    sets_count = forms.IntegerField(label=_("number of sets"), min_value=1, max_value=99, initial=1)
    reason = forms.CharField(
        label=_("Reason (when returning or refusing)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: object, procedures: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["procedure"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *procedures]

    def clean(self) -> dict[str, object]:
        """The applicant's numbers normalised by the rules every intake door shares."""
        data = super().clean() or {}
        try:
            clean = applicant_clean(
                name=str(data.get("applicant_name", "")),
                kind=str(data.get("applicant_kind", "")),
                id_number=str(data.get("applicant_id_number", "")),
                phone=str(data.get("applicant_phone", "")),
                email=str(data.get("applicant_email", "")),
            )
        except ApplicantInvalid as error:
            for name, messages in error.errors.items():
                if f"applicant_{name}" not in self.errors:
                    for message in messages:
                        self.add_error(f"applicant_{name}", message)
            return data
        data["applicant_id_number"] = clean.id_number
        data["applicant_phone"] = clean.phone
        data["applicant_email"] = clean.email
        return data
