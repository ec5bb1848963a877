"""Forms of the in-app administration. Each edit form carries the ``version`` it was read at.

Forms that share a page have their own ``prefix``, so that no two inputs share an id.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from isogov.core.widgets import DateInput

from .models import Agency, AgencyLevel, ApiKeyScope, Unit
from .roles import Role

DATE = DateInput()  # dd/mm/yyyy, as every date input (core.widgets)


class AdminForm(forms.Form):
    """Labels without a trailing colon; drop-downs no wider than a phone's screen."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("style", "max-width: 100%")


class VersionForm(AdminForm):
    """Only the version: deactivate, reactivate."""

    prefix = "state"
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class UserSearchForm(AdminForm):
    q = forms.CharField(label=_("Search by name, username, e-mail or phone"), required=False)


class _AgencyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class _UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.agency.short_name or obj.agency.name} — {obj.name}"


class UserDetailsForm(AdminForm):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    agency = _AgencyChoice(label=_("Home agency"), queryset=Agency.objects.none(), required=False)

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class UserCreateForm(UserDetailsForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to have a temporary password generated and shown once."),
    )
    field_order = ["username", "full_name", "email", "phone", "agency", "password"]


class UserEditForm(UserDetailsForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PasswordResetForm(VersionForm):
    prefix = "password"
    password = forms.CharField(
        label=_("New password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to generate a temporary password, shown once."),
    )


class RoleGrantForm(AdminForm):
    prefix = "role"
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    agency = _AgencyChoice(label=_("Agency"), queryset=Agency.objects.none())
    unit = _UnitChoice(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Leave empty for a role in the whole agency."),
    )

    def __init__(
        self, *args: Any, agencies: QuerySet[Agency], units: QuerySet[Unit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class AgencyForm(AdminForm):
    code = forms.CharField(label=_("Electronic identifier"), max_length=64)
    name = forms.CharField(label=_("Name"), max_length=300)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    level = forms.ChoiceField(label=_("Administrative level"), choices=AgencyLevel.choices)
    parent = _AgencyChoice(label=_("Parent agency"), queryset=Agency.objects.none(), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DATE)
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DATE)

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = agencies  # type: ignore[attr-defined]


class AgencyEditForm(AgencyForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class UnitForm(AdminForm):
    prefix = "unit"
    code = forms.CharField(label=_("Unit code"), max_length=64)
    name = forms.CharField(label=_("Unit name"), max_length=300)
    is_one_stop = forms.BooleanField(label=_("One-stop desk"), required=False)


class UnitEditForm(UnitForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PredecessorForm(AdminForm):
    prefix = "predecessor"
    predecessor = _AgencyChoice(label=_("Predecessor agency"), queryset=Agency.objects.none())
    effective_on = forms.DateField(label=_("Effective on"), required=False, widget=DATE)
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=300,
        required=False,
        help_text=_("The decision that merged or renamed the body, e.g. its number and date."),
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["predecessor"].queryset = agencies  # type: ignore[attr-defined]


class ApiKeyForm(AdminForm):
    """A new API key: which system, which agency, what it may do, for how long."""

    name = forms.CharField(label=_("Name (which system uses the key)"), max_length=200)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    scopes = forms.MultipleChoiceField(
        label=_("The key may"),
        choices=ApiKeyScope.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    expires_in_days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=3650, initial=365
    )

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies]).order_by("name")
        if len(agencies) == 1:
            field.initial = agencies[0].pk


class ApiKeyRevokeForm(AdminForm):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=500)
