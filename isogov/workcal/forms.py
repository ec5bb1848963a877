from django import forms
from django.utils.translation import gettext_lazy as _

from isogov.core.widgets import DateInput, TimeInput

from .models import COUNT_FROM_CHOICES, CalendarOverride, NationalDayKind


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
            "date": DateInput(),
            "decision_date": DateInput(),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
        }

    def validate_unique(self) -> None:
        # The service checks "one override per date" and says so in the user's language.
        pass


class DeleteOverrideForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class OfficeHoursForm(forms.Form):
    """An agency's office hours and clock-start rule; ``version`` detects concurrent edits."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    morning_start = forms.TimeField(label=_("morning opens"), widget=TimeInput())
    morning_end = forms.TimeField(label=_("morning closes"), widget=TimeInput())
    afternoon_start = forms.TimeField(label=_("afternoon opens"), widget=TimeInput())
    afternoon_end = forms.TimeField(label=_("afternoon closes"), widget=TimeInput())
    count_from = forms.ChoiceField(label=_("clock starts"), choices=COUNT_FROM_CHOICES)


class NationalOverrideForm(forms.Form):
    """A national day made a holiday or a working day for every agency; ``version`` detects
    concurrent edits of the national calendar."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    date = forms.DateField(label=_("date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("kind"), choices=NationalDayKind.choices)
    name = forms.CharField(label=_("name"), max_length=200)
    legal_basis = forms.CharField(
        label=_("legal basis"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The law, decree or decision that makes the day a holiday or a working day."),
    )


class DeleteNationalOverrideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=500)
