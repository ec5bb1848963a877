"""``isogov audit verify``: walk the hash chain and name the first broken link."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from isogov.audit.services import audit_verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. 'verify' checks the hash chain of every event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify_chain()
        if not result.ok:
            raise CommandError(
                f"audit chain BROKEN at event #{result.broken_seq}: {result.problem} "
                f"({result.checked} events verified before it)"
            )
        self.stdout.write(self.style.SUCCESS(f"audit chain OK: {result.checked} events verified"))
