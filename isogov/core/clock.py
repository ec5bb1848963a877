"""The one place that reads the time, so tests can move it (time-machine) and code agrees.

``as_of(instant)`` is the supported way to run code at a past instant outside tests: while it is
active, every reader here returns that instant (a frozen clock). ``isogov seed-demo`` uses it to
write 60 working days of dossier history through the services (docs/demo.md). Rows' technical
``created_at``/``updated_at`` stamps (``auto_now``) keep the real time; every business time the
services store is read here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from zoneinfo import ZoneInfo

from django.utils import timezone

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_AS_OF: ContextVar[dt.datetime | None] = ContextVar("isogov_clock_as_of", default=None)


@contextmanager
def as_of(instant: dt.datetime) -> Iterator[dt.datetime]:
    """Within the block, "now" is ``instant`` (aware); blocks nest, the innermost wins."""
    if timezone.is_naive(instant):
        raise ValueError("as_of() needs a timezone-aware instant")
    token = _AS_OF.set(instant)
    try:
        yield instant
    finally:
        _AS_OF.reset(token)


def now() -> dt.datetime:
    """The current instant, timezone-aware (UTC unless ``as_of`` set another zone)."""
    fixed = _AS_OF.get()
    return timezone.now() if fixed is None else fixed


def local_now() -> dt.datetime:
    """The current instant in Vietnam's time zone."""
    return now().astimezone(LOCAL_TZ)


def today() -> dt.date:
    """Today's date in Vietnam."""
    return local_now().date()


def to_local(value: dt.datetime) -> dt.datetime:
    """An aware datetime shown in Vietnam's time zone; a naive one is taken as Vietnam time."""
    if timezone.is_naive(value):
        return value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(LOCAL_TZ)


def local_date(value: dt.datetime) -> dt.date:
    """The calendar day in Vietnam of an instant (``to_local``'s rules for a naive one)."""
    return to_local(value).date()
