"""The register of a year as a file built by the background worker (issue 15 §3).

A year's register can hold fifty thousand rows: too many to build inside a request. The page
queues a ``RegisterExport``; the Huey task ``register_export_task`` builds the file, recording
its progress on the row (the page polls it with htmx), and the page then offers the download.

Both files are written in constant memory, ``CHUNK_ROWS`` dossiers read at a time
(``register.register_rows``):

- **XLSX**: the sheet's XML streamed into the zip as the rows come (``register_xlsx_stream``,
  ``core.documents.xlsx``); text that a spreadsheet would run as a formula is written as text.
- **PDF**: ``PDF_CHUNK_ROWS`` rows at a time are laid out into a PDF of their own, the pages
  numbered on from the previous part, and each part is copied to the file as soon as it is
  laid out (``core.documents.pdfjoin``): one part is in memory at a time. fpdf2's ``table`` (and
  ``multi_cell``) lay every cell out in full, twice for a table; here a cell is broken into
  lines with each character's width measured once (``_Measure``) and the lines are drawn as
  plain text.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO

from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet

from isogov.accounts.models import Agency, User
from isogov.core import clock
from isogov.core.documents.pdf import FONT, Document
from isogov.core.documents.pdfjoin import PdfJoin
from isogov.core.documents.text import nfc

from .models import Dossier, RegisterExport, RegisterExportStatus
from .pdf.forms import Form, form_number_and_title
from .register import (
    REGISTER_HEADINGS,
    REGISTER_PDF_POINTS,
    REGISTER_PDF_WIDTHS,
    RegisterRow,
    _register_values,
    register_form_set,
    register_query,
    register_rows,
    register_xlsx_stream,
)
from .rulesets import FormSet

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 500
PDF_CHUNK_ROWS = 2000
_ALIGN = ("C", "L", "L", "C", "L", "L", "L", "C", "C", "C", "C", "C", "L", "C", "L")
_PAD_X, _PAD_Y = 1.0, 0.8
_LINE_MM = 3.5 * REGISTER_PDF_POINTS / 7.5


def register_dossiers(*, agency: Agency, year: int, q: str = "") -> QuerySet[Dossier]:
    """The received dossiers of the agency's register for ``year``, in register order (the
    request was checked when it was made: the register is the agency's own)."""
    return register_query(Dossier.objects.all(), agency=agency, year=year, q=q)


@transaction.atomic
def register_export_request(
    *, actor: User, agency: Agency, year: int, kind: str, q: str = ""
) -> RegisterExport:
    """Queue the year's register as ``kind`` (pdf or xlsx), or return the same request still
    queued or being built (a second click does not build it twice)."""
    pending = RegisterExport.objects.filter(
        agency=agency,
        year=year,
        kind=kind,
        q=q,
        status__in=(RegisterExportStatus.QUEUED, RegisterExportStatus.RUNNING),
    ).first()
    if pending is not None:
        return pending
    job = RegisterExport.objects.create(
        agency=agency, year=year, kind=kind, q=q[:200], requested_by=actor
    )

    def enqueue() -> None:
        from .tasks import register_export_task

        register_export_task(job.pk)

    transaction.on_commit(enqueue)
    return job


def _counted(rows: Iterator[RegisterRow], job_id: int, total: int) -> Iterator[RegisterRow]:
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % PROGRESS_EVERY == 0:
            RegisterExport.objects.filter(pk=job_id).update(done=done)
    RegisterExport.objects.filter(pk=job_id).update(done=done, total=max(total, done))


def register_export_run(*, job_id: int) -> RegisterExport:
    """Build the file of a queued request, recording progress and the outcome on its row."""
    job = RegisterExport.objects.select_related("agency").get(pk=job_id)
    if job.is_finished:
        return job
    dossiers = register_dossiers(agency=job.agency, year=job.year, q=job.q)
    total = dossiers.count()
    RegisterExport.objects.filter(pk=job.pk).update(
        status=RegisterExportStatus.RUNNING, total=total, done=0
    )
    rows = _counted(
        register_rows(agency=job.agency, dossiers=dossiers),
        job.pk,
        total,
    )
    form_set = register_form_set(job.year)
    name = f"so-theo-doi-{job.year}.{job.kind}"
    try:
        with tempfile.TemporaryFile() as handle:
            if job.kind == "xlsx":
                for chunk in register_xlsx_stream(
                    agency_name=job.agency.name, year=job.year, rows=rows, form_set=form_set
                ):
                    handle.write(chunk)
            else:
                write_register_pdf(
                    handle, agency_name=job.agency.name, year=job.year, rows=rows, form_set=form_set
                )
            handle.seek(0)
            job.file.save(name, File(handle, name=name), save=False)
    except Exception:
        logger.exception("register file %s failed", job.pk)
        RegisterExport.objects.filter(pk=job.pk).update(
            status=RegisterExportStatus.FAILED, finished_at=clock.now()
        )
    else:
        RegisterExport.objects.filter(pk=job.pk).update(
            status=RegisterExportStatus.DONE, file=job.file.name, finished_at=clock.now()
        )
    job.refresh_from_db()
    return job


class _RegisterPages(Document):
    """One part of the register PDF: its pages numbered on from ``first_page``."""

    def __init__(self, *, first_page: int, corner_label: str, continuation: str, title: str):
        self.first_page = first_page
        super().__init__(
            page_format="A4",
            orientation="landscape",
            corner_label=corner_label,
            title=title,
            number_pages=True,
            continuation=continuation,
        )
        self.set_auto_page_break(auto=False, margin=11)

    @property
    def page_number(self) -> int:
        return self.first_page + self.page_no() - 1

    def header(self) -> None:
        text = self.corner_label if self.page_number == 1 else self.continuation
        self.set_font(FONT, "B" if self.page_number == 1 else "", 7)
        self.set_xy(self.l_margin, 4)
        self.cell(self.epw, 4, nfc(text), align="R" if self.page_number == 1 else "L")
        self.set_xy(self.l_margin, self.t_margin)

    def footer(self) -> None:
        self.set_y(-9)
        self.set_font(FONT, size=7)
        self.cell(0, 4, f"Trang {self.page_number}", align="C")

    def bottom(self) -> float:
        return self.h - 11


