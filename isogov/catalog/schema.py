"""The catalogue exchange format (documented in ``docs/catalog-import.md``): checks and cleans
one procedure record as plain data. Pure: no ORM, so the import, the API and the back-office
forms share the same rules and the same messages.

``clean_*`` functions return the cleaned value and append ``(path, message)`` to ``errors``;
the caller decides how a path is shown (a JSON path, or a sheet row and column).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

FORMAT = "isogov-catalog/1"
CHANNEL_KINDS = ("in_person", "postal", "online_partial", "online_full")
TIME_UNITS = ("working_days", "working_hours", "calendar_days", "same_day")
ALLOWANCE_UNITS = ("working_days", "working_hours")
LEVELS = ("central", "province", "commune", "multiple")
STATUSES = ("draft", "published", "retired")
ONLINE_LEVELS = ("none", "partial", "full")
CODE_PATTERN = re.compile(r"^\d\.\d{6}(\.[A-Za-z0-9]+)?$")

Errors = list[tuple[str, str]]

VERSION_TEXT_FIELDS = {
    # field: max length (0 = unlimited text)
    "steps_text": 0,
    "applicants": 0,
    "authority": 500,
    "receiving_address": 500,
    "delegated_agency": 500,
    "coordinating_agencies": 500,
    "result": 0,
    "conditions": 0,
    "keywords": 500,
    "description": 0,
    "decision_number": 100,
    "decision_issuer": 300,
}


def _join(path: str, field: str) -> str:
    return f"{path}.{field}" if path else field


def text(
    data: dict[str, Any],
    field: str,
    path: str,
    errors: Errors,
    *,
    required: bool = False,
    max_length: int = 0,
) -> str:
    value = data.get(field)
    if value is None:
        value = ""
    if not isinstance(value, str | int | float | Decimal):
        errors.append((_join(path, field), _("must be text")))
        return ""
    # Browsers send text areas with CRLF line ends; store one form so versions compare equal.
    value = str(value).replace("\r\n", "\n").strip()
    if required and not value:
        errors.append((_join(path, field), _("is required")))
    if max_length and len(value) > max_length:
        errors.append(
            (_join(path, field), _("is longer than %(max)s characters") % {"max": max_length})
        )
    return value


def choice(
    data: dict[str, Any],
    field: str,
    path: str,
    errors: Errors,
    choices: tuple[str, ...],
    *,
    default: str | None = None,
) -> str:
    value = data.get(field)
    if value in (None, "") and default is not None:
        return default
    if value not in choices:
        errors.append(
            (
                _join(path, field),
                _("must be one of %(choices)s (got '%(value)s')")
                % {"choices": ", ".join(choices), "value": "" if value is None else value},
            )
        )
        return default or choices[0]
    return str(value)


def number(
    data: dict[str, Any],
    field: str,
    path: str,
    errors: Errors,
    *,
    required: bool = True,
    places: int = 2,
    integer: bool = False,
) -> Decimal | None:
    value = data.get(field)
    if value in (None, ""):
        if required:
            errors.append((_join(path, field), _("is required")))
        return None
    if isinstance(value, bool):
        errors.append((_join(path, field), _("must be a number")))
        return None
    try:
        result = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        errors.append(
            (_join(path, field), _("must be a number (got '%(value)s')") % {"value": value})
        )
        return None
    if not result.is_finite() or result < 0:
        errors.append((_join(path, field), _("must be zero or more")))
        return None
    if integer and result != result.to_integral_value():
        errors.append((_join(path, field), _("must be a whole number")))
        return None
    if result.as_tuple().exponent < -places:  # type: ignore[operator]
        errors.append(
            (_join(path, field), _("has more than %(places)s decimal places") % {"places": places})
        )
        return None
    return result


def date(
    data: dict[str, Any], field: str, path: str, errors: Errors, *, required: bool = False
) -> dt.date | None:
    value = data.get(field)
    if value in (None, ""):
        if required:
            errors.append((_join(path, field), _("is required")))
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors.append(
            (
                _join(path, field),
                _("must be a date YYYY-MM-DD (got '%(value)s')") % {"value": value},
            )
        )
        return None


def boolean(data: dict[str, Any], field: str, path: str, errors: Errors, default: bool) -> bool:
    value = data.get(field)
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        return value
    folded = str(value).strip().lower()
    if folded in {"1", "true", "yes", "có", "x"}:
        return True
    if folded in {"0", "false", "no", "không"}:
        return False
    errors.append((_join(path, field), _("must be yes or no (got '%(value)s')") % {"value": value}))
    return default


def items(data: dict[str, Any], field: str, path: str, errors: Errors) -> list[dict[str, Any]]:
    value = data.get(field) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        errors.append((_join(path, field), _("must be a list of objects")))
        return []
    return value


def clean_fee(data: dict[str, Any], path: str, errors: Errors) -> dict[str, Any]:
    amount = number(data, "amount_vnd", path, errors, required=False, places=0, integer=True)
    fee = {
        "name": text(data, "name", path, errors, required=True, max_length=300),
        "amount_vnd": int(amount) if amount is not None else None,
        "note": text(data, "note", path, errors, max_length=500),
    }
    if fee["amount_vnd"] is None and not fee["note"]:
        errors.append(
            (_join(path, "note"), _("a fee without an amount needs a note (theo quy định …)"))
        )
    return fee


def clean_version(data: dict[str, Any], path: str, errors: Errors) -> dict[str, Any]:
    """One version of a procedure record, cleaned (see ``docs/catalog-import.md``)."""
    version: dict[str, Any] = {
        "number": None,
        "status": choice(data, "status", path, errors, STATUSES, default="draft"),
        "effective_from": date(data, "effective_from", path, errors),
        "effective_to": date(data, "effective_to", path, errors),
        "name": text(data, "name", path, errors, required=True, max_length=500),
        "online_level": choice(data, "online_level", path, errors, ONLINE_LEVELS, default="none"),
    }
    raw_number = number(data, "number", path, errors, required=False, places=0, integer=True)
    version["number"] = int(raw_number) if raw_number is not None else None
    if version["number"] == 0:
        errors.append((_join(path, "number"), _("must be 1 or more")))
    for field, max_length in VERSION_TEXT_FIELDS.items():
        version[field] = text(data, field, path, errors, max_length=max_length)
    version["decision_date"] = date(data, "decision_date", path, errors)
    related = data.get("related_codes") or []
    if not isinstance(related, list) or not all(isinstance(c, str) for c in related):
        errors.append((_join(path, "related_codes"), _("must be a list of procedure codes")))
        related = []
    version["related_codes"] = [c.strip() for c in related if c.strip()]
    if version["status"] != "draft" and version["effective_from"] is None:
        errors.append(
            (_join(path, "effective_from"), _("is required for a published or retired version"))
        )
    start, end = version["effective_from"], version["effective_to"]
    if start and end and end < start:
        errors.append((_join(path, "effective_to"), _("is before the effective date")))

    channels = []
    seen: set[str] = set()
    for i, raw in enumerate(items(data, "channels", path, errors)):
        cpath = f"{_join(path, 'channels')}[{i}]"
        kind = choice(raw, "kind", cpath, errors, CHANNEL_KINDS)
        if kind in seen:
            errors.append((_join(cpath, "kind"), _("this channel is listed twice")))
        seen.add(kind)
        time = _mapping(raw.get("time"))
        tpath = _join(cpath, "time")
        channels.append(
            {
                "kind": kind,
                "time": {
                    "value": number(time, "value", tpath, errors),
                    "unit": choice(time, "unit", tpath, errors, TIME_UNITS),
                },
                "time_note": text(raw, "time_note", cpath, errors, max_length=500),
                "fees": [
                    clean_fee(fee, f"{_join(cpath, 'fees')}[{j}]", errors)
                    for j, fee in enumerate(items(raw, "fees", cpath, errors))
                ],
            }
        )
    if not channels:
        errors.append((_join(path, "channels"), _("at least one channel is required")))
    version["channels"] = channels
    version["fees"] = [
        clean_fee(fee, f"{_join(path, 'fees')}[{j}]", errors)
        for j, fee in enumerate(items(data, "fees", path, errors))
    ]
    papers = []
    for i, raw in enumerate(items(data, "papers", path, errors)):
        ppath = f"{_join(path, 'papers')}[{i}]"
        originals = number(raw, "originals", ppath, errors, required=False, places=0, integer=True)
        copies = number(raw, "copies", ppath, errors, required=False, places=0, integer=True)
        papers.append(
            {
                "name": text(raw, "name", ppath, errors, required=True, max_length=500),
                "template": text(raw, "template", ppath, errors, max_length=100),
                "originals": int(originals) if originals is not None else 1,
                "copies": int(copies) if copies is not None else 0,
                "is_required": boolean(raw, "is_required", ppath, errors, True),
                "condition": text(raw, "condition", ppath, errors, max_length=500),
            }
        )
    version["papers"] = papers
    version["legal_bases"] = [
        {
            "number": text(raw, "number", lpath, errors, required=True, max_length=100),
            "summary": text(raw, "summary", lpath, errors, max_length=500),
            "issued_on": date(raw, "issued_on", lpath, errors),
            "issuer": text(raw, "issuer", lpath, errors, max_length=300),
        }
        for i, raw in enumerate(items(data, "legal_bases", path, errors))
        for lpath in [f"{_join(path, 'legal_bases')}[{i}]"]
    ]
    return version


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def clean_step(data: dict[str, Any], path: str, errors: Errors) -> dict[str, Any]:
    order = number(data, "order", path, errors, required=False, places=0, integer=True)
    return {
        "order": int(order) if order is not None else None,
        "name": text(data, "name", path, errors, required=True, max_length=500),
        "unit": text(data, "unit", path, errors, max_length=64),
        "unit_label": text(data, "unit_label", path, errors, max_length=300),
        "role": text(data, "role", path, errors, max_length=40),
        "description": text(data, "description", path, errors),
        "allowance": {
            "value": number(
                _mapping(data.get("allowance")),
                "value",
                _join(path, "allowance"),
                errors,
            ),
            "unit": choice(
                _mapping(data.get("allowance")),
                "unit",
                _join(path, "allowance"),
                errors,
                ALLOWANCE_UNITS,
                default="working_days",
            ),
        },
        "result_form": text(data, "result_form", path, errors, max_length=300),
        "is_counted": boolean(data, "is_counted", path, errors, True),
    }


def clean_process(data: dict[str, Any], path: str, errors: Errors) -> dict[str, Any]:
    issue = number(data, "issue_number", path, errors, required=False, places=0, integer=True)
    steps = [
        clean_step(step, f"{_join(path, 'steps')}[{i}]", errors)
        for i, step in enumerate(items(data, "steps", path, errors))
    ]
    for i, step in enumerate(steps, start=1):
        if step["order"] is None:
            step["order"] = i
    if not steps:
        errors.append((_join(path, "steps"), _("at least one step is required")))
    versions = []
    for i, ref in enumerate(items(data, "versions", path, errors)):
        vpath = f"{_join(path, 'versions')}[{i}]"
        ref_number = number(ref, "number", vpath, errors, places=0, integer=True)
        versions.append(
            {
                "procedure": text(ref, "procedure", vpath, errors, required=True),
                "number": int(ref_number) if ref_number is not None else None,
            }
        )
    return {
        "code": text(data, "code", path, errors, required=True, max_length=100),
        "issue_number": int(issue) if issue is not None else 1,
        "title": text(data, "title", path, errors, required=True, max_length=500),
        "approved_by": text(data, "approved_by", path, errors, max_length=200),
        "approved_on": date(data, "approved_on", path, errors),
        "is_illustrative": boolean(data, "is_illustrative", path, errors, False),
        "versions": versions,
        "steps": steps,
    }


def clean_procedure(data: dict[str, Any], path: str, errors: Errors) -> dict[str, Any]:
    code = text(data, "code", path, errors, required=True, max_length=64)
    if code and not CODE_PATTERN.match(code):
        errors.append(
            (_join(path, "code"), _("is not a procedure code like 1.009374 or 1.009374.H26"))
        )
    parts = code.split(".")
    national = ".".join(parts[:2])
    suffix = ".".join(parts[2:])
    versions = [
        clean_version(version, f"{_join(path, 'versions')}[{i}]", errors)
        for i, version in enumerate(items(data, "versions", path, errors))
    ]
    if not versions:
        errors.append((_join(path, "versions"), _("at least one version is required")))
    for i, version in enumerate(versions, start=1):
        if version["number"] is None:
            version["number"] = i
    numbers = [v["number"] for v in versions]
    if len(set(numbers)) != len(numbers):
        errors.append((_join(path, "versions"), _("two versions have the same number")))
    dated = sorted(
        (v for v in versions if v["status"] != "draft" and v["effective_from"]),
        key=lambda v: v["effective_from"],
    )
    for earlier, later in itertools.pairwise(dated):
        if (
            earlier["effective_to"] is not None
            and earlier["effective_to"] >= later["effective_from"]
        ):
            errors.append(
                (
                    _join(path, "versions"),
                    _("versions %(first)s and %(second)s are in force on the same days")
                    % {"first": earlier["number"], "second": later["number"]},
                )
            )
    return {
        "code": code,
        "national_code": national,
        "local_suffix": suffix,
        "level": choice(data, "level", path, errors, LEVELS, default="province"),
        "sector": text(data, "sector", path, errors, required=True, max_length=32),
        "versions": versions,
    }
