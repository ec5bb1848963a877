"""A SHA-256 digest stored as its 32 bytes and handled in Python as 64 hex characters."""

from __future__ import annotations

from typing import Any

from django.db import models


class DigestField(models.BinaryField):
    """The database holds the raw digest (``bytea``/``BLOB``, 32 bytes instead of 64
    characters); Python code, the checkpoints and anything shown to people keep the hex form
    (issue 15 §4, ADR 0002). A hex string is accepted wherever a value is written or compared."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or isinstance(value, str):
            # SQLite keeps whatever was written: text here came from outside isogov, and is
            # returned as it is so that ``audit verify`` reports it instead of failing.
            return value
        return bytes(value).hex()

    def to_python(self, value: Any) -> Any:
        if isinstance(value, bytes | bytearray | memoryview):
            return bytes(value).hex()
        return value

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if isinstance(value, str):
            value = bytes.fromhex(value)
        return super().get_db_prep_value(value, connection, prepared)

    def value_to_string(self, obj: models.Model) -> str:
        return str(self.value_from_object(obj) or "")
