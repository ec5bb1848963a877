"""A streaming CSV writer that neutralises formula injection, as the XLSX writer does.

Excel and LibreOffice run a CSV cell that starts with ``=``, ``+``, ``-`` or ``@`` (also after
leading blanks, a tab or a carriage return) as a formula; such text gets a leading apostrophe
(``xlsx.safe_value``). UTF-8 with a byte-order mark, so Excel shows Vietnamese correctly;
datetimes as Vietnam wall-clock time ``dd/mm/yyyy HH:MM``, dates ``dd/mm/yyyy``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from isogov.core.documents.xlsx import CHUNK, safe_value

BOM = "\ufeff"


def csv_text(value: Any) -> str:
    """One cell as CSV text."""
    value = safe_value(value)  # aware datetimes become Vietnam wall-clock time
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def csv_stream(*, headings: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """The heading row and ``rows`` as UTF-8 CSV, yielded in chunks of about 64 KiB."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow([csv_text(text) for text in headings])
    for values in rows:
        writer.writerow([csv_text(value) for value in values])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
