from django import forms
from django.utils.translation import gettext_lazy as _

from .models import COUNT_FROM_CHOICES, CalendarOverride


class OverrideForm(forms.ModelForm):
    class Meta:
        model = CalendarOverride
        fields = [
            "date",
            "kind",
            "name",
            "start_time",
            "end_time",
            "decision_number",
            "decision_date",
            "decision_issuer",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "decision_date": forms.DateInput(attrs={"type": "date"}),
            "start_time": forms.TimeInput(attrs={"type": "time"}),
            "end_time": forms.TimeInput(attrs={"type": "time"}),
        }

    def validate_unique(self) -> None:
        # The service checks "one override per date" and says so in the user's language.
        pass


class DeleteOverrideForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class OfficeHoursForm(forms.Form):
    """An agency's office hours and clock-start rule; ``version`` detects concurrent edits."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    morning_start = forms.TimeField(
        label=_("morning opens"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    morning_end = forms.TimeField(
        label=_("morning closes"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    afternoon_start = forms.TimeField(
        label=_("afternoon opens"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    afternoon_end = forms.TimeField(
        label=_("afternoon closes"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    count_from = forms.ChoiceField(label=_("clock starts"), choices=COUNT_FROM_CHOICES)
