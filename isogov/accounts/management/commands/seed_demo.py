"""``isogov seed-demo``: demo agencies, units and one account per role (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand

from isogov.accounts.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the demo agencies, units and accounts (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Demo accounts (password: {DEMO_PASSWORD}):")
        )
        for account in accounts:
            self.stdout.write(f"  {account.username:<12} {account.role:<18} {account.agency}")
