"""Forms of the officer UI. They only parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from isogov.catalog.models import ChannelKind

from .models import ApplicantKind, IncidentKind, PaymentMethod, ReturnMethod


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


class ActionForm(forms.Form):
    """Every field an action may ask for; each action uses the ones the actions table lists."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    file = forms.FileField(label=_("Signed result file"), required=False)
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    items = forms.CharField(
        label=_("Papers to supplement (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    assignee = forms.CharField(label=_("Officer (username)"), required=False)
    unit = forms.CharField(label=_("Unit code"), required=False)
    question = forms.CharField(
        label=_("Question"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    allowance_value = forms.DecimalField(
        label=_("Time allowance (working days)"),
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=2,
    )
    amount_vnd = forms.IntegerField(label=_("Amount (đồng)"), required=False)
    method = forms.CharField(label=_("How"), required=False)
    receipt_number = forms.CharField(label=_("Receipt number"), required=False)
    new_due_at = forms.DateTimeField(
        label=_("New appointment"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    number = forms.CharField(label=_("Result number"), required=False)
    summary = forms.CharField(label=_("Result"), required=False)
    signer = forms.CharField(label=_("Signed by"), required=False)
    step_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    answer = forms.CharField(
        label=_("Opinion"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


PAYMENT_METHODS = PaymentMethod.choices
RETURN_METHODS = ReturnMethod.choices
INCIDENT_KINDS = IncidentKind.choices
