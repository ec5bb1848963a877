"""The page where an agency words its notices to applicants (leader, ISO secretary)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isogov.accounts.http import AuthenticatedHttpRequest
from isogov.accounts.selectors import user_has_role, user_primary_agency
from isogov.core.errors import ConflictError, NotFound, ValidationFailed
from isogov.notifications.models import NOTICE_CHANNELS, Channel
from isogov.notifications.notices import Milestone, allowed_fields
from isogov.notifications.selectors import notice_template_list

from . import services


class NoticeTemplateForm(forms.Form):
    milestone = forms.ChoiceField(choices=Milestone.choices, widget=forms.HiddenInput)
    channel = forms.ChoiceField(choices=NOTICE_CHANNELS, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=300, required=False)
    body = forms.CharField(
        label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )


@login_required
def notice_templates(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every milestone × channel of the agency's notices, each with its fields; save one."""
    agency = user_primary_agency(user=request.user)
    if agency is None:
        raise NotFound(_("Your account is not attached to an agency."))
    can_edit = user_has_role(user=request.user, roles=services.NOTICE_EDITORS, agency=agency)
    failed: NoticeTemplateForm | None = None
    if request.method == "POST":
        form = NoticeTemplateForm(request.POST)
        if form.is_valid():
            try:
                services.notice_template_update(
                    actor=request.user, agency=agency, **form.cleaned_data
                )
            except (ValidationFailed, ConflictError) as error:
                for field, problems in (error.details or {}).items():
                    if field in ("subject", "body"):
                        for problem in problems:
                            form.add_error(field, problem)
                if not form.errors:
                    form.add_error(None, str(error.message))
            else:
                messages.success(request, _("The notice was saved."))
                return redirect("dossiers:notice-templates")
        failed = form
    rows = []
    for text in notice_template_list(agency_code=agency.code):
        form = NoticeTemplateForm(
            initial={
                "milestone": text.milestone,
                "channel": text.channel,
                "version": text.version,
                "subject": text.subject,
                "body": text.body,
            },
            auto_id=f"id_{text.milestone}_{text.channel}_%s",
        )
        if failed is not None and (
            failed.data.get("milestone"),
            failed.data.get("channel"),
        ) == (text.milestone, text.channel):
            failed.auto_id = f"id_{text.milestone}_{text.channel}_%s"
            form = failed
        rows.append(
            {
                "text": text,
                "milestone": Milestone(text.milestone).label,
                "channel": Channel(text.channel).label,
                "fields": allowed_fields(text.milestone),
                "form": form,
            }
        )
    return render(
        request,
        "dossiers/notice_templates.html",
        {"agency": agency, "rows": rows, "can_edit": can_edit},
        status=400 if failed is not None else 200,
    )
