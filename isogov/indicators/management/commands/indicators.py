"""``isogov indicators snapshots --from DATE --to DATE``: store the daily snapshots of history."""

from __future__ import annotations

import datetime as dt
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Exists, OuterRef

from isogov.accounts.models import Agency
from isogov.core import clock
from isogov.dossiers.models import Dossier

from ...services import snapshots_backfill


class DayBar:
    """A bar on stderr: redrawn in place on a terminal, else a line every tenth of the way."""

    WIDTH = 30

    def __init__(self, stream: Any, label: str) -> None:
        self.stream = stream
        self.label = label
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.printed_tenth = -1

    def __call__(self, done: int, total: int) -> None:
        seconds = time.monotonic() - self.started
        share = done / total if total else 1
        tenth = int(share * 10)
        if not self.tty and tenth == self.printed_tenth and done < total:
            return
        self.printed_tenth = tenth
        filled = int(share * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        line = f"{self.label} [{bar}] {share:4.0%} {done:,}/{total:,} days, {seconds:.0f} s"
        if self.tty:
            self.stream.write("\r" + line + ("\n" if done >= total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _day(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{option}: give a date as YYYY-MM-DD") from error


class Command(BaseCommand):
    help = "Indicator tools. 'snapshots' stores the daily snapshots of past days (backfill)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        snapshots = sub.add_parser(
            "snapshots",
            help="Store every closed day's snapshot in the range that has none (idempotent, "
            "resumable: a day stored is left as it is).",
        )
        snapshots.add_argument("--from", dest="date_from", default="", help="YYYY-MM-DD")
        snapshots.add_argument(
            "--to", dest="date_to", default="", help="YYYY-MM-DD (default: yesterday)"
        )
        snapshots.add_argument("--agency", default="", help="agency code (default: every one)")

    def handle(self, *args: Any, **options: Any) -> None:
        yesterday = clock.today() - dt.timedelta(days=1)
        date_to = _day(options["date_to"], "--to") if options["date_to"] else yesterday
        # Checked before any agency is read, so a wrong option is named even with no dossiers.
        given_from = _day(options["date_from"], "--from") if options["date_from"] else None
        first_year = settings.WORKCAL_FIRST_YEAR  # the working calendar's first year
        for option, day in (("--from", given_from), ("--to", date_to)):
            if day is not None and day.year < first_year:
                raise CommandError(f"{option}: give a day in {first_year} or later")
        if given_from is not None and given_from > date_to:
            raise CommandError("--from: give a day on or before --to")
        agencies = Agency.objects.filter(Exists(Dossier.objects.filter(agency=OuterRef("pk"))))
        if options["agency"]:
            agencies = agencies.filter(code=options["agency"])
            if not agencies.exists():
                raise CommandError(
                    f"--agency: no agency with dossiers has code {options['agency']}"
                )
        started = time.monotonic()
        stored = 0
        for agency in agencies.order_by("pk"):
            if given_from is not None:
                date_from = given_from
            else:
                first = (
                    Dossier.objects.filter(agency=agency, received_at__isnull=False)
                    .order_by("received_at")
                    .values_list("received_at", flat=True)
                    .first()
                )
                if first is None:
                    continue
                date_from = clock.to_local(first).date()
            if date_from > date_to:
                raise CommandError("--from: give a day on or before --to")
            stored += snapshots_backfill(
                agency=agency,
                date_from=date_from,
                date_to=date_to,
                progress=DayBar(sys.stderr, agency.code),
            )
        self.stdout.write(
            f"Stored {stored:,} daily snapshots in {time.monotonic() - started:.1f} s."
        )
