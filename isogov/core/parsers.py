"""The API's JSON parser: DRF's, with a nesting cap and errors in the API's shape.

Its own module because DRF reads ``DEFAULT_PARSER_CLASSES`` while ``rest_framework.views`` is
imported, so the parser must not import it (``core.api`` does).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers

from .errors import ValidationFailed

# The deepest JSON the API accepts. The deepest body it expects (a procedure version's
# channels' fees) is 5 levels; 100,000 levels made the standard parser raise RecursionError.
MAX_JSON_DEPTH = 32

BODY_TOO_DEEP = _("The JSON body is nested more than %(depth)d levels deep.")
BODY_NOT_JSON = _("The body is not valid JSON: %(problem)s")
BODY_NOT_TEXT = _("The body is not text in the declared encoding.")

_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def _body_error(message: str) -> ValidationFailed:
    return ValidationFailed(f"body: {message}", code="parse_error", details={"body": [message]})


def json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether the arrays and objects of ``text`` nest deeper than ``limit`` (strings skipped)."""
    depth = 0
    for bracket in _NOT_BRACKET.sub("", _JSON_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser refusing deep nesting before ``json`` recurses into it.

    The size is capped before parsing: DRF reads a JSON body through ``request.body``, which
    refuses more than Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (``exception_handler``: 413).
    """

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise _body_error(str(BODY_NOT_TEXT)) from exc
        if json_depth_exceeds(text, MAX_JSON_DEPTH):
            raise _body_error(str(BODY_TOO_DEEP % {"depth": MAX_JSON_DEPTH}))
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as exc:
            raise _body_error(str(BODY_NOT_JSON % {"problem": exc})) from exc
