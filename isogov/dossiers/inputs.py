"""Each action's one input definition (``transitions.Field``) as an API serializer and a web form.

The serializer validates every action's input, whoever calls: the API, the web form and a
direct service call all go through ``validate`` (choices, lengths, ranges, the dossier's own
units, officers, steps and papers). The web form is made from the same fields, for display only.
Serializer classes are built once per action, at import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet, TextChoices
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from isogov.accounts.models import Unit, User
from isogov.core.errors import ValidationFailed
from isogov.core.widgets import DateTimeInput

from .models import Dossier, DossierPaper, DossierStep, IncidentKind, PaymentMethod, ReturnMethod
from .selectors import dossier_officer_get, dossier_unit_get
from .transitions import ACTIONS, Action, Field, Kind

CHOICES: dict[str, type[TextChoices]] = {
    "payment_method": PaymentMethod,
    "return_method": ReturnMethod,
    "incident_kind": IncidentKind,
}
UNKNOWN_OFFICER = _("No officer of this agency has this username.")
UNKNOWN_UNIT = _("No unit of this agency has this code.")
UNKNOWN_STEP = _("This dossier has no such step.")
UNKNOWN_PAPER = _("This dossier has no such paper.")
NOT_A_DATETIME = _("Enter a date and time, e.g. 2026-02-25T08:00:00+07:00.")
NOT_A_NUMBER = _("Enter a number.")
# An input a caller did not send at all (as opposed to an empty one): ``validate`` leaves it
# out, so that a required field says "This field is required."
MISSING: Any = object()
# Dates from the calendar's range only: outside it no due time can be computed.
FIRST_YEAR, LAST_YEAR = 2000, 2099


def _dossier(field: serializers.Field) -> Dossier:
    dossier = field.context.get("dossier")
    assert isinstance(dossier, Dossier), "the serializer needs the dossier in its context"
    return dossier


@extend_schema_field({"type": "string", "description": "Username of an officer of the agency."})
class OfficerField(serializers.Field):
    """A username of the dossier's agency (or a ``User`` given by a service caller)."""

    def to_internal_value(self, data: Any) -> User:
        dossier = _dossier(self)
        username = data.username if isinstance(data, User) else str(data)
        officer = dossier_officer_get(dossier=dossier, username=username)
        if officer is None:
            raise serializers.ValidationError(str(UNKNOWN_OFFICER))
        return officer

    def to_representation(self, value: Any) -> str:
        return str(value.username)


@extend_schema_field({"type": "string", "description": "Code of a unit of the dossier's agency."})
class UnitField(serializers.Field):
    def to_internal_value(self, data: Any) -> Unit:
        code = data.code if isinstance(data, Unit) else str(data)
        unit = dossier_unit_get(dossier=_dossier(self), code=code)
        if unit is None:
            raise serializers.ValidationError(str(UNKNOWN_UNIT))
        return unit

    def to_representation(self, value: Any) -> str:
        return str(value.code)


class _ChildField(serializers.IntegerField):
    """The id of a row of this dossier (a step or a paper)."""

    unknown: Any

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, (DossierStep, DossierPaper)):
            data = data.pk
        pk = super().to_internal_value(data)
        # Ids are positive 32-bit integers: anything else names no row (and no 500).
        row = self.rows(_dossier(self)).filter(pk=pk).first() if 0 < pk < 2**31 else None
        if row is None:
            raise serializers.ValidationError(str(self.unknown))
        return row

    def rows(self, dossier: Dossier) -> QuerySet[Any]:
        raise NotImplementedError

    def to_representation(self, value: Any) -> int:
        return int(value.pk)


class StepField(_ChildField):
    unknown = UNKNOWN_STEP

    def rows(self, dossier: Dossier) -> QuerySet[Any]:
        return DossierStep.objects.select_related("unit", "assignee").filter(dossier=dossier)


class PaperField(_ChildField):
    unknown = UNKNOWN_PAPER

    def rows(self, dossier: Dossier) -> QuerySet[Any]:
        return DossierPaper.objects.filter(dossier=dossier)


class ItemsField(serializers.ListField):
    """Lines of text: a JSON list, or a web form's textarea with one item per line."""

    def to_internal_value(self, data: Any) -> list[str]:
        if isinstance(data, str):
            data = data.splitlines()
        if isinstance(data, tuple):
            data = list(data)
        items = super().to_internal_value(data)
        return [item.strip() for item in items if item.strip()]


class LocalDecimalField(serializers.DecimalField):
    """A decimal that also takes the Vietnamese decimal comma ("2,5")."""

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, str):
            data = data.strip().replace(",", ".")
        try:
            return super().to_internal_value(data)
        except InvalidOperation as error:  # pragma: no cover - DRF reports it itself
            raise serializers.ValidationError(str(NOT_A_NUMBER)) from error


class BoundedDateTimeField(serializers.DateTimeField):
    """A date and time within the working calendar's years (beyond them nothing is due)."""

    def to_internal_value(self, value: Any) -> dt.datetime:
        if isinstance(value, dt.datetime):
            parsed = value if value.tzinfo else super().to_internal_value(value.isoformat())
        else:
            parsed = super().to_internal_value(value)
        if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
            raise serializers.ValidationError(str(NOT_A_DATETIME))
        return parsed


def _bounds(spec: Field) -> dict[str, Any]:
    return {"min_value": spec.minimum, "max_value": spec.maximum}


