"""The one-stop forms' own layout pieces on top of ``core.documents.pdf``: the agency header
block and the applicant's fields."""

from __future__ import annotations

import datetime as dt

from isogov.core.documents.pdf import DOTS, Document, letterhead
from isogov.core.documents.text import place_and_date
from isogov.dossiers.pdf.data import DEFAULT_UNIT_NAME, AgencyHeader, Applicant


def header_block(
    pdf: Document,
    header: AgencyHeader,
    *,
    issuer: str,
    number: str | None,
    dated: dt.datetime | None,
) -> None:
    """Agency names left, national name and motto right; number and "place, date" under them.

    ``issuer`` is "unit" when the one-stop unit issues the form (its name in bold under the
    agency), "agency" when the head of the agency signs (agency in bold, unit left out).
    """
    lines: list[tuple[str, bool]] = []
    if header.parent_name:
        lines.append((header.parent_name.upper(), False))
    if issuer == "unit" and header.unit_name:
        lines.append((header.agency_name.upper(), False))
        lines.append((header.unit_name.upper(), True))
    else:
        lines.append((header.agency_name.upper(), True))
    letterhead(
        pdf,
        issuer_lines=lines,
        number=number,
        date_line=None if dated is None else place_and_date(header.place, dated),
    )


def applicant_fields(pdf: Document, applicant: Applicant, *, label: str) -> None:
    pdf.field(label, applicant.name, bold=True)
    if applicant.id_number:
        pdf.field("Số định danh cá nhân/Mã số doanh nghiệp:", applicant.id_number)
    pdf.field("Địa chỉ:", applicant.address)
    contact = applicant.phone or DOTS
    if applicant.email:
        contact = f"{contact}    Email: {applicant.email}"
    pdf.field("Số điện thoại:", contact)


def unit_in_text(header: AgencyHeader) -> str:
    """The issuing unit's name as it reads inside a sentence."""
    if header.unit_name == DEFAULT_UNIT_NAME:
        return "Bộ phận Tiếp nhận và Trả kết quả"
    return header.unit_name


def count(value: int | None) -> str:
    """A number of copies: ``1`` → ``"01"``, ``0`` → ``"-"``, unknown (None) → blank."""
    if value is None:
        return ""
    return f"{value:02d}" if value else "-"
