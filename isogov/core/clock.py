"""The one place that reads the time, so tests can move it (time-machine) and code agrees."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now() -> dt.datetime:
    """The current instant, timezone-aware (UTC)."""
    return timezone.now()


def local_now() -> dt.datetime:
    """The current instant in Vietnam's time zone."""
    return timezone.now().astimezone(LOCAL_TZ)


def today() -> dt.date:
    """Today's date in Vietnam."""
    return local_now().date()


def to_local(value: dt.datetime) -> dt.datetime:
    """An aware datetime shown in Vietnam's time zone; a naive one is taken as Vietnam time."""
    if timezone.is_naive(value):
        return value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(LOCAL_TZ)
