"""Personal data out of the logs (ASVS 7.1.1): a filter that masks it in every record.

Phone numbers, ID numbers (9-digit CMND, 12-digit CCCD) and the values of secret-bearing
query parameters are replaced before a record is written, whatever logged them: our code,
Django ("Not Found: …") or a library.
"""

from __future__ import annotations

import logging
import re

# Vietnamese phones: 0 or +84 followed by 9 digits (spaces or dots allowed inside); ID numbers.
_PHONE = re.compile(r"(?<![0-9A-Za-z])(?:\+?84|0)(?:[\s.]?\d){9}(?![0-9A-Za-z])")
_ID = re.compile(r"(?<![0-9A-Za-z])(?:\d{12}|\d{9})(?![0-9A-Za-z])")
_SECRET_PARAMS = re.compile(
    r"(?i)\b(dien_thoai|phone|token|password|mat_khau|otp|code|id_number)=([^&\s\"']+)"
)


def redact(text: str) -> str:
    text = _SECRET_PARAMS.sub(lambda m: f"{m.group(1)}=***", text)
    text = _PHONE.sub(lambda m: m.group(0)[:3] + "*****" + m.group(0)[-2:], text)
    return _ID.sub(lambda m: "*" * (len(m.group(0)) - 3) + m.group(0)[-3:], text)


class RedactPersonalData(logging.Filter):
    """Formats the record's message once, masks it, and keeps only the masked text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        record.msg, record.args = redact(message), None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
