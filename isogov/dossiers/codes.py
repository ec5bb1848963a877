"""Dossier codes (mã hồ sơ). Pure formatting and parsing; the sequence comes from the database.

Circular 01/2018/TT-VPCP art. 19: ``<agency electronic identifier>-YYMMDD-XXXX`` with a 4-digit
sequence within the day, e.g. ``000.00.14.H20-200703-0002``. Circular 04/2025/TT-VPCP:
``<agency>-YYMMDD-AAXXXX``, AA the owning system's 2-digit identifier and XXXX at least 4
digits, growing as needed (vn-one-stop-rules.md §3).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .rulesets import CodeFormat

MAX_DAILY_SEQUENCE_01_2018 = 9999

_PATTERNS = {
    CodeFormat.CIRCULAR_01_2018: re.compile(
        r"^(?P<agency>[0-9A-Za-z.]+)-(?P<date>\d{6})-(?P<system>)(?P<seq>\d{4})$"
    ),
    CodeFormat.CIRCULAR_04_2025: re.compile(
        r"^(?P<agency>[0-9A-Za-z.]+)-(?P<date>\d{6})-(?P<system>\d{2})(?P<seq>\d{4,})$"
    ),
}


class SequenceExhausted(ValueError):
    """More dossiers in one day than the code format can number."""


@dataclass(frozen=True)
class ParsedCode:
    agency_code: str
    received_on: dt.date
    system_id: str
    sequence: int


def dossier_code(
    *,
    code_format: CodeFormat,
    agency_code: str,
    received_on: dt.date,
    sequence: int,
    system_id: str = "00",
) -> str:
    """The code of the ``sequence``-th dossier received by an agency on a day (1-based)."""
    if sequence < 1:
        raise ValueError("the sequence starts at 1")
    date_part = received_on.strftime("%y%m%d")
    if code_format == CodeFormat.CIRCULAR_01_2018:
        if sequence > MAX_DAILY_SEQUENCE_01_2018:
            raise SequenceExhausted(
                f"Circular 01/2018 codes allow {MAX_DAILY_SEQUENCE_01_2018} dossiers a day"
            )
        return f"{agency_code}-{date_part}-{sequence:04d}"
    if not re.fullmatch(r"\d{2}", system_id):
        raise ValueError("the system identifier has two digits")
    return f"{agency_code}-{date_part}-{system_id}{sequence:04d}"


def parse_dossier_code(code: str, *, code_format: CodeFormat) -> ParsedCode | None:
    """Split a code into its parts; ``None`` when it is not a code of this format."""
    match = _PATTERNS[code_format].match(code.strip())
    if match is None:
        return None
    try:
        received_on = dt.datetime.strptime(match["date"], "%y%m%d").date()
    except ValueError:
        return None
    return ParsedCode(match["agency"], received_on, match["system"], int(match["seq"]))


@dataclass(frozen=True)
class ReferenceKind:
    """What a reference numbers instead of a dossier code, and its series (counter scope)."""

    prefix: str
    scope: str


# A visit refused or returned at the desk (form 02 or 03 at intake) is not received, so it takes
# no dossier code and no number of the day's series (Circular 01/2018 art. 19): a slip number.
SLIP = ReferenceKind("PT", "slip")
# An online submission before the desk accepts it (Decree 118/2025 art. 17.2–17.3: not received
# yet); the dossier code, with the receipt date, is given at acceptance.
ONLINE = ReferenceKind("TT", "online")


def reference(*, agency_code: str, kind: ReferenceKind, year: int, sequence: int) -> str:
    """``<agency>-PT-2026-0001``: unique across agencies; no date segment, so it is never
    mistaken for a dossier code. ``short_reference`` gives the slip number printed on the form.
    """
    if sequence < 1:
        raise ValueError("the sequence starts at 1")
    return f"{agency_code}-{kind.prefix}-{year}-{sequence:04d}"


def short_reference(value: str) -> str:
    """The slip number without the agency identifier: ``PT-2026-0001``."""
    parts = value.rsplit("-", 3)
    return "-".join(parts[1:]) if len(parts) == 4 else value
