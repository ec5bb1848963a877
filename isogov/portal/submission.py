"""Online submission, the applicant's side (docs/online-submission.md): pick a procedure offered
online, fill in the details and upload the papers, confirm the e-mail or phone with a one-time
code, then follow the dossier by its link (token): its status, the desk's 8-working-hour
deadline, the forms, the papers, an online supplement, and the electronic result.

The pages only parse input and show; the rules are in ``isogov.dossiers`` (services ``online``,
``uploads``, the action table).
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from isogov.catalog.models import ChannelKind
from isogov.core import clock
from isogov.core.errors import ApplicationError, NotFound, ValidationFailed
from isogov.core.text import fold_vietnamese
from isogov.dossiers import documents, services, uploads
from isogov.dossiers.actions import EVENT_LABELS
from isogov.dossiers.models import ApplicantKind, Dossier
from isogov.dossiers.online import (
    applicant_timeline,
    awaiting_papers,
    draft_by_token,
    online_offer,
    online_offers,
)
from isogov.dossiers.rulesets import ruleset_by_code, ruleset_in_force
from isogov.dossiers.selectors import dossier_by_access_token, result_released
from isogov.dossiers.transitions import Status
from isogov.notifications.models import Channel

# The forms the applicant is given (the control sheet is the agency's own record).
APPLICANT_FORMS = frozenset({"receipt", "supplement-request", "refusal", "apology", "stop-notice"})


class ApplicantForm(forms.Form):
    """The applicant's details; one file field per paper is added for the procedure."""

    applicant_kind = forms.ChoiceField(
        label=gettext_lazy("Applying as"), choices=ApplicantKind.choices
    )
    applicant_name = forms.CharField(label=gettext_lazy("Full name"), max_length=300)
    applicant_id_number = forms.CharField(
        label=gettext_lazy("Citizen ID number (or tax code)"), max_length=50, required=False
    )
    applicant_phone = forms.CharField(
        label=gettext_lazy("Phone number"), max_length=50, required=False
    )
    applicant_email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    applicant_address = forms.CharField(
        label=gettext_lazy("Address"), max_length=500, required=False
    )
    request_summary = forms.CharField(
        label=gettext_lazy("What you ask for"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm_by = forms.ChoiceField(
        label=gettext_lazy("Send the confirmation code by"),
        choices=Channel.choices,
        initial=Channel.EMAIL,
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, papers: list[tuple[str, bool]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.paper_fields = []
        for index, (name, required) in enumerate(papers):
            field_name = f"paper_{index}"
            self.fields[field_name] = forms.FileField(
                label=name,
                required=False,
                # The service checks emptiness, type and size, naming the paper.
                allow_empty_file=True,
                widget=forms.ClearableFileInput(attrs={"accept": uploads.ACCEPT}),
                help_text="" if required else _("If applicable"),
            )
            self.fields[field_name].widget.attrs["required"] = required
            self.paper_fields.append(field_name)

    def paper_boundfields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.paper_fields]


def _field_of(detail: str) -> str:
    """The form field of a service error's detail key (``applicant.phone``)."""
    return detail.replace("applicant.", "applicant_")


def _show_errors(form: forms.Form, error: ValidationFailed) -> None:
    details = error.details or {}
    shown = False
    for key, problems in details.items():
        name = _field_of(str(key))
        if name in form.fields:
            for problem in problems if isinstance(problems, list) else [problems]:
                form.add_error(name, str(problem))
                shown = True
    if not shown:
        form.add_error(None, str(error.message))


# --- 1. pick a procedure ------------------------------------------------------------------
def submit(request: HttpRequest) -> HttpResponse:
    """The procedures offered online, searchable without diacritics."""
    query = request.GET.get("q", "").strip()[:200]
    offers = online_offers()
    if query:
        words = fold_vietnamese(query).split()
        offers = [
            offer
            for offer in offers
            if all(
                word in fold_vietnamese(f"{offer.procedure_code} {offer.name}") for word in words
            )
        ]
    return render(
        request,
        "portal/submission/pick.html",
        {"offers": offers, "q": query, "nav_current": "submit"},
    )


# --- 2. details and papers ----------------------------------------------------------------
@never_cache
@require_http_methods(["GET", "POST"])
def submit_procedure(request: HttpRequest, agency: str, procedure: str) -> HttpResponse:
    offer = online_offer(agency_code=agency, procedure_code=procedure)
    papers = [(paper.name, paper.is_required) for paper in offer.plan.papers]
    if request.method == "POST":
        form = ApplicantForm(request.POST, request.FILES, papers=papers)
        if form.is_valid():
            data = form.cleaned_data
            try:
                draft = services.online_draft_create(
                    agency=offer.agency,
                    procedure_code=offer.procedure_code,
                    channel_kind=offer.channel_kind,
                    applicant=services.ApplicantInput(
                        name=data["applicant_name"],
                        kind=data["applicant_kind"],
                        id_number=data["applicant_id_number"],
                        address=data["applicant_address"],
                        phone=data["applicant_phone"],
                        email=data["applicant_email"],
                    ),
                    request_summary=data["request_summary"],
                    confirm_by=data["confirm_by"],
                    files={
                        index: request.FILES.get(name)
                        for index, name in enumerate(form.paper_fields)
                    },
                    idempotency_key=data["idempotency_key"],
                )
            except ValidationFailed as error:
                _show_errors(form, error)
            else:
                return redirect("portal:submission-draft", token=draft.token)
    else:
        form = ApplicantForm(papers=papers, initial={"idempotency_key": secrets.token_urlsafe(24)})
    fees = offer.plan.fees
    return render(
        request,
        "portal/submission/form.html",
        {
            "offer": offer,
            "form": form,
            "fees": fees,
            "channel_label": ChannelKind(offer.channel_kind).label,
            "decision_hours": ruleset_in_force(clock.today()).online_decision_within_working_hours,
            "max_file_mb": settings_mb("ISOGOV_UPLOAD_MAX_FILE_BYTES"),
            "max_dossier_mb": settings_mb("ISOGOV_UPLOAD_MAX_DOSSIER_BYTES"),
            "nav_current": "submit",
        },
        status=400 if form.errors else 200,
    )


def settings_mb(name: str) -> str:
    return f"{getattr(settings, name) / (1024 * 1024):g}".replace(".", ",")


# --- 3. the one-time code -----------------------------------------------------------------
@never_cache
@require_http_methods(["GET", "POST"])
def submission_draft(request: HttpRequest, token: str) -> HttpResponse:
    """The draft, resumed by its link: its papers, and the code that confirms it."""
    draft = draft_by_token(token)
    if draft.dossier is not None:
        return redirect("portal:submission-status", token=draft.dossier.access_token)
    error = ""
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("resend"):
                services.online_code_resend(token=draft.token)
                messages.success(request, _("A new code was sent."))
                return redirect("portal:submission-draft", token=draft.token)
            dossier = services.online_draft_confirm(
                token=draft.token, code=request.POST.get("code", "")[:20]
            )
        except ValidationFailed as failure:
            error, status = str(failure.message), 400
            draft.refresh_from_db()
        else:
            return redirect("portal:submission-status", token=dossier.access_token)
    return render(
        request,
        "portal/submission/confirm.html",
        {
            "draft": draft,
            "papers": draft.papers.all(),
            "error": error,
            "recipient": _masked(draft.confirm_recipient),
            "by_email": draft.confirm_channel == Channel.EMAIL,
            "nav_current": "submit",
        },
        status=status,
    )


def _masked(value: str) -> str:
    """An e-mail or phone number with the middle hidden."""
    if "@" in value:
        name, domain = value.split("@", 1)
        return f"{name[:2]}***@{domain}"
    return f"{value[:3]}*****{value[-2:]}" if len(value) > 5 else "***"


# --- 4. the dossier by its link ----------------------------------------------------------
def _status_context(dossier: Dossier) -> dict[str, Any]:
    now = clock.now()
    intake_overdue = (
        dossier.status == Status.SUBMITTED_ONLINE
        and dossier.intake_due_at is not None
        and now > dossier.intake_due_at
    )
    return {
        "dossier": dossier,
        "decision_hours": ruleset_by_code(dossier.ruleset).online_decision_within_working_hours,
        "status_label": dossier.get_status_display(),
        "received": dossier.received_at is not None,
        "intake_overdue": intake_overdue,
        # The papers a request or an upload named, if any (the rest of an event's data is
        # the staff's, not the applicant's).
        "events": [
            (event, EVENT_LABELS.get(event.action, event.action), (event.data or {}).get("items"))
            for event in applicant_timeline(dossier)
        ],
        "papers": dossier.papers.exclude(scan=""),
        "awaited": awaiting_papers(dossier),
        "forms": [
            (key, label) for key, label in documents.forms_of(dossier) if key in APPLICANT_FORMS
        ],
        "result_ready": result_released(dossier),
        "accept": uploads.ACCEPT,
        "nav_current": "submit",
    }


@never_cache
@require_http_methods(["GET", "POST"])
def submission_status(request: HttpRequest, token: str) -> HttpResponse:
    """The applicant's page of one dossier; a POST uploads the papers asked for (form 02)."""
    dossier = dossier_by_access_token(token=token)
    error = ""
    if request.method == "POST":
        files = {
            index: request.FILES.get(f"paper_{index}")
            for index in range(len(awaiting_papers(dossier)))
        }
        try:
            services.dossier_supplement_online(token=dossier.access_token, files=files)
        except ApplicationError as failure:
            error = str(failure.message)
        else:
            messages.success(
                request, _("Your papers were sent. The desk will check them and tell you.")
            )
            return redirect("portal:submission-status", token=dossier.access_token)
    context = _status_context(dossier)
    context["error"] = error
    return render(request, "portal/submission/status.html", context, status=400 if error else 200)


def paper_download(request: HttpRequest, token: str, paper_id: int) -> HttpResponseBase:
    """A paper of the dossier, for whoever holds the dossier's link (else 404)."""
    dossier = dossier_by_access_token(token=token)
    paper = dossier.papers.filter(pk=paper_id).exclude(scan="").first()
    if paper is None:
        raise NotFound()
    extension = paper.scan.name.rsplit(".", 1)[-1]
    return uploads.file_response(paper.scan.name, download_name=f"giay-to-{paper.pk}.{extension}")


def form_download(request: HttpRequest, token: str, form: str) -> HttpResponse:
    """One of the applicant's forms (01 receipt, 02, 03, 04, 05) as PDF, by the token."""
    dossier = dossier_by_access_token(token=token)
    offered = {key for key, _label in documents.forms_of(dossier)} & APPLICANT_FORMS
    if form not in offered:
        raise NotFound()
    response = HttpResponse(documents.FORMS[form](dossier), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-{form}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
