"""The officer UI: intake at the desk, my work, the dossier page, search, the register."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple
from urllib.parse import quote, urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from isogov.accounts.http import AuthenticatedHttpRequest
from isogov.accounts.models import Agency, User
from isogov.accounts.selectors import user_primary_agency
from isogov.catalog.models import ChannelKind, Procedure
from isogov.catalog.selectors import version_in_force
from isogov.core import clock
from isogov.core.documents.text import vn_short_datetime
from isogov.core.errors import ApplicationError, NotFound
from isogov.core.text import grouped
from isogov.workcal.selectors import calendar_for

from . import documents, exports, selectors, services, uploads
from . import register as dossier_register
from . import search as search_index
from .actions import EVENT_LABELS, action_steps, available_actions, dossier_act, next_action
from .forms import IntakeForm
from .inputs import FORMS, form_data
from .listing import apply_filters, list_filters
from .models import (
    STATUS_CHOICES,
    STATUS_LABELS,
    Dossier,
    DossierStep,
    IncidentKind,
    StepKind,
)
from .panels import panel_urls
from .permissions import Held, held_roles, next_step
from .queues import QUEUE_PAGE_ROWS, Tab
from .transitions import BY_NAME, NATIONAL_CODE, Action, Kind, Status

# The columns of the search page's rows (dossiers/search.html): read only these.
SEARCH_COLUMNS = ("code", "applicant_name", "procedure_name", "status", "promised_due_at")
SEARCH_ROWS = 200
SEARCH_PROCEDURE_CHARS = 80


class SearchRow(NamedTuple):
    """One row of the search page, as printed."""

    url: str
    code: str
    applicant: str
    procedure: str
    status: str
    appointment: str


def _search_rows(dossiers: Iterable[Dossier]) -> list[SearchRow]:
    """The search page's rows worked out here, not by the template's ``url``, ``truncatechars``
    and ``date`` per row: for 200 rows those were a third of the page's time
    (docs/benchmarks.md). The same text: the dossier's page (``dossiers:detail``, its code
    quoted as ``reverse`` quotes it), the procedure cut to 80 characters with "…", the
    appointment as ``core.documents.text.vn_short_datetime`` prints it ("H:i d/m/Y")."""
    marker = "~"
    head, _marker, tail = reverse("dossiers:detail", args=[marker]).rpartition(marker)
    rows = []
    for dossier in dossiers:
        procedure = unicodedata.normalize("NFC", dossier.procedure_name)
        if len(procedure) > SEARCH_PROCEDURE_CHARS:
            procedure = procedure[: SEARCH_PROCEDURE_CHARS - 1] + "…"
        due = dossier.promised_due_at
        rows.append(
            SearchRow(
                url=f"{head}{quote(dossier.code, safe=RFC3986_SUBDELIMS + '~:@')}{tail}",
                code=dossier.code,
                applicant=dossier.applicant_name,
                procedure=procedure,
                status=dossier.get_status_display(),
                appointment=vn_short_datetime(due) if due else "",
            )
        )
    return rows


# A queue tab is exported as the page lists it, built in memory: at most this many rows.
QUEUE_EXPORT_LIMIT = 50_000


def request_agency(request: AuthenticatedHttpRequest) -> Agency:
    """The agency the signed-in user works for; a 404 for an account attached to none."""
    agency = user_primary_agency(user=request.user)
    if agency is None:
        raise NotFound(_("Your account is not attached to an agency."))
    return agency


def _export_links(params: dict[str, str]) -> dict[str, str]:
    """The links that download the list a page shows, its filters kept, as each of
    ``exports.FORMATS`` (the page number dropped: the download has every row)."""
    kept = {key: value for key, value in params.items() if key not in ("format", "page")}
    return {export: "?" + urlencode({**kept, "format": export}) for export in exports.FORMATS}


@login_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """My work: the tabs with their counts and the rows of the chosen one (``?tab=``)."""
    tab = request.GET.get("tab", Tab.ALL)
    if tab not in Tab.__members__.values():
        tab = Tab.ALL
    export = request.GET.get("format", "")
    if export in exports.FORMATS:
        # The tab's rows as the page lists them, without the page's limit.
        rows = selectors.dossier_queue(user=request.user, tab=tab, limit=QUEUE_EXPORT_LIMIT)
        return exports.export_response(
            export,
            filename=f"viec-cua-toi-{tab}",
            sheet_title=str(_("My work")),
            rows=exports.queue_rows(rows),
        )
    number = request.GET.get("page", "")
    page = selectors.dossier_queue_tabs(
        user=request.user,
        tab=tab,
        limit=QUEUE_PAGE_ROWS,
        page=int(number) if number.isascii() and number.isdigit() and len(number) <= 6 else 1,
    )
    return render(
        request,
        "dossiers/queue.html",
        {
            "queue": page,
            "rows": page.rows,
            "pages": dossier_register.page_window(page.page, page.pages),
            "page_query": urlencode({"tab": page.tab}),
            "export_links": _export_links({"tab": page.tab}) if page.rows else {},
            "export_label": _("Download this tab"),
        },
    )


@login_required
def search(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """Search, and the list behind every dashboard number (``listing`` filters); with
    ``format=xlsx|csv`` every match of the same filters (the page shows the first
    ``SEARCH_ROWS``), streamed."""
    filters = list_filters(request.GET)
    found = apply_filters(
        selectors.dossier_search(user=request.user, q=filters.q, status=filters.status), filters
    )
    export = request.GET.get("format", "")
    if export in exports.FORMATS and not filters.errors:
        return exports.export_response(
            export,
            filename="ho-so",
            sheet_title=str(_("Dossiers")),
            rows=exports.dossier_rows(found),
        )
    results: list[SearchRow] = []
    total, capped = None, False
    if filters.is_set:
        dossiers, total, capped = search_index.first_and_count(
            found, SEARCH_ROWS, fields=SEARCH_COLUMNS
        )
        results = _search_rows(dossiers)
    return render(
        request,
        "dossiers/search.html",
        {
            "q": filters.q,
            "status": filters.status,
            "filters": filters,
            "results": results,
            "shown": SEARCH_ROWS,
            "total": total,
            "capped": capped,
            "cap_label": _("More than %(cap)s dossiers")
            % {"cap": grouped(search_index.SEARCH_COUNT_CAP)},
            "statuses": STATUS_CHOICES,
            "export_links": _export_links(request.GET.dict()) if results else {},
            "export_label": _("Download every match"),
        },
        status=400 if filters.errors else 200,
    )


def _checklist_context(agency: Agency, code: str, channel: str) -> dict[str, object]:
    """The papers, channels and appointment of the procedure chosen at intake.

    Only the procedure's own channels are offered; when the one asked for is not among them,
    the first of them is chosen.
    """
    procedure = Procedure.objects.filter(code=code).first()
    version = version_in_force(procedure=procedure, at=clock.now()) if procedure else None
    if version is None:
        return {"version": None, "channel_choices": ChannelKind.choices, "channel_value": channel}
    channels = {row.kind: row for row in version.channels.all()}
    kinds = [(kind, label) for kind, label in ChannelKind.choices if kind in channels]
    chosen = channels.get(channel) or (channels[kinds[0][0]] if kinds else None)
    preview = None
    if chosen is not None:
        preview = calendar_for(agency=agency).add(clock.now(), chosen.time_value, chosen.time_unit)
    return {
        "version": version,
        "papers": version.papers.all(),
        "channel": chosen,
        "channel_choices": kinds,
        "channel_value": chosen.kind if chosen is not None else "",
        "preview": preview,
    }


@login_required
def intake_checklist(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The papers of the chosen procedure and the appointment, shown before saving (htmx); the
    channel list is swapped with the procedure's own channels (out of band)."""
    agency = request_agency(request)
    context = _checklist_context(
        agency, request.GET.get("procedure", ""), request.GET.get("channel", "in_person")
    )
    return render(request, "dossiers/_checklist.html", {**context, "oob": True})


