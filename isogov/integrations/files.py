"""External dossiers from a file (JSON, CSV or XLSX export of the system of record), imported
by the background worker; the page polls the job row for its progress.

- JSON: ``{"records": [...], "history": [...]}`` (or a list of records);
- CSV: one record per line, the first line naming the fields (UTF-8, with or without BOM);
- XLSX: a sheet ``HoSo`` of records and, optionally, a sheet ``TienDo`` of history entries, each
  with the field names on its first row (a workbook with one sheet: records).

Field names are the portal's (docs/integrations.md). The import itself is ``inbound_import``:
all or nothing, its errors naming the row and field.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isogov.accounts.models import Agency, User
from isogov.audit.services import audit_record
from isogov.core.errors import ValidationFailed

from .inbound import SOURCE_LENGTH, inbound_import
from .models import InboundImport, InboundStatus

logger = logging.getLogger(__name__)

UNREADABLE = gettext_lazy("The file cannot be read as %(kind)s.")
WRONG_KIND = gettext_lazy("Send a JSON, CSV or XLSX file.")
SOURCE_REQUIRED = gettext_lazy("Name the source system (at most 64 characters).")
MAX_BYTES = 50 * 1024 * 1024

Batch = tuple[list[Any], list[Any]]


def _bad(field: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, details={field: [str(message)]})


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(header: list[Any], rows: Any) -> list[dict[str, str]]:
    names = [_cell(name) for name in header]
    found = []
    for row in rows:
        values = [_cell(value) for value in row]
        if any(values):
            found.append({n: v for n, v in zip(names, values, strict=False) if n})
    return found


def parse_file(name: str, content: bytes) -> Batch:
    """The records and history entries of an uploaded file (refused naming the field "file")."""
    kind = name.rsplit(".", 1)[-1].casefold() if "." in name else ""
    if kind == "json":
        try:
            data = json.loads(content.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            raise _bad("file", UNREADABLE % {"kind": "JSON"}) from None
        if isinstance(data, list):
            return data, []
        if isinstance(data, dict):
            return list(data.get("records") or []), list(data.get("history") or [])
        raise _bad("file", UNREADABLE % {"kind": "JSON"})
    if kind == "csv":
        try:
            reader = csv.reader(io.StringIO(content.decode("utf-8-sig")))
            lines = list(reader)
        except (UnicodeDecodeError, csv.Error):
            raise _bad("file", UNREADABLE % {"kind": "CSV"}) from None
        return (_rows(lines[0], lines[1:]) if lines else []), []
    if kind == "xlsx":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many types for a file that is not XLSX
            raise _bad("file", UNREADABLE % {"kind": "XLSX"}) from None
        sheets = {sheet.title: sheet for sheet in book.worksheets}
        found: dict[str, list[dict[str, str]]] = {}
        for title, key in (("HoSo", "records"), ("TienDo", "history")):
            sheet = sheets.get(title) or (book.worksheets[0] if key == "records" else None)
            if sheet is None:
                found[key] = []
                continue
            rows = list(sheet.iter_rows(values_only=True))
            found[key] = _rows(list(rows[0]), rows[1:]) if rows else []
        return found["records"], found["history"]
    raise _bad("file", WRONG_KIND)


@transaction.atomic
def inbound_job_create(
    *, actor: User, agency: Agency, source: str, name: str, content: bytes
) -> InboundImport:
    """Store the uploaded file and queue its import (after commit)."""
    source = source.strip()
    if not source or len(source) > SOURCE_LENGTH:
        raise _bad("source", SOURCE_REQUIRED)
    kind = name.rsplit(".", 1)[-1].casefold() if "." in name else ""
    if kind not in ("json", "csv", "xlsx"):
        raise _bad("file", WRONG_KIND)
    job = InboundImport(agency=agency, source=source, created_by=actor, file_name=name[:255])
    job.file.save(name, ContentFile(content), save=False)
    job.save()
    audit_record(
        actor=actor,
        action="integrations.import_queue",
        target=job,
        agency=agency,
        after={"file": name, "source": source},
    )

    def enqueue() -> None:
        from .tasks import inbound_file_task

        inbound_file_task(job.pk)

    transaction.on_commit(enqueue)
    return job


def inbound_job_run(*, job_id: int) -> InboundImport:
    """Run a queued import, recording its progress and outcome on the job row."""
    job = InboundImport.objects.select_related("agency", "created_by").get(pk=job_id)
    if job.is_finished:
        return job
    rows = InboundImport.objects.filter(pk=job.pk)
    rows.update(status=InboundStatus.RUNNING)

    def progress(done: int, total: int) -> None:
        rows.update(done=done, total=total)

    try:
        with job.file.open("rb") as handle:
            records, history = parse_file(job.file_name, handle.read())
        result = inbound_import(
            agency=job.agency,
            source=job.source,
            records=records,
            history=history,
            actor=job.created_by,
            progress=progress,
        )
    except ValidationFailed as error:
        messages = [m for ms in error.details.values() for m in ms] or [str(error.message)]
        rows.update(status=InboundStatus.FAILED, messages=messages[:500])
    except Exception:
        logger.exception("dossier import %s failed", job.pk)
        rows.update(
            status=InboundStatus.FAILED,
            messages=[_("The import stopped on an unexpected error; nothing was imported.")],
        )
    else:
        rows.update(status=InboundStatus.DONE, result=result.as_dict())
    job.refresh_from_db()
    return job
