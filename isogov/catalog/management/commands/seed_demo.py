"""``isogov seed-demo``: demo agencies, units, accounts and the procedure catalogue (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand

from isogov.accounts.demo import DEMO_PASSWORD, seed_demo
from isogov.catalog.demo import seed_catalog


class Command(BaseCommand):
    help = "Create the demo agencies, units, accounts and procedures (safe to run again)."

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
