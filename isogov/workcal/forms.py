from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CalendarOverride


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
