"""Notice templates: the milestones an applicant hears of, their fields and defaults. Pure.

A template is ``str.format`` text with named fields only (``{code}``), checked when saved: a
field the milestone does not offer, an attribute or index (``{code.__class__}``), a positional
field (``{}``) or a stray brace is refused, naming the field. Rendering then only ever
substitutes plain strings, so an agency's template can neither leak nor break anything.

The defaults below are the agency's starting texts in Vietnamese (content, not UI strings):
each names the agency, the dossier code once, the date and the public lookup link.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

UNKNOWN_FIELD = _("Unknown field {%(field)s}: this notice may use %(allowed)s.")
BAD_FIELD = _("Write fields as a plain name in braces, such as {code}; %(field)s is not allowed.")
BAD_BRACES = _("Unbalanced braces: write {{ and }} for a literal brace.")


class Milestone(models.TextChoices):
    """A moment of the dossier's life the applicant is told of."""

    RECEIVED = "received", _("Dossier received")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    APOLOGY = "apology", _("Apology and new appointment")
    REFUSED = "refused", _("Dossier refused")
    RESULT_READY = "result_ready", _("Result ready")
    RESULT_RETURNED = "result_returned", _("Result returned")
    APPOINTMENT_MOVED = "appointment_moved", _("Appointment moved by a calendar change")


# Every notice may use these.
COMMON_FIELDS: dict[str, Promise] = {
    "agency": _("the agency's name"),
    "code": _("the dossier code"),
    "date": _("the date of the notice"),
    "link": _("the public lookup page"),
    "applicant": _("the applicant's name"),
    "procedure": _("the procedure"),
}

# And each milestone these.
MILESTONE_FIELDS: dict[str, dict[str, Promise]] = {
    Milestone.RECEIVED: {"due": _("the appointment for the result")},
    Milestone.SUPPLEMENT_REQUESTED: {
        "reason": _("the reason"),
        "papers": _("the papers to supplement"),
        "place": _("where to bring them"),
        "deadline": _("the deadline to bring them"),
    },
    Milestone.APOLOGY: {"reason": _("the reason"), "new_date": _("the new appointment")},
    Milestone.REFUSED: {"reason": _("the reason")},
    Milestone.RESULT_READY: {
        "place": _("where to collect the result"),
        "ready_from": _("from when"),
        "early": _("“ trước hạn” when the result came before the appointment, else nothing"),
    },
    Milestone.RESULT_RETURNED: {"method": _("how the result was handed over")},
    Milestone.APPOINTMENT_MOVED: {
        "old_date": _("the appointment before the change"),
        "new_date": _("the new appointment"),
    },
}


def allowed_fields(milestone: str) -> dict[str, Promise]:
    """The fields a milestone's notice may use, with what each stands for."""
    return {**COMMON_FIELDS, **MILESTONE_FIELDS[milestone]}


_FOOT = "Ngày {date}. Tra cứu: {link}"
EMAIL, SMS = "email", "sms"

