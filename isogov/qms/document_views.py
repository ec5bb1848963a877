"""Document control pages (§7.5): the list with each document's revision status, one
document with its revisions, the actions the table allows, and who has not read it yet."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from isogov.accounts.http import AuthenticatedHttpRequest
from isogov.catalog.models import InternalProcess
from isogov.core.errors import NotFound

from .models import ControlledDocument, DocumentRevision, DocumentType
from .pdf import revision_pdf
from .selectors import document_get, document_list
from .services import documents as svc
from .transitions import Party, RevisionAction, RevisionStatus, actions_for
from .views_common import (
    agency_of,
    attempt,
    base_context,
    date,
    integer,
    pdf_response,
    person,
    text,
    unit_of,
)


@login_required
def documents_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = agency_of(request)
    if request.method == "POST":

        def work() -> None:
            raw_process = request.POST.get("internal_process") or ""
            process = (
                InternalProcess.objects.filter(pk=raw_process).first()
                if raw_process.isdigit()
                else None
            )
            svc.document_register(
                actor=request.user,
                agency=agency,
                document={
                    "code": text(request, "code"),
                    "title": text(request, "title"),
                    "doc_type": text(request, "doc_type"),
                    "owner_unit": unit_of(request, agency, "owner_unit"),
                    "scope": text(request, "scope", required=False),
                    "retention_years": integer(request, "retention_years"),
                    "internal_process": process,
                },
                change_summary=text(request, "change_summary"),
                reviewer=person(request, agency, "reviewer"),
                approver=person(request, agency, "approver"),
                content=text(request, "content", required=False),
            )

        return attempt(
            request,
            work,
            done=_("The document and its draft revision were saved."),
            back=reverse("qms:documents"),
        )
    context = base_context(request, agency)
    context.update(
        rows=document_list(agency=agency),
        types=DocumentType.choices,
        processes=InternalProcess.objects.order_by("code"),
    )
    return render(request, "qms/documents.html", context)


@login_required
def document_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    document = document_get(user=request.user, pk=pk)
    agency = document.agency
    revisions = list(
        document.revisions.select_related("author", "reviewer", "approver").order_by("-number")
    )
    current = next((r for r in revisions if r.status not in ("published", "obsolete")), None)
    published = next((r for r in revisions if r.status == RevisionStatus.PUBLISHED), None)
    parties = svc.parties_of(user=request.user, revision=current) if current else frozenset()
    actions = actions_for(status=current.status, parties=parties) if current else []
    readers = list(svc.revision_readers(revision=published)) if published else []
    read_ids = (
        set(published.acknowledgements.values_list("user_id", flat=True)) if published else set()
    )
    context = base_context(request, agency)
    context.update(
        document=document,
        revisions=revisions,
        current=current,
        published=published,
        actions=actions,
        may_attach=bool({Party.AUTHOR, Party.SECRETARY} & parties),
        unread=[u for u in readers if u.pk not in read_ids],
        read_count=len(read_ids),
        may_read=published is not None
        and request.user.pk in {u.pk for u in readers}
        and request.user.pk not in read_ids,
        acknowledgements=published.acknowledgements.select_related("user") if published else [],
    )
    return render(request, "qms/document.html", context)


@login_required
@require_POST
def revision_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    revision = DocumentRevision.objects.select_related("document").filter(pk=pk).first()
    if revision is None:
        raise NotFound()
    document = document_get(user=request.user, pk=revision.document_id)
    back = reverse("qms:document", args=[document.pk])

    def work() -> None:
        if action == "read":
            svc.revision_acknowledge(actor=request.user, revision_id=revision.pk)
        else:
            editing = action in (RevisionAction.REVISE, RevisionAction.SUBMIT)
            svc.revision_act(
                actor=request.user,
                revision_id=revision.pk,
                action=action,
                version=request.POST.get("version"),
                comment=request.POST.get("comment", ""),
                content=request.POST.get("content")
                if editing and "content" in request.POST
                else None,
                effective_on=date(request, "effective_on", required=False),
            )

    return attempt(request, work, done=_("Saved."), back=back)


@login_required
@require_POST
def revision_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Draft the next revision of a document (text, scope or owner changes)."""
    document = document_get(user=request.user, pk=pk)
    return attempt(
        request,
        lambda: svc.revision_draft(
            actor=request.user,
            document=document,
            change_summary=text(request, "change_summary"),
            reviewer=person(request, document.agency, "reviewer"),
            approver=person(request, document.agency, "approver"),
            content=text(request, "content", required=False),
            owner_unit=unit_of(request, document.agency, "owner_unit"),
        ),
        done=_("Saved."),
        back=reverse("qms:document", args=[document.pk]),
    )


@login_required
def revision_pdf_view(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    document: ControlledDocument = document_get(user=request.user, pk=pk)
    revision = document.revisions.filter(number=number).first()
    if revision is None:
        raise NotFound()
    if revision.pdf:  # what was published, frozen
        with revision.pdf.open("rb") as stored:
            return pdf_response(stored.read(), f"{document.code}-{number:02d}.pdf")
    return pdf_response(revision_pdf(revision), f"{document.code}-{number:02d}-du-thao.pdf")


@login_required
@require_POST
def revision_attach(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Attach the Word or PDF original to a revision in progress."""
    revision = DocumentRevision.objects.filter(pk=pk).first()
    if revision is None:
        raise NotFound()
    document = document_get(user=request.user, pk=revision.document_id)
    return attempt(
        request,
        lambda: svc.revision_attach(
            actor=request.user,
            revision_id=revision.pk,
            version=request.POST.get("version"),
            upload=request.FILES.get("attachment"),
        ),
        done=_("The file was attached."),
        back=reverse("qms:document", args=[document.pk]),
    )


@login_required
def revision_attachment(request: AuthenticatedHttpRequest, pk: int, number: int) -> FileResponse:
    """The attached original, for everyone who may read the document."""
    document: ControlledDocument = document_get(user=request.user, pk=pk)
    revision = document.revisions.filter(number=number).first()
    if revision is None or not revision.attachment:
        raise NotFound()
    name = revision.attachment.name.rsplit("/", 1)[-1]
    return FileResponse(revision.attachment.open("rb"), as_attachment=True, filename=name)
