"""``isogov demo generate``: months of demo history in bulk (``dossiers/generator``)."""

from __future__ import annotations

import datetime as dt
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from isogov.accounts.models import Agency
from isogov.catalog.demo import DEPARTMENT_CODE
from isogov.core import clock
from isogov.core.errors import ApplicationError
from isogov.dossiers.generator import demo_generate


class ProgressBar:
    """A bar on stderr: redrawn in place on a terminal, else a line every tenth of the way."""

    WIDTH = 30

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.printed_tenth = -1

    def __call__(self, done: int, total: int) -> None:
        seconds = max(time.monotonic() - self.started, 1e-9)
        rate = done / seconds
        left = (total - done) / rate if rate else 0
        share = done / total if total else 1
        tenth = int(share * 10)
        if not self.tty and tenth == self.printed_tenth and done < total:
            return
        self.printed_tenth = tenth
        filled = int(share * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        line = (
            f"[{bar}] {share:4.0%} {done:,}/{total:,} dossiers, {rate:,.0f}/s, "
            f"{seconds:.0f} s, about {left:.0f} s left"
        )
        if self.tty:
            self.stream.write("\r" + line + ("\n" if done >= total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Demo data tools. 'generate' adds months of realistic dossier history in bulk."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        generate = sub.add_parser("generate", help="Add generated dossiers (appends on re-run).")
        generate.add_argument("--dossiers", type=int, required=True)
        generate.add_argument("--months", type=int, required=True)
        generate.add_argument("--agency", default=DEPARTMENT_CODE, help="agency code")
        generate.add_argument("--seed", type=int, default=1)
        generate.add_argument(
            "--until", default="", help="last day of the history, YYYY-MM-DD (default: now)"
        )
        generate.add_argument("--batch", type=int, default=20_000)
        generate.add_argument(
            "--workers",
            type=int,
            default=None,
            help="processes working out batches while one writes (default: one per core, "
            "at most 4; 0: all in this process)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dossiers"] < 1 or options["months"] < 1:
            raise CommandError("--dossiers and --months must be at least 1")
        if not 1 <= options["batch"] <= 1_000_000:
            raise CommandError("--batch: give a number of dossiers from 1 to 1,000,000")
        if options["workers"] is not None and not 0 <= options["workers"] <= 32:
            raise CommandError("--workers: give a number of processes from 0 to 32")
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"no agency with code {options['agency']} (run isogov seed-demo)")
        until = None
        if options["until"]:
            try:
                day = dt.date.fromisoformat(options["until"])
            except ValueError as error:
                raise CommandError("--until: give a date as YYYY-MM-DD") from error
            until = min(
                dt.datetime.combine(day, dt.time(23, 59), tzinfo=clock.LOCAL_TZ), clock.now()
            )
        try:
            result = demo_generate(
                agency=agency,
                dossiers=options["dossiers"],
                months=options["months"],
                seed=options["seed"],
                until=until,
                batch_size=options["batch"],
                progress=ProgressBar(sys.stderr),
                workers=options["workers"],
            )
        except ApplicationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Generated {result.dossiers:,} dossiers ({result.steps:,} steps, "
            f"{result.events:,} events) in {result.seconds:.1f} s: "
            f"{result.dossiers / max(result.seconds, 1e-9):,.0f} dossiers/s; "
            f"codes {result.first_code} … {result.last_code}."
        )
        # The daily indicator snapshots a running system would have taken for these days
        # (docs/indicators.md): by command name, as the indicators app sits above this one.
        call_command("indicators", "snapshots", "--agency", agency.code, stdout=self.stdout)
