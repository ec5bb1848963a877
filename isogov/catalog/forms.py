"""Back-office forms. They only parse input into the exchange record; the rules are in
``schema`` and ``services``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency, Unit
from isogov.accounts.roles import Role
from isogov.core.widgets import DateInput

from .models import AllowanceUnit, ChannelKind, OnlineLevel, TimeUnitChoice
from .transitions import ACTIONS, VersionAction

FormT = TypeVar("FormT", bound=forms.Form)
DATE = DateInput()


class VersionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=500)
    decision_number = forms.CharField(label=_("Publication decision"), required=False)
    decision_date = forms.DateField(label=_("Decision date"), required=False, widget=DATE)
    decision_issuer = forms.CharField(label=_("Decision issuer"), required=False)
    steps_text = forms.CharField(
        label=_("Steps"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    applicants = forms.CharField(
        label=_("Who may apply"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    authority = forms.CharField(label=_("Competent authority"), required=False)
    receiving_address = forms.CharField(label=_("Where to submit"), required=False)
    delegated_agency = forms.CharField(label=_("Delegated agency"), required=False)
    coordinating_agencies = forms.CharField(label=_("Coordinating agencies"), required=False)
    result = forms.CharField(
        label=_("Result"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    conditions = forms.CharField(
        label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    online_level = forms.ChoiceField(label=_("Online level"), choices=OnlineLevel.choices)
    keywords = forms.CharField(label=_("Keywords"), required=False)
    related_codes = forms.CharField(
        label=_("Related procedures"), required=False, help_text=_("Codes separated by commas.")
    )
    description = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("How to apply"),
        choices=[("", "—"), *ChannelKind.choices],
        required=False,
    )
    time_value = forms.DecimalField(
        label=_("Processing time"), required=False, max_digits=8, decimal_places=2
    )
    time_unit = forms.ChoiceField(
        label=_("Time unit"), choices=TimeUnitChoice.choices, required=False
    )
    time_note = forms.CharField(label=_("Time note"), required=False)


class FeeForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How to apply"),
        choices=[("", _("All channels")), *ChannelKind.choices],
        required=False,
    )
    name = forms.CharField(label=_("Fee"), required=False)
    amount_vnd = forms.IntegerField(label=_("Fee amount (đồng)"), required=False, min_value=0)
    note = forms.CharField(label=_("Note"), required=False)


class PaperForm(forms.Form):
    name = forms.CharField(label=_("Paper"), required=False)
    originals = forms.IntegerField(label=_("Originals"), min_value=0, initial=1, required=False)
    copies = forms.IntegerField(label=_("Copies"), min_value=0, initial=0, required=False)
    is_required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    condition = forms.CharField(label=_("Condition"), required=False)
    template = forms.CharField(widget=forms.HiddenInput, required=False)
    upload = forms.FileField(label=_("Form template"), required=False)


class LegalBasisForm(forms.Form):
    number = forms.CharField(label=_("Number"), required=False)
    summary = forms.CharField(label=_("Summary"), required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DATE)
    issuer = forms.CharField(label=_("Issuer"), required=False)


ChannelFormSet = forms.formset_factory(ChannelForm, extra=1)
FeeFormSet = forms.formset_factory(FeeForm, extra=1)
PaperFormSet = forms.formset_factory(PaperForm, extra=1)
LegalBasisFormSet = forms.formset_factory(LegalBasisForm, extra=1)


def _day(value: Any) -> str | None:
    return value.isoformat() if value else None


def initial_from_record(record: dict[str, Any]) -> dict[str, Any]:
    """Initial data of the form and formsets from an exchange record."""
    version = {k: record[k] for k in VersionForm.base_fields if k in record}
    version["related_codes"] = ", ".join(record["related_codes"])
    channels = [
        {
            "kind": c["kind"],
            "time_value": c["time"]["value"],
            "time_unit": c["time"]["unit"],
            "time_note": c["time_note"],
        }
        for c in record["channels"]
    ]
    fees = [{**f, "channel": c["kind"]} for c in record["channels"] for f in c["fees"]]
    fees += [{**f, "channel": ""} for f in record["fees"]]
    return {
        "version": version,
        "channels": channels,
        "fees": fees,
        "papers": record["papers"],
        "legal_bases": record["legal_bases"],
    }


def record_from_forms(
    version: VersionForm,
    channels: Any,
    fees: Any,
    papers: Any,
    bases: Any,
    uploaded: dict[int, str],
) -> dict[str, Any]:
    """The exchange record the forms describe (rows left empty are ignored)."""
    data = dict(version.cleaned_data)
    data["decision_date"] = _day(data["decision_date"])
    data["related_codes"] = [c.strip() for c in data["related_codes"].split(",") if c.strip()]
    data["channels"] = []
    by_kind: dict[str, dict[str, Any]] = {}
    for form in channels.forms:
        row = form.cleaned_data
        if not row.get("kind"):
            continue
        channel = {
            "kind": row["kind"],
            "time": {"value": row.get("time_value"), "unit": row.get("time_unit")},
            "time_note": row.get("time_note", ""),
            "fees": [],
        }
        data["channels"].append(channel)
        by_kind[row["kind"]] = channel
    data["fees"] = []
    for form in fees.forms:
        row = form.cleaned_data
        if not row.get("name") and row.get("amount_vnd") is None and not row.get("note"):
            continue
        fee = {
            "name": row.get("name", ""),
            "amount_vnd": row.get("amount_vnd"),
            "note": row.get("note", ""),
        }
        target = by_kind.get(row.get("channel") or "")
        (target["fees"] if target else data["fees"]).append(fee)
    data["papers"] = []
    for i, form in enumerate(papers.forms):
        row = form.cleaned_data
        if not row.get("name"):
            continue
        data["papers"].append(
            {
                "name": row["name"],
                "originals": row.get("originals"),
                "copies": row.get("copies"),
                "is_required": row.get("is_required", False),
                "condition": row.get("condition", ""),
                "template": uploaded.get(i, row.get("template", "")),
            }
        )
    data["legal_bases"] = [
        {**form.cleaned_data, "issued_on": _day(form.cleaned_data.get("issued_on"))}
        for form in bases.forms
        if form.cleaned_data.get("number") or form.cleaned_data.get("summary")
    ]
    return data


CONFIRM_LABEL = _("I understand that this cannot be undone.")


def action_form(
    action: VersionAction, form_class: type[FormT], data: Any = None, **kwargs: Any
) -> FormT:
    """The form of a version action; an irreversible action (action table) must be confirmed."""
    form = form_class(data, **kwargs)
    if ACTIONS[action].irreversible:
        form.fields["confirm"] = forms.BooleanField(label=CONFIRM_LABEL, required=True)
    return form


class PublishForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    effective_from = forms.DateField(label=_("Effective from"), widget=DATE)


class RetireForm(forms.Form):
    effective_to = forms.DateField(label=_("Last day in force"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (JSON or XLSX)"))


class LegalChangeForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=100)
    summary = forms.CharField(label=_("Summary"), max_length=500)
    issuer = forms.CharField(label=_("Issuer"), required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DATE)
    effective_on = forms.DateField(label=_("Takes effect on"), widget=DATE)
    publisher_level = forms.ChoiceField(
        label=_("Publishing level"),
        choices=[("province", _("Province")), ("ministry", _("Ministry"))],
    )
    procedures = forms.CharField(
        label=_("Affected procedure codes"), help_text=_("Codes separated by commas.")
    )


class ReviewCampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DATE)


class ReviewFindingForm(forms.Form):
    procedure = forms.CharField(label=_("Procedure code"))
    outcome = forms.ChoiceField(
        label=_("Review outcome"),
        choices=[("keep", _("Keep")), ("simplify", _("Simplify")), ("abolish", _("Abolish"))],
    )
    proposal = forms.CharField(
        label=_("Proposal"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    saved_days = forms.DecimalField(
        label=_("Days saved"), required=False, min_value=0, decimal_places=2
    )
    saved_papers = forms.IntegerField(label=_("Papers saved"), required=False, min_value=0)


class AssignForm(forms.Form):
    """Which agency (and unit) carries out a procedure; choices limited to the user's agencies."""

    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    unit = forms.ModelChoiceField(
        label=_("Unit in charge"), queryset=Unit.objects.none(), required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    promise_value = forms.DecimalField(
        label=_("Promised time (optional)"),
        required=False,
        localize=True,  # "2,5" as Vietnamese write it; "2.5" is read too
        min_value=Decimal("0.25"),
        max_digits=8,
        decimal_places=2,
        help_text=_("The agency's own time, shorter than the legal one."),
    )
    promise_unit = forms.ChoiceField(
        label=_("Unit"),
        choices=AllowanceUnit.choices,
        initial=AllowanceUnit.WORKING_DAYS,
        required=False,
    )

    def __init__(self, *args: Any, agencies: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class ProcessForm(forms.Form):
    code = forms.CharField(label=_("Process code"), max_length=100)
    issue_number = forms.IntegerField(label=_("Issue number"), min_value=1, initial=1)
    title = forms.CharField(label=_("Title"), max_length=500)
    approved_by = forms.CharField(label=_("Approved by"), required=False)
    approved_on = forms.DateField(label=_("Approved on"), required=False, widget=DATE)


class StepForm(forms.Form):
    name = forms.CharField(label=_("Work"), required=False)
    unit_label = forms.CharField(label=_("Unit or person"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *Role.choices], required=False)
    allowance_value = forms.DecimalField(
        label=_("Time allowance"), required=False, min_value=0, max_digits=6, decimal_places=2
    )
    allowance_unit = forms.ChoiceField(
        label=_("Allowance unit"), choices=AllowanceUnit.choices, required=False
    )
    result_form = forms.CharField(label=_("Form or result"), required=False)
    is_counted = forms.BooleanField(label=_("Counted"), required=False, initial=True)


StepFormSet = forms.formset_factory(StepForm, extra=2)


def process_initial(record: dict[str, Any] | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if record is None:
        return {}, []
    header = {k: record[k] for k in ProcessForm.base_fields}
    steps = [
        {
            **{k: s[k] for k in ("name", "unit_label", "role", "result_form", "is_counted")},
            "allowance_value": s["allowance"]["value"],
            "allowance_unit": s["allowance"]["unit"],
        }
        for s in record["steps"]
    ]
    return header, steps


def process_record(header: ProcessForm, steps: Any) -> dict[str, Any]:
    data = dict(header.cleaned_data)
    data["approved_on"] = _day(data["approved_on"])
    data["steps"] = [
        {
            "order": order,
            "name": row["name"],
            "unit_label": row["unit_label"],
            "role": row["role"],
            "allowance": {"value": row["allowance_value"], "unit": row["allowance_unit"]},
            "result_form": row["result_form"],
            "is_counted": row["is_counted"],
        }
        for order, row in enumerate(
            (f.cleaned_data for f in steps.forms if f.cleaned_data.get("name")), start=1
        )
    ]
    return data