class _Measure:
    """Line breaking with each character's width measured once per font style: the register's
    cells are short texts in one size, so a dictionary lookup per character replaces fpdf2's
    full layout of every cell."""

    def __init__(self, pdf: Document) -> None:
        self.pdf = pdf
        self.widths: dict[tuple[str, str], float] = {}

    def width(self, text: str) -> float:
        style = self.pdf.font_style
        total = 0.0
        for ch in text:
            w = self.widths.get((style, ch))
            if w is None:
                w = self.widths[style, ch] = self.pdf.get_string_width(ch)
            total += w
        return total

    def lines(self, width: float, text: str) -> list[str]:
        room = width - 2 * _PAD_X
        out: list[str] = []
        for paragraph in nfc(text).split("\n"):
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                if self.width(candidate) <= room:
                    line = candidate
                    continue
                if line:
                    out.append(line)
                line = ""
                while self.width(word) > room:  # a word wider than the cell: cut it
                    cut = len(word) - 1
                    while cut > 1 and self.width(word[:cut]) > room:
                        cut -= 1
                    dash = word.rfind("-", 0, cut)
                    cut = dash + 1 if dash > 0 else cut
                    out.append(word[:cut])
                    word = word[cut:]
                line = word
            out.append(line)
        while out and not out[-1]:
            out.pop()
        return out


def _draw_row(
    pdf: Document,
    measure: _Measure,
    cells: Sequence[list[str]],
    *,
    height: float,
    fill: bool = False,
) -> None:
    x, y = pdf.l_margin, pdf.get_y()
    baseline = _LINE_MM * 0.72
    for width, lines, align in zip(REGISTER_PDF_WIDTHS, cells, _ALIGN, strict=True):
        pdf.rect(x, y, width, height, style="DF" if fill else "D")
        top = y + (height - len(lines) * _LINE_MM) / 2
        for number, line in enumerate(lines):
            left = x + _PAD_X
            if align == "C":
                left = x + (width - measure.width(line)) / 2
            pdf.text(left, top + number * _LINE_MM + baseline, line)
        x += width
    pdf.set_xy(pdf.l_margin, y + height)


def _heading(pdf: Document, measure: _Measure) -> None:
    pdf.set_font(FONT, "B", REGISTER_PDF_POINTS)
    cells = [
        measure.lines(w, h) for w, h in zip(REGISTER_PDF_WIDTHS, REGISTER_HEADINGS, strict=True)
    ]
    pdf.set_fill_color(235, 235, 235)  # as HEADING_STYLE
    height = max(len(c) for c in cells) * _LINE_MM + 2 * _PAD_Y
    _draw_row(pdf, measure, cells, height=height, fill=True)
    pdf.set_font(FONT, "", REGISTER_PDF_POINTS)


def _part(
    rows: Sequence[RegisterRow],
    *,
    first_page: int,
    agency_name: str,
    year: int,
    form_set: FormSet | str,
) -> tuple[bytes, int]:
    """The PDF of ``rows`` with its pages numbered from ``first_page``; (bytes, pages)."""
    number, title = form_number_and_title(Form.REGISTER, form_set)
    pdf = _RegisterPages(
        first_page=first_page,
        corner_label=f"Mẫu số {number}",
        continuation=f"Sổ theo dõi hồ sơ năm {year} – {agency_name} (tiếp theo)",
        title=f"{title} {year}",
    )
    if first_page == 1:
        pdf.set_font(FONT, "B", 9)
        pdf.cell(pdf.epw, 5, nfc(agency_name.upper()), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.gap(2)
        pdf.centred(title, bold=True, size=13)
        pdf.centred(f"Năm {year}", bold=True)
        pdf.gap(2)
    measure = _Measure(pdf)
    _heading(pdf, measure)
    for row in rows:
        cells = [
            measure.lines(width, value)
            for width, value in zip(REGISTER_PDF_WIDTHS, _register_values(row), strict=True)
        ]
        height = max(1, *(len(c) for c in cells)) * _LINE_MM + 2 * _PAD_Y
        if pdf.get_y() + height > pdf.bottom():
            pdf.add_page()
            _heading(pdf, measure)
        _draw_row(pdf, measure, cells, height=height)
    return bytes(pdf.output()), pdf.pages_count


def write_register_pdf(
    handle: IO[bytes],
    *,
    agency_name: str,
    year: int,
    rows: Iterable[RegisterRow],
    form_set: FormSet | str = FormSet.CIRCULAR_01_2018,
) -> int:
    """Write the register PDF of ``rows`` to ``handle`` in parts; how many pages.

    Each part is laid out in memory and copied at once to ``handle`` (``PdfJoin``): the memory
    holds one part, whatever the year's size."""
    joined = PdfJoin(handle, title=f"Sổ theo dõi hồ sơ {year} – {agency_name}")
    page = 1
    chunk: list[RegisterRow] = []

    def flush() -> None:
        nonlocal page, chunk
        body, pages = _part(
            chunk, first_page=page, agency_name=agency_name, year=year, form_set=form_set
        )
        chunk = []
        joined.append(body)
        page += pages

    for row in rows:
        chunk.append(row)
        if len(chunk) >= PDF_CHUNK_ROWS:
            flush()
    if chunk or page == 1:
        flush()
    joined.close()
    return page - 1
