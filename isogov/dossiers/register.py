"""The register (sổ theo dõi hồ sơ, form 06; 07 under Circular 03/2025) as PDF and XLSX.

One book per agency and year, pages numbered, lines restarting at 01 each year (Circular
01/2018 art. 10). ``register_data`` reads the stored records (received dossiers, their step log,
apologies and clock stops); the renderers are pure. The printed text is the legal form's own
Vietnamese and is deliberately not translated; the errors a user reads are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db.models import BooleanField, Prefetch, QuerySet, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency
from isogov.core import clock
from isogov.core.documents.csvfile import csv_stream
from isogov.core.documents.pdf import FONT, Document, render_document, table
from isogov.core.documents.text import nfc, vn_short_date, vn_short_datetime
from isogov.core.documents.xlsx import xlsx_bytes, xlsx_stream
from isogov.core.errors import ValidationFailed
from isogov.core.sql import read_once

from .deadlines import Outcome
from .models import ClockStop, Dossier, DossierStep, Extension, StepKind
from .pdf.forms import Form, form_number_and_title
from .rulesets import RULE_SETS, FormSet, ruleset_in_force
from .search import search_filter

# The oldest year anyone may ask for, before the rule-set check says more: keeps absurd input
# (-1, 1, 10000, twenty digits) away from the database's date functions.
OLDEST_YEAR = 2000
CHUNK_ROWS = 2000  # dossiers read per query when the register is streamed
# The register exists from the first one-stop rule set (Decree 61/2018, in force 21/6/2018).
FIRST_REGISTER_YEAR = min(ruleset.effective_from for ruleset in RULE_SETS).year

_INTEGER = re.compile(r"-?[0-9]+")

YEAR_NOT_A_NUMBER = _("The year must be a number such as 2026, not “%(value)s”.")
YEAR_OUT_OF_RANGE = _("The year %(year)s is outside the register's range (%(first)s–%(last)s).")
YEAR_BEFORE_RULES = _(
    "There is no register for %(year)s: the one-stop rules (Decree 61/2018) and their register "
    "start in %(first)s."
)


@dataclass(frozen=True)
class RegisterRow:
    """One line of the register; lines restart at 1 each year."""

    line: int
    dossier_code: str
    procedure: str
    sets: int  # số lượng hồ sơ (bộ)
    applicant: str
    address_phone: str
    lead_agency: str  # cơ quan chủ trì giải quyết: the lead unit, not whoever holds it now
    received_at: dt.datetime
    # The appointment of the receipt (form 01); None while no appointment stands (clock stopped).
    appointment_at: dt.datetime | None
    transferred_at: dt.datetime | None  # handed from the desk to the handling unit
    result_back_at: dt.datetime | None  # the result came back to the desk
    returned_at: dt.datetime | None
    how_collected: str  # hình thức nhận kết quả: trực tiếp, bưu chính, trực tuyến …
    note: str = ""


@dataclass(frozen=True)
class RegisterData:
    """Sổ theo dõi hồ sơ: one book per agency and year."""

    agency_name: str
    year: int
    rows: list[RegisterRow]


# --- the year asked for ---------------------------------------------------------------------


def register_year(value: str | None) -> int:
    """The register year from a query string; the current year when none is given.

    Raises ``ValidationFailed`` naming the field ``year`` for anything that is not a year the
    register can have: not a number, outside 2000–next year, or before the first rule set.
    """
    today = clock.today()
    text = (value or "").strip()
    if not text:
        return today.year
    if not _INTEGER.fullmatch(text):
        message = YEAR_NOT_A_NUMBER % {"value": text[:20]}
        raise ValidationFailed(message, details={"year": [message]})
    last = today.year + 1
    # Compared as text first when long: int() of a huge number is not worth the work.
    year = int(text) if len(text) <= 6 else None
    if year is None or not OLDEST_YEAR <= year <= last:
        message = YEAR_OUT_OF_RANGE % {
            "year": text[:24],
            "first": FIRST_REGISTER_YEAR,
            "last": last,
        }
        raise ValidationFailed(message, details={"year": [message]})
    if year < FIRST_REGISTER_YEAR:
        message = YEAR_BEFORE_RULES % {"year": year, "first": FIRST_REGISTER_YEAR}
        raise ValidationFailed(message, details={"year": [message]})
    return year


REGISTER_PAGE_ROWS = 50
NOT_IN_RANGE = _("“%(value)s” is not a number from %(low)s to %(high)s.")


def register_number(value: str | None, *, field: str, low: int, high: int) -> int | None:
    """A whole number from a query string within ``low``–``high`` (``None`` when not given);
    ``ValidationFailed`` naming ``field`` otherwise."""
    text = (value or "").strip()
    if not text:
        return None
    if not _INTEGER.fullmatch(text) or len(text) > 6 or not low <= int(text) <= high:
        message = NOT_IN_RANGE % {"value": text[:20], "low": low, "high": high}
        raise ValidationFailed(message, details={field: [message]})
    return int(text)


@dataclass(frozen=True)
class MonthTotals:
    """One month of a register, counted by the database: the dossiers received, and for the
    month on the page also how many of them are finished, returned and late (``None`` for the
    other months: counting those reads every dossier of the year, issue 15)."""

    month: int
    received: int
    finished: int | None = None
    returned: int | None = None
    late: int | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.received // REGISTER_PAGE_ROWS))


def page_window(page: int, last: int, around: int = 3) -> list[int | None]:
    """The page links to print: the first and last pages and ``around`` each side of ``page``,
    ``None`` for each gap (a month of 90,000 dossiers has 1,800 pages: linking every one cost
    most of the page's time)."""
    shown = sorted({1, last, *range(max(1, page - around), min(last, page + around) + 1)})
    window: list[int | None] = []
    for number in shown:
        if window and number - (window[-1] or 0) > 1:
            window.append(None)
        window.append(number)
    return window


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of ``month`` of ``year`` and of the month after (Vietnam time)."""
    start = dt.datetime(year, month, 1, tzinfo=clock.LOCAL_TZ)
    end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=clock.LOCAL_TZ)
    return start, end


def register_month_totals(
    month_of: Callable[[int], QuerySet[Dossier]],
) -> dict[int, MonthTotals]:
    """How many dossiers of the register were received in each month (Vietnam time), from
    ``month_of(month)``, the register narrowed to one month (``register_query``).

    One count per month over a range of ``received_at`` (the month's bounds as aware datetimes,
    computed in Python), read from the index ``dossier_agency_received`` alone: no function of
    each row (on SQLite the time-zone conversion of ``ExtractMonth`` is Python code called once
    per dossier, seconds for a year of a million) and no read of the table. The month's range
    only, never inside the year's: given both, SQLite walks the index over the year's range.
    """
    return {m: MonthTotals(m, n) for m, n in month_counts(month_of, range(1, 13)).items()}


def month_counts(
    month_of: Callable[[int], QuerySet[Dossier]], months: Iterable[int]
) -> dict[int, int]:
    """How many dossiers ``month_of(month)`` holds for each of ``months``, one count each."""
    return {month: month_of(month).order_by().count() for month in months}


def _late() -> RawSQL:
    """``outcome = 'late'`` written as the partial index ``dossier_register_late`` states it:
    SQLite matches no bound parameter to a partial index's literal (``queues.is_open``)."""
    assert Outcome.LATE.value.isidentifier()
    sql = f'"dossiers_dossier"."outcome" = \'{Outcome.LATE.value}\''
    return RawSQL(sql, [], output_field=BooleanField())  # noqa: S611 (no user input)


def register_month_details(
    dossiers: QuerySet[Dossier], month: int, received: int | None = None
) -> MonthTotals:
    """One month of the register (``dossiers``) counted in full: received, finished, returned
    and late; ``received`` when the month's receipts are counted already.

    Each figure is read from an index of the few it names, not from the month's rows: finished
    is the receipts minus those not finished (``dossier_agency_open``), returned the receipts
    minus those not returned (``dossier_register_unreturned``), late through
    ``dossier_register_late``. At 1,000,000 dossiers a month holds ~93,000 receipts, of which
    ~11,000 unfinished, ~14,000 not returned, ~3,500 late.
    """
    if received is None:
        received = dossiers.order_by().count()
    unfinished = dossiers.filter(finished_at__isnull=True).order_by().count()
    unreturned = dossiers.filter(returned_at__isnull=True).order_by().count()
    late = dossiers.filter(_late()).order_by().count()
    return MonthTotals(month, received, received - unfinished, received - unreturned, late)


def register_month_page(dossiers: QuerySet[Dossier], page: int) -> list[Dossier]:
    """The ``page``-th 50 dossiers of one month of the register (``dossiers``), in register
    order.

    The page's ids are chosen first from the index ``dossier_agency_received`` (agency,
    receipt, register line) alone, the month's range of it read and its lowest lines kept; only
    those 50 dossiers are then read, by primary key, with their related rows.
    """
    size = REGISTER_PAGE_ROWS
    ids = list(
        dossiers.order_by("register_line", "id").values_list("id", flat=True)[
            (page - 1) * size : page * size
        ]
    )
    found = Dossier.objects.select_related("agency", "current_step", "handling_unit").in_bulk(ids)
    return [found[pk] for pk in ids]


def register_form_set(year: int) -> FormSet:
    """The form set of a year's register: the rule set's in force at the end of that year (or
    today, for the current year)."""
    try:
        return ruleset_in_force(min(clock.today(), dt.date(year, 12, 31))).form_set
    except LookupError as error:
        message = YEAR_BEFORE_RULES % {"year": year, "first": FIRST_REGISTER_YEAR}
        raise ValidationFailed(message, details={"year": [message]}) from error


# --- from the records -----------------------------------------------------------------------


def lead_unit(steps: Sequence[DossierStep]) -> str:
    """The unit of the first counted step outside the one-stop desk (Decree 61/2018 art. 19.6:
    "cơ quan chủ trì"); "" when the process names none."""
    for step in steps:
        if step.is_counted and step.unit is not None and not step.unit.is_one_stop:
            return step.unit.name
    return ""


def _result_back_at(steps: Sequence[DossierStep]) -> dt.datetime | None:
    """When the result came back to the desk: the start of the return step (the last step at
    the one-stop desk, or the uncounted last step)."""
    for step in reversed(steps[1:]):
        if not step.is_counted or (step.unit is not None and step.unit.is_one_stop):
            return step.received_at
    return None


def apology_notes(extensions: Sequence[Extension]) -> list[str]:
    """The "Ghi chú" lines: each new appointment with the date of the apology that set it."""
    return [
        f"Hẹn lại: {vn_short_datetime(extension.new_due_at)} "
        f"(phiếu xin lỗi ngày {vn_short_date(extension.created_at)})"
        for extension in extensions
    ]


def _note(extensions: Sequence[Extension], stops: Sequence[ClockStop]) -> str:
    """The "Ghi chú" cell: the apologies' new appointments, and an open clock stop."""
    lines = apology_notes(extensions)
    lines += [
        f"Dừng tính thời gian từ {vn_short_date(stop.started_at)} (chờ bổ sung hồ sơ)"
        for stop in stops
        if stop.ended_at is None
    ]
    return "\n".join(lines)


def original_appointment(dossier: Dossier, extensions: Sequence[Extension]) -> dt.datetime | None:
    """The appointment as the receipt (form 01) printed it: an apology never rewrites it."""
    if extensions:
        return extensions[0].previous_due_at
    return dossier.promised_due_at


def _how_collected(dossier: Dossier) -> str:
    """How the result was collected, and by whom or under which postal tracking number."""
    if dossier.returned_at is None:
        return ""
    proof = dossier.result_tracking_number or dossier.result_collector_name
    method = str(dossier.get_return_method_display())
    return f"{method}: {proof}" if proof else method


def _prefetches() -> tuple[Prefetch, ...]:
    return (
        Prefetch(
            "steps",
            queryset=DossierStep.objects.filter(kind=StepKind.PROCESS)
            .select_related("unit")
            .order_by("order", "id"),
            to_attr="register_steps",
        ),
        Prefetch(
            "extensions", queryset=Extension.objects.order_by("created_at", "id"), to_attr="moves"
        ),
        Prefetch("clock_stops", queryset=ClockStop.objects.order_by("started_at"), to_attr="stops"),
    )


def _register_row(d: Dossier, agency: Agency) -> RegisterRow:
    steps: list[DossierStep] = d.register_steps  # type: ignore[attr-defined]
    moves: list[Extension] = d.moves  # type: ignore[attr-defined]
    assert d.received_at is not None
    return RegisterRow(
        line=d.register_line or 0,
        dossier_code=d.code,
        procedure=d.procedure_name,
        sets=d.sets_count,
        applicant=d.applicant_name,
        address_phone=" · ".join(x for x in (d.applicant_address, d.applicant_phone) if x),
        lead_agency=lead_unit(steps) or agency.name,
        received_at=d.received_at,
        appointment_at=original_appointment(d, moves),
        transferred_at=steps[0].finished_at if steps else None,
        result_back_at=_result_back_at(steps),
        returned_at=d.returned_at,
        how_collected=_how_collected(d),
        note=_note(moves, d.stops),  # type: ignore[attr-defined]
    )


def register_data(*, agency: Agency, year: int, dossiers: list[Dossier]) -> RegisterData:
    """The register's rows from the received dossiers (three extra queries in all)."""
    prefetch_related_objects(dossiers, *_prefetches())
    rows = [_register_row(d, agency) for d in dossiers if d.received_at is not None]
    return RegisterData(agency_name=agency.name, year=year, rows=rows)


def register_query(
    qs: QuerySet[Dossier], *, agency: Agency, year: int, q: str, month: int | None = None
) -> QuerySet[Dossier]:
    """``qs`` narrowed to the agency's register of ``year`` (received dossiers, ``q`` searched
    as the search page searches), or of one ``month`` of it, in register order."""
    if month is None:
        start, end = month_bounds(year, 1)[0], month_bounds(year, 12)[1]
    else:
        start, end = month_bounds(year, month)
    qs = qs.filter(
        agency=agency, register_line__isnull=False, received_at__gte=start, received_at__lt=end
    )
    return search_filter(qs, q).order_by("register_line")


def register_rows(*, agency: Agency, dossiers: QuerySet[Dossier]) -> Iterator[RegisterRow]:
    """The register's rows read in chunks (three extra queries per chunk) under a small SQLite
    page cache from the first row (``core.sql.read_once``): constant memory. SQLite sorts the
    year's dossiers into line order when the first row is asked for, in memory up to the
    cache's size: under the connection's 256 MiB the year of 923,580 rows peaked at 706 MB,
    211 MB under the small cache (docs/benchmarks.md)."""
    queryset = dossiers.prefetch_related(*_prefetches())
    for d in read_once(queryset.iterator(chunk_size=CHUNK_ROWS), after=0):
        if d.received_at is not None:
            yield _register_row(d, agency)


# --- rendering ------------------------------------------------------------------------------

REGISTER_HEADINGS = (
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Số lượng hồ sơ (bộ)",
    "Tên tổ chức, cá nhân",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Nhận hồ sơ",
    "Hẹn trả kết quả",
    "Chuyển hồ sơ đến cơ quan giải quyết",
    "Nhận kết quả từ cơ quan giải quyết",
    "Trả kết quả",
    "Hình thức nhận kết quả",
    "Ký nhận",
    "Ghi chú",
)
# Millimetres on A4 landscape (277 mm between margins); a Circular 01/2018 code fits on one
# line at 6.5 pt, a longer Circular 04/2025 code wraps at its hyphens.
REGISTER_PDF_WIDTHS = (8, 36, 30, 10, 24, 22, 20, 16, 16, 16, 16, 16, 14, 11, 22)
REGISTER_XLSX_WIDTHS = (6, 26, 40, 9, 28, 30, 26, 17, 17, 17, 17, 17, 16, 12, 30)
REGISTER_PDF_POINTS = 6.5


def _stacked(value: dt.datetime | None) -> str:
    return vn_short_datetime(value).replace(" ", "\n") if value else ""


def _register_values(row: RegisterRow) -> tuple[str, ...]:
    return (
        f"{row.line:02d}",
        row.dossier_code,
        row.procedure,
        f"{row.sets:02d}",
        row.applicant,
        row.address_phone,
        row.lead_agency,
        _stacked(row.received_at),
        _stacked(row.appointment_at),
        _stacked(row.transferred_at),
        _stacked(row.result_back_at),
        _stacked(row.returned_at),
        row.how_collected,
        "",
        row.note,
    )


def render_register_pdf(
    data: RegisterData, *, form_set: FormSet | str = FormSet.CIRCULAR_01_2018
) -> bytes:
    """Sổ theo dõi hồ sơ, A4 landscape, pages numbered (Circular 01/2018 art. 10)."""
    number, title = form_number_and_title(Form.REGISTER, form_set)

    def build(pdf: Document) -> None:
        pdf.set_font(FONT, "B", 9)
        pdf.cell(
            pdf.epw, 5, nfc(data.agency_name.upper()), align="L", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.gap(2)
        pdf.centred(title, bold=True, size=13)
        pdf.centred(f"Năm {data.year}", bold=True)
        pdf.gap(2)
        table(
            pdf,
            REGISTER_HEADINGS,
            [_register_values(row) for row in data.rows],
            col_widths=REGISTER_PDF_WIDTHS,
            align=("C", "L", "L", "C", "L", "L", "L", "C", "C", "C", "C", "C", "L", "C", "L"),
            size=REGISTER_PDF_POINTS,
        )

    return render_document(
        build,
        corner_label=f"Mẫu số {number}",
        title=f"{title} {data.year}",
        page_format="A4",
        orientation="landscape",
        always_number_pages=True,
        continuation=f"Sổ theo dõi hồ sơ năm {data.year} – {data.agency_name} (tiếp theo)",
    )


def _xlsx_values(row: RegisterRow) -> tuple[object, ...]:
    return (
        row.line,
        row.dossier_code,
        row.procedure,
        row.sets,
        row.applicant,
        row.address_phone,
        row.lead_agency,
        row.received_at,
        row.appointment_at,
        row.transferred_at,
        row.result_back_at,
        row.returned_at,
        row.how_collected,
        None,
        row.note,
    )


def _xlsx_title(agency_name: str, year: int, form_set: FormSet | str) -> list[list[object]]:
    number, title = form_number_and_title(Form.REGISTER, form_set)
    title_row: list[object] = [None] * len(REGISTER_HEADINGS)
    title_row[0] = f"{title} NĂM {year}"
    title_row[-1] = f"Mẫu số {number}"
    return [title_row, [agency_name]]


def register_xlsx(
    data: RegisterData, *, form_set: FormSet | str = FormSet.CIRCULAR_01_2018
) -> bytes:
    """The register as a spreadsheet: title in rows 1–2, the heading in row 3, one row per line."""
    return xlsx_bytes(
        sheet_title=f"Sổ theo dõi {data.year}",
        title_rows=_xlsx_title(data.agency_name, data.year, form_set),
        headings=REGISTER_HEADINGS,
        rows=(_xlsx_values(row) for row in data.rows),
        widths=REGISTER_XLSX_WIDTHS,
    )


def register_xlsx_stream(
    *,
    agency_name: str,
    year: int,
    rows: Iterable[RegisterRow],
    form_set: FormSet | str = FormSet.CIRCULAR_01_2018,
) -> Iterator[bytes]:
    """``register_xlsx`` in constant memory, in chunks (``StreamingHttpResponse``)."""
    return xlsx_stream(
        sheet_title=f"Sổ theo dõi {year}",
        title_rows=_xlsx_title(agency_name, year, form_set),
        headings=REGISTER_HEADINGS,
        rows=(_xlsx_values(row) for row in rows),
        widths=REGISTER_XLSX_WIDTHS,
    )


def register_csv_stream(*, rows: Iterable[RegisterRow]) -> Iterator[bytes]:
    """The register's columns as CSV, one row per line, in chunks."""
    return csv_stream(headings=REGISTER_HEADINGS, rows=(_xlsx_values(row) for row in rows))