# (milestone, channel) → (subject, body). An SMS has no subject.
DEFAULTS: dict[tuple[str, str], tuple[str, str]] = {
    (Milestone.RECEIVED, EMAIL): (
        "{agency}: thông báo tiếp nhận hồ sơ",
        "Kính gửi Ông/Bà {applicant},\n"
        "{agency} đã tiếp nhận hồ sơ {code} ({procedure}).\n"
        "Hẹn trả kết quả: {due}.\n" + _FOOT,
    ),
    (Milestone.RECEIVED, SMS): (
        "",
        "{agency}: đã tiếp nhận hồ sơ {code}, hẹn trả kết quả {due}. " + _FOOT,
    ),
    (Milestone.SUPPLEMENT_REQUESTED, EMAIL): (
        "{agency}: đề nghị bổ sung hồ sơ",
        "Kính gửi Ông/Bà {applicant},\n"
        "Hồ sơ {code} ({procedure}) cần bổ sung, hoàn thiện.\n"
        "Lý do: {reason}\n"
        "Giấy tờ cần bổ sung: {papers}\n"
        "Nơi nộp: {place}\n"
        "Hạn nộp bổ sung: {deadline}\n" + _FOOT,
    ),
    (Milestone.SUPPLEMENT_REQUESTED, SMS): (
        "",
        "{agency}: hồ sơ {code} cần bổ sung: {papers}. Lý do: {reason}. "
        "Nộp tại {place}, hạn nộp: {deadline}. " + _FOOT,
    ),
    (Milestone.APOLOGY, EMAIL): (
        "{agency}: thư xin lỗi và hẹn lại ngày trả kết quả",
        "Kính gửi Ông/Bà {applicant},\n"
        "{agency} xin lỗi vì hồ sơ {code} ({procedure}) chưa có kết quả đúng hẹn.\n"
        "Lý do: {reason}\n"
        "Thời gian hẹn trả kết quả mới: {new_date}.\n" + _FOOT,
    ),
    (Milestone.APOLOGY, SMS): (
        "",
        "{agency} xin lỗi: hồ sơ {code} chậm trả kết quả ({reason}). "
        "Hẹn trả mới: {new_date}. " + _FOOT,
    ),
    (Milestone.REFUSED, EMAIL): (
        "{agency}: thông báo từ chối giải quyết hồ sơ",
        "Kính gửi Ông/Bà {applicant},\n"
        "{agency} từ chối giải quyết hồ sơ {code} ({procedure}).\n"
        "Lý do: {reason}\n" + _FOOT,
    ),
    (Milestone.REFUSED, SMS): (
        "",
        "{agency}: từ chối giải quyết hồ sơ {code}. Lý do: {reason}. " + _FOOT,
    ),
    (Milestone.RESULT_READY, EMAIL): (
        "{agency}: hồ sơ đã có kết quả{early}",
        "Kính gửi Ông/Bà {applicant},\n"
        "Hồ sơ {code} ({procedure}) đã có kết quả, mời Ông/Bà đến nhận tại {place} "
        "từ {ready_from}.\n" + _FOOT,
    ),
    (Milestone.RESULT_READY, SMS): (
        "",
        "{agency}: hồ sơ {code} đã có kết quả, mời Ông/Bà đến nhận tại {place} "
        "từ {ready_from}. " + _FOOT,
    ),
    (Milestone.APPOINTMENT_MOVED, EMAIL): (
        "{agency}: thay đổi ngày hẹn trả kết quả",
        "Kính gửi Ông/Bà {applicant},\n"
        "{agency} điều chỉnh lịch làm việc. Ngày hẹn trả kết quả hồ sơ {code} ({procedure}) "
        "chuyển từ {old_date} sang {new_date}.\n" + _FOOT,
    ),
    (Milestone.APPOINTMENT_MOVED, SMS): (
        "",
        "{agency}: hồ sơ {code} đổi ngày hẹn trả kết quả từ {old_date} sang {new_date}. " + _FOOT,
    ),
    (Milestone.RESULT_RETURNED, EMAIL): (
        "{agency}: đã trả kết quả hồ sơ",
        "Kính gửi Ông/Bà {applicant},\n"
        "{agency} đã trả kết quả hồ sơ {code} ({procedure}): {method}.\n"
        "Cảm ơn Ông/Bà đã sử dụng dịch vụ.\n" + _FOOT,
    ),
    (Milestone.RESULT_RETURNED, SMS): (
        "",
        "{agency}: đã trả kết quả hồ sơ {code} ({method}). " + _FOOT,
    ),
}


class TemplateInvalid(ValueError):
    """A template that may not be saved; ``message`` names the offending field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def template_fields(text: str) -> list[str]:
    """The field names a template uses, in order; ``TemplateInvalid`` for a malformed one."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise TemplateInvalid(str(BAD_BRACES)) from error
    names = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            shown = (
                "{"
                + name
                + ("!" + conversion if conversion else "")
                + (":" + spec if spec else "")
                + "}"
            )
            raise TemplateInvalid(str(BAD_FIELD % {"field": shown}))
        names.append(name)
    return names


def template_check(text: str, *, milestone: str) -> None:
    """Refuse a template that uses a field the milestone does not offer, naming the field."""
    allowed = allowed_fields(milestone)
    for name in template_fields(text):
        if name not in allowed:
            raise TemplateInvalid(
                str(
                    UNKNOWN_FIELD
                    % {"field": name, "allowed": ", ".join("{" + a + "}" for a in allowed)}
                )
            )


def template_render(text: str, context: Mapping[str, str]) -> str:
    """The template with its fields filled in (only plain strings are ever substituted)."""
    values = {name: str(context.get(name, "")) for name in template_fields(text)}
    return text.format_map(values)