def _papers_from_post(request: AuthenticatedHttpRequest) -> list[services.PaperInput]:
    papers = []
    for name in request.POST.getlist("paper"):
        key = name.strip()
        if not key:
            continue
        try:
            originals = int(request.POST.get(f"originals::{key}", "0") or 0)
            copies = int(request.POST.get(f"copies::{key}", "0") or 0)
        except ValueError:
            originals, copies = 1, 0
        if originals + copies == 0:
            originals = 1
        papers.append(services.PaperInput(key, originals=originals, copies=copies))
    return papers


@login_required
def intake(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The desk's intake form: receive, return for completion (form 02) or refuse (form 03)."""
    agency = request_agency(request)
    procedures = selectors.intake_procedure_choices(agency=agency)
    form = IntakeForm(request.POST or None, procedures=procedures)
    context: dict[str, object] = {
        "form": form,
        "agency": agency,
        "channel_choices": ChannelKind.choices,
        "channel_value": form["channel"].value(),
    }
    if form.data.get("procedure"):
        context.update(
            _checklist_context(
                agency, form.data["procedure"], form.data.get("channel", "in_person")
            )
        )
        # Only the procedure's own channels are valid.
        channel_field = form.fields["channel"]
        assert isinstance(channel_field, forms.ChoiceField)
        channel_field.choices = context["channel_choices"]  # type: ignore[assignment]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        intake_data = services.IntakeInput(
            agency=agency,
            procedure_code=data["procedure"],
            channel_kind=data["channel"],
            applicant=services.ApplicantInput(
                name=data["applicant_name"],
                kind=data["applicant_kind"],
                id_number=data["applicant_id_number"],
                address=data["applicant_address"],
                phone=data["applicant_phone"],
                email=data["applicant_email"],
                representative_name=data["representative_name"],
            ),
            papers=_papers_from_post(request),
            request_summary=data["request_summary"],
            sets_count=data["sets_count"],
        )
        decision = request.POST.get("decision", "receive")
        try:
            if decision == "incomplete":
                dossier = services.dossier_intake_incomplete(
                    actor=request.user,
                    data=intake_data,
                    reason=data["reason"],
                    items=[line for line in data["reason"].splitlines() if line.strip()],
                )
            elif decision == "refuse":
                dossier = services.dossier_intake_refuse(
                    actor=request.user, data=intake_data, reason=data["reason"]
                )
            else:
                dossier = services.dossier_receive(actor=request.user, data=intake_data)
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Dossier %(code)s saved.") % {"code": dossier.code})
            return redirect("dossiers:detail", code=dossier.code)
    return render(request, "dossiers/intake.html", context)


