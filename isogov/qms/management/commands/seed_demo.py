"""``isogov seed-demo``: demo agencies, units, accounts, the procedure catalogue, 60 working
days of dossiers and the demo agency's QMS (idempotent). It lives in the qms app: the lowest
layer seeing all of them."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from isogov.accounts.demo import DEMO_PASSWORD, seed_demo
from isogov.accounts.models import Agency
from isogov.catalog.demo import DEPARTMENT_CODE, seed_catalog
from isogov.dossiers.demo import demo_dossier_count, seed_dossiers
from isogov.qms.demo import seed_qms


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
        agency = Agency.objects.get(code=DEPARTMENT_CODE)
        if not options["no_dossiers"]:
            self._dossiers(agency)
        qms = seed_qms(agency=agency)
        if qms.created:
            self.stdout.write(
                f"ISO: {qms.documents} controlled documents, {qms.objectives} quality objectives, "
                "risks, an internal audit, a management review and the conformity announcement."
            )
        else:
            self.stdout.write("ISO: already there (nothing added).")

    def _dossiers(self, agency: Agency) -> None:
        started = time.monotonic()
        result = seed_dossiers(agency=agency)
        if result.skipped:
            count = demo_dossier_count(agency=agency)
            self.stdout.write(f"Demo dossiers: {count} already there (nothing added).")
        else:
            seconds = time.monotonic() - started
            self.stdout.write(f"Demo dossiers: {result.created} added in {seconds:.1f} s.")
