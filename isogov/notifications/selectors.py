"""Reads of the notifications app: an agency's notice templates (its own, else the default)."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Channel, NoticeTemplate
from .notices import DEFAULTS, Milestone


@dataclass(frozen=True)
class NoticeText:
    milestone: str
    channel: str
    subject: str
    body: str
    # 0 while the agency uses the default; the stored row's version once it has edited it.
    version: int
    is_default: bool


def _text(milestone: str, channel: str, row: NoticeTemplate | None) -> NoticeText:
    if row is None:
        subject, body = DEFAULTS[(milestone, channel)]
        return NoticeText(milestone, channel, subject, body, version=0, is_default=True)
    return NoticeText(milestone, channel, row.subject, row.body, row.version, is_default=False)


def notice_template_get(*, agency_code: str, milestone: str, channel: str) -> NoticeText:
    """The wording an agency uses for one milestone and channel."""
    row = NoticeTemplate.objects.filter(
        agency_code=agency_code, milestone=milestone, channel=channel
    ).first()
    return _text(milestone, channel, row)


def notice_templates_get(
    *, agency_code: str, milestone: str, channels: list[str]
) -> dict[str, NoticeText]:
    """``notice_template_get`` for several channels of one milestone, in one query."""
    rows = {
        row.channel: row
        for row in NoticeTemplate.objects.filter(
            agency_code=agency_code, milestone=milestone, channel__in=channels
        )
    }
    return {channel: _text(milestone, channel, rows.get(channel)) for channel in channels}


def notice_template_list(*, agency_code: str) -> list[NoticeText]:
    """Every milestone × channel of an agency, in milestone order, e-mail before SMS."""
    rows = {
        (row.milestone, row.channel): row
        for row in NoticeTemplate.objects.filter(agency_code=agency_code)
    }
    return [
        _text(milestone, channel, rows.get((milestone, channel)))
        for milestone in Milestone.values
        for channel in (Channel.EMAIL, Channel.SMS)
    ]