ASSIGN_STEP = gettext_lazy("Assign the officer of step %(order)s: %(step)s")


class ActionForm(NamedTuple):
    """One action's form on the dossier page, with its button's words."""

    action: Action
    form: forms.Form
    confirm: str
    label: str
    key: str  # the form's id: "action-<name>", with the step for one form per step


def _officer_select(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    form.fields[name].widget = forms.Select(choices=[("", "—"), *choices])


def _action_form(action: Action, dossier: Dossier, step: DossierStep | None = None) -> forms.Form:
    """The action's form, made from its one input definition (``inputs.FORMS``); lists to pick
    from instead of codes to type: the step's eligible officers, the agency's units, by name."""
    initial: dict[str, object] = {"version": dossier.version}
    if action.step_field and step is not None:
        initial[action.step_field] = step.pk
    # Ids unique on the page (several forms have a "note" or an "assignee"): labels stay tied.
    prefix = f"{action.name}-{step.pk}" if step is not None else action.name
    form = FORMS[action.name](initial=initial, auto_id=f"id_{prefix}_%s")
    following = next_step(dossier) if action.name == "assign_handover" else None
    for spec in action.fields:
        field = form.fields[spec.name]
        if spec.kind == Kind.OFFICER:
            # Assigning: only the officers who hold the step's role in its unit.
            target = step or following
            if target is not None:
                choices = selectors.dossier_step_officer_choices(dossier=dossier, step=target)
                field.label = ASSIGN_STEP % {"order": target.order, "step": target.name}
            else:
                choices = selectors.dossier_officer_choices(dossier=dossier)
            _officer_select(form, spec.name, choices)
        elif spec.kind == Kind.UNIT:
            choices = selectors.dossier_unit_choices(dossier=dossier)
            field.widget = forms.Select(choices=[("", "—"), *choices])
        elif spec.kind == Kind.ITEMS and action.name == "supplement_received":
            # A checklist of the papers the supplement request asked for.
            requested = selectors.dossier_supplement_items(dossier=dossier)
            if requested:
                field.widget = forms.CheckboxSelectMultiple(choices=[(i, i) for i in requested])
    return form


def _confirm(action: Action, dossier: Dossier) -> str:
    return str(action.confirm) % {"applicant": dossier.applicant_name} if action.confirm else ""


def _action_forms(
    dossier: Dossier, available: list[Action], held: Held, user: User
) -> tuple[ActionForm | None, list[ActionForm]]:
    """The primary action's form (the next action first) and the others' forms."""
    chosen = next_action(dossier=dossier, offered=available, user=user, held=held)
    primary = None
    others = []
    for action in available:
        if action.on_paper or action.needs_open_opinion:
            continue
        confirm = _confirm(action, dossier)
        if action.step_field:
            # One form per step, each naming its step and listing its eligible officers.
            for step in action_steps(action, dossier, held, user):
                label = str(ASSIGN_STEP % {"order": step.order, "step": step.name})
                entry = ActionForm(
                    action,
                    _action_form(action, dossier, step),
                    confirm,
                    label,
                    f"action-{action.name}-{step.pk}",
                )
                # The primary form is the current step's (``next_action`` chose it for it).
                if chosen is not None and chosen[0] is action and step == dossier.current_step:
                    primary = entry
                else:
                    others.append(entry)
            continue
        form = _action_form(action, dossier)
        if chosen is not None and chosen[0] is action:
            primary = ActionForm(action, form, confirm, chosen[1], f"action-{action.name}")
        else:
            others.append(
                ActionForm(action, form, confirm, str(action.label), f"action-{action.name}")
            )
    return primary, others


def _step_rows(dossier: Dossier) -> list[tuple[DossierStep, str]]:
    """Each step with the handover note the previous step left for it."""
    rows = []
    note = ""
    for step in dossier.steps.all():
        if step.kind == StepKind.OPINION:
            rows.append((step, ""))
            continue
        rows.append((step, note))
        note = step.note if step.finished_at is not None else ""
    return rows


@login_required
def detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    dossier = selectors.dossier_get_detail(user=request.user, code=code)
    held = held_roles(user=request.user, agency=dossier.agency)
    available = available_actions(dossier=dossier, user=request.user, held=held)
    paper_actions = {action.name for action in available if action.on_paper}
    opinion_forms = {}
    for action in available:
        if action.needs_open_opinion:
            for step in action_steps(action, dossier, held, request.user):
                form = FORMS[action.name](initial={"version": dossier.version, "step_id": step.pk})
                opinion_forms[step.pk] = form
    primary, others = _action_forms(dossier, available, held, request.user)
    context = {
        "dossier": dossier,
        "national_code": NATIONAL_CODE[Status(dossier.status)],
        "steps": _step_rows(dossier),
        "events": [
            (
                event,
                EVENT_LABELS.get(event.action, event.action),
                STATUS_LABELS.get(event.to_status, ""),
            )
            for event in sorted(dossier.events.all(), key=lambda event: (event.at, event.pk))
        ],
        "papers": dossier.papers.all(),
        "fees": dossier.fees.all(),
        "payments": dossier.payments.all(),
        "primary": primary,
        "other_actions": others,
        "opinion_forms": opinion_forms,
        "paper_actions": paper_actions,
        "forms": documents.forms_of(dossier),
        "incident_kinds": IncidentKind.choices,
        "waiting_hours": Decimal(dossier.waiting_seconds) / 3600,
        "panels": panel_urls(dossier.code),
    }
    return render(request, "dossiers/detail.html", context)


@login_required
@require_POST
def act(request: AuthenticatedHttpRequest, code: str, name: str) -> HttpResponse:
    """Run one action of the table from its form; the service checks status and authority."""
    dossier = selectors.dossier_get(user=request.user, code=code)
    action = BY_NAME.get(name)
    if action is None or action.name not in FORMS:
        raise NotFound()
    data = form_data(request.POST, request.FILES)
    try:
        version = int(data.pop("version", ""))
    except ValueError:
        version = None
    try:
        dossier_act(name=name, actor=request.user, dossier=dossier, version=version, data=data)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": action.label})
    return redirect(reverse("dossiers:detail", kwargs={"code": code}))


def _file_dossier(request: HttpRequest, code: str) -> Dossier:
    """The dossier of a file, for the staff who may see it; 404 for anybody else, signed in or
    not (a file's address says nothing of whether the dossier exists)."""
    if not request.user.is_authenticated:
        raise NotFound()
    return selectors.dossier_get(user=request.user, code=code)


def paper_file(request: HttpRequest, code: str, paper_id: int) -> HttpResponseBase:
    """An uploaded or scanned paper, for the staff who may see the dossier (else 404)."""
    dossier = _file_dossier(request, code)
    paper = dossier.papers.filter(pk=paper_id).exclude(scan="").first()
    if paper is None:
        raise NotFound()
    extension = paper.scan.name.rsplit(".", 1)[-1]
    return uploads.file_response(
        paper.scan.name, download_name=f"{dossier.code}-{paper.pk}.{extension}"
    )


def result_file(request: HttpRequest, code: str) -> HttpResponseBase:
    """The signed result file, for the staff who may see the dossier (else 404)."""
    dossier = _file_dossier(request, code)
    if not dossier.result_file:
        raise NotFound()
    extension = dossier.result_file.name.rsplit(".", 1)[-1]
    return uploads.file_response(
        dossier.result_file.name, download_name=f"{dossier.code}-ket-qua.{extension}"
    )


@login_required
def form_pdf(request: AuthenticatedHttpRequest, code: str, form: str) -> HttpResponse:
    """One official form of the dossier as PDF (Vietnamese, embedded font)."""
    dossier = selectors.dossier_get(user=request.user, code=code)
    render_form = documents.FORMS.get(form)
    if render_form is None:
        raise NotFound()
    response = HttpResponse(render_form(dossier), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-{form}.pdf"'
    return response