def _api_field(spec: Field) -> serializers.Field:
    common: dict[str, Any] = {"label": spec.label, "help_text": spec.help or None}
    if not spec.required:
        common["required"] = False
        if spec.default is not None:
            default: Any = spec.default
            common["default"] = list(default) if spec.kind == Kind.ITEMS else default
        else:
            common["allow_null"] = True
            common["default"] = None
    kind = spec.kind
    if kind in (Kind.TEXT, Kind.LONG_TEXT):
        return serializers.CharField(
            max_length=spec.max_length or 10_000,
            allow_blank=not spec.required,
            trim_whitespace=True,
            **common,
        )
    if kind == Kind.ITEMS:
        return ItemsField(
            child=serializers.CharField(max_length=spec.max_length or 500, allow_blank=True),
            max_length=100,
            **common,
        )
    if kind in (Kind.INTEGER, Kind.MONEY):
        return serializers.IntegerField(**_bounds(spec), **common)
    if kind == Kind.DECIMAL:
        return LocalDecimalField(
            max_digits=8,
            decimal_places=2,
            min_value=spec.minimum,
            max_value=spec.maximum,
            **common,
        )
    if kind == Kind.DATETIME:
        return BoundedDateTimeField(**common)
    if kind == Kind.CHOICE:
        if spec.default is not None and not spec.required:
            common["default"] = spec.default
        return serializers.ChoiceField(choices=CHOICES[spec.choices].choices, **common)
    if kind == Kind.OFFICER:
        return OfficerField(**common)
    if kind == Kind.UNIT:
        return UnitField(**common)
    if kind == Kind.STEP:
        return StepField(**common)
    if kind == Kind.PAPER:
        return PaperField(**common)
    if kind == Kind.FILE:
        return serializers.FileField(**common)
    raise AssertionError(kind)  # pragma: no cover


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


class VersionInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text="The dossier's version as read; a stale one gets 409.",
    )


def _serializer_class(action: Action, *, with_version: bool) -> type[serializers.Serializer]:
    attrs: dict[str, Any] = {spec.name: _api_field(spec) for spec in action.fields}
    base = VersionInputSerializer if with_version else serializers.Serializer
    suffix = "" if with_version else "Fields"
    cls = type(f"Dossier{_camel(action.name)}{suffix}Input", (base,), attrs)
    return extend_schema_serializer(component_name=f"Dossier{_camel(action.name)}{suffix}")(cls)


# Built once: the API's request body (with the version) and the service's input (without).
API_SERIALIZERS: dict[str, type[serializers.Serializer]] = {
    action.name: _serializer_class(action, with_version=True)
    for action in ACTIONS
    if not action.creates
}
INPUT_SERIALIZERS: dict[str, type[serializers.Serializer]] = {
    action.name: _serializer_class(action, with_version=False) for action in ACTIONS
}


def _first_problem(errors: Mapping[str, Any]) -> tuple[str, str]:
    name, problems = next(iter(errors.items()))
    while isinstance(problems, (list, dict)) and problems:
        problems = problems[0] if isinstance(problems, list) else next(iter(problems.values()))
    return name, str(problems)


def validate(action: Action, *, dossier: Dossier | None, data: Mapping[str, Any]) -> dict[str, Any]:
    """The action's input, checked against its one definition; ``ValidationFailed`` (400)
    naming each field otherwise."""
    if not action.fields:
        return {}
    sent = {key: value for key, value in data.items() if value is not MISSING}
    serializer = INPUT_SERIALIZERS[action.name](data=sent, context={"dossier": dossier})
    if not serializer.is_valid():
        errors = {
            key: [str(item) for item in value] if isinstance(value, list) else [str(value)]
            for key, value in serializer.errors.items()
        }
        field, problem = _first_problem(errors)
        label = next((str(spec.label) for spec in action.fields if spec.name == field), field)
        raise ValidationFailed(f"{label}: {problem}", details=errors)
    return dict(serializer.validated_data)


# --- the web form, made from the same fields (display only: ``validate`` checks the input) ----
def _form_field(spec: Field) -> forms.Field:
    common: dict[str, Any] = {
        "label": spec.label,
        "required": spec.required,
        "help_text": spec.help,
    }
    kind = spec.kind
    if kind == Kind.LONG_TEXT or kind == Kind.ITEMS:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), **common)
    if kind in (Kind.INTEGER, Kind.MONEY):
        return forms.IntegerField(**_bounds(spec), **common)
    if kind == Kind.DECIMAL:
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    if kind == Kind.DATETIME:
        return forms.DateTimeField(widget=DateTimeInput(), **common)
    if kind == Kind.CHOICE:
        return forms.ChoiceField(
            choices=CHOICES[spec.choices].choices, initial=spec.default, **common
        )
    if kind in (Kind.STEP, Kind.PAPER):
        return forms.IntegerField(widget=forms.HiddenInput, **common)
    if kind == Kind.FILE:
        return forms.FileField(**common)
    return forms.CharField(max_length=spec.max_length or None, **common)


FORMS: dict[str, type[forms.Form]] = {
    action.name: type(
        f"{_camel(action.name)}Form",
        (forms.Form,),
        {
            "version": forms.IntegerField(widget=forms.HiddenInput),
            **{spec.name: _form_field(spec) for spec in action.fields},
        },
    )
    for action in ACTIONS
    if not action.creates
}


def form_data(post: Mapping[str, Any], files: Mapping[str, UploadedFile]) -> dict[str, Any]:
    """A web form's fields as the serializer takes them (empty optional fields left out)."""
    data: dict[str, Any] = {}
    for key in post:
        # A checklist sends one value per ticked box: all of them, not the last.
        values = post.getlist(key) if hasattr(post, "getlist") else [post[key]]
        values = [value for value in values if value != ""]
        if values:
            data[key] = values if len(values) > 1 else values[0]
    # Not ``data.update(files)``: a MultiValueDict would give its lists, not its files.
    data.update({key: files[key] for key in files})
    return data
