"""``isogov seed-demo``: demo agencies, units, accounts, the procedure catalogue and 60 working
days of dossiers (idempotent). It lives in the dossiers app: the lowest layer seeing all three."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from isogov.accounts.demo import DEMO_PASSWORD, seed_demo
from isogov.accounts.models import Agency
from isogov.catalog.demo import DEPARTMENT_CODE, seed_catalog
from isogov.dossiers.demo import demo_dossier_count, seed_dossiers


class Command(BaseCommand):
    help = "Create the demo agencies, units, accounts, procedures and dossiers (safe to run again)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-dossiers", action="store_true", help="Skip the 60 working days of dossiers."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = seed_demo()
        catalog = seed_catalog()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Demo accounts (password: {DEMO_PASSWORD}):")
        )
        for account in accounts:
            self.stdout.write(f"  {account.username:<12} {account.role:<18} {account.agency}")
        self.stdout.write(
            f"Catalogue: {catalog.procedures} procedures, {catalog.processes} internal processes."
        )
        if options["no_dossiers"]:
            return
        agency = Agency.objects.get(code=DEPARTMENT_CODE)
        started = time.monotonic()
        result = seed_dossiers(agency=agency)
        if result.skipped:
            count = demo_dossier_count(agency=agency)
            self.stdout.write(f"Demo dossiers: {count} already there (nothing added).")
        else:
            seconds = time.monotonic() - started
            self.stdout.write(f"Demo dossiers: {result.created} added in {seconds:.1f} s.")
