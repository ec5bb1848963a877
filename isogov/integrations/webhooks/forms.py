"""Forms of the webhook pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency

from .models import WebhookEventType


class SubscriptionForm(forms.Form):
    name = forms.CharField(label=_("Name (which system receives)"), max_length=200)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    url = forms.CharField(label=_("Receiver address (URL)"), max_length=254)
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=WebhookEventType.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies]).order_by("name")
        field.widget.attrs["style"] = "max-width: 100%"
        if len(agencies) == 1:
            field.initial = agencies[0].pk


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
