"""Reads of the notifications app: an agency's notice templates (its own, else the default)."""

from __future__ import annotations

from dataclasses import dataclass

from isogov.core.sql import fetch_all

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
    """``notice_template_get`` for several channels of one milestone, in one query.

    Every intake and most actions read it, so in plain SQL (``core.sql``, ADR 0005): building
    the queryset cost more than running it.
    """
    if not channels:
        return {}
    marks = ", ".join(["%s"] * len(channels))
    stored = {
        channel: NoticeText(milestone, channel, subject, body, version, is_default=False)
        for channel, subject, body, version in fetch_all(
            f"SELECT channel, subject, body, version FROM {NoticeTemplate._meta.db_table} "  # noqa: S608
            f"WHERE agency_code = %s AND milestone = %s AND channel IN ({marks})",
            [agency_code, milestone, *channels],
        )
    }
    return {channel: stored.get(channel) or _text(milestone, channel, None) for channel in channels}


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
