"""The register page's month counts: the closed months' read from where they were stored, the
open months' counted (issue 15 §3).

Counting a month of a million-dossier register reads ~90,000 index entries: 17–20 ms each on
PostgreSQL, so the twelve months of the page took ~200 ms on every visit. A closed month rarely
changes, so its count is stored (``RegisterMonth``) and checked, not trusted:

- Register lines are numbered per agency and year from the counter ``register:YYYY``, one line
  per received dossier, taken in the transaction that stores it; received dossiers are never
  deleted. So the year's months together hold exactly as many dossiers as the counter's value,
  and a month's count only grows (a back-dated postal or migrated receipt lands in a closed
  month, and takes the next line).
- A stored count is thus never above the month's true count. When the stored closed months
  and the open months counted now add up to the counter read after them, no stored month can
  be short: each is exact.
- The one change that takes a dossier out of a month is an import that moves a receipt to
  another month (``integrations.inbound.storing``). It adds one to ``register-moves:YYYY``; a
  stored count taken before the move no longer matches and is counted again.

When the figures do not add up (a receipt in a closed month, a move, a year with gaps in its
lines), the page counts the closed months too, and when that count adds up in turn, hands the
closed months to the background worker to store: the page writes nothing itself, so it never
waits for another writer. With a search (``q``) nothing is stored: every month is counted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from isogov.accounts.models import Agency
from isogov.core import clock

from .models import Dossier, DossierCounter, RegisterMonth
from .register import MonthTotals, month_counts

MONTHS = range(1, 13)
logger = logging.getLogger(__name__)


def closed_months(year: int) -> list[int]:
    """The months of ``year`` that ended before the current month began (Vietnam time)."""
    today = clock.today()
    return [month for month in MONTHS if (year, month) < (today.year, today.month)]


def _counters(agency: Agency, year: int) -> tuple[int, int]:
    """The year's register lines given and receipts moved, read in one query."""
    lines, moves = DossierCounter.register_scope(year), DossierCounter.register_moves_scope(year)
    values = dict(
        DossierCounter.objects.filter(agency=agency, scope__in=[lines, moves]).values_list(
            "scope", "last"
        )
    )
    return values.get(lines, 0), values.get(moves, 0)


def agency_month_totals(
    agency: Agency, year: int, month_of: Callable[[int], QuerySet[Dossier]]
) -> dict[int, MonthTotals]:
    """How many dossiers ``agency``'s register of ``year`` received each month, ``month_of``
    being the whole register narrowed to one month (no search): the closed months from their
    stored counts when these add up, the others counted.

    The counters are read before and after the counts (see the module's note): after, so that
    every count is at most the month's true count then; before, so that a move while counting
    is seen. A closed month counted again is stored only when the whole year adds up."""
    closed = closed_months(year)
    stored = {
        row.month: row
        for row in RegisterMonth.objects.filter(agency=agency, year=year, month__in=closed)
    }
    _lines, moves_before = _counters(agency, year)
    counts = month_counts(month_of, [month for month in MONTHS if month not in closed])
    counts.update((month, row.received) for month, row in stored.items())
    lines, moves = _counters(agency, year)
    trusted = set(stored) == set(closed) and all(row.moves == moves for row in stored.values())
    if not trusted or sum(counts.values()) != lines:
        counts.update(month_counts(month_of, closed))
        lines, moves = _counters(agency, year)
        if closed and sum(counts.values()) == lines and moves == moves_before:
            _store_later(agency, year, {month: counts[month] for month in closed}, moves)
    return {month: MonthTotals(month, counts[month]) for month in MONTHS}


def _store_later(agency: Agency, year: int, counts: dict[int, int], moves: int) -> None:
    """Hand the checked counts to the background worker (``tasks.register_months_store``): the
    page itself writes nothing, so it never waits for a writer that holds the database."""
    from .tasks import register_months_store  # ``tasks`` imports this module

    try:
        register_months_store(agency.pk, year, counts, moves)
    except Exception as error:  # a cache: when the queue refuses, nothing is lost
        logger.warning("register months of agency %s, %s not queued: %s", agency.pk, year, error)


def store(agency_id: int, year: int, counts: dict[int, int], moves: int) -> None:
    """Keep the closed months' counts, checked by the page with the register-moves counter at
    ``moves`` (a later move makes them stale, and the page counts again). When another visit's
    store of the same months runs at the same moment, one of them is kept."""
    try:
        with transaction.atomic():
            RegisterMonth.objects.filter(agency_id=agency_id, year=year).delete()
            RegisterMonth.objects.bulk_create(
                RegisterMonth(agency_id=agency_id, year=year, month=month, received=n, moves=moves)
                for month, n in counts.items()
            )
    except IntegrityError as error:
        logger.info("register months of agency %s, %s stored twice: %s", agency_id, year, error)
