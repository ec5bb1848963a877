"""``isogov audit verify``: walk every hash chain and name the first broken link."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from isogov.audit.checkpoints import checkpoint_write
from isogov.audit.roles import postgres_roles_setup
from isogov.audit.services import audit_verify_chain, chain_label


class Command(BaseCommand):
    help = (
        "Audit trail tools. 'verify' checks every hash chain (one per agency, and the system "
        "chain) against the signed checkpoints; 'checkpoint' appends one per chain; "
        "'setup-roles' creates the PostgreSQL roles."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint", "setup-roles"])
        parser.add_argument("--app-role", default="isogov_app")
        parser.add_argument("--app-password", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            checkpoints = checkpoint_write()
            for checkpoint in checkpoints:
                self.stdout.write(
                    f"audit checkpoint of {chain_label(checkpoint.chain)} at #{checkpoint.seq}"
                )
            if not checkpoints:
                self.stdout.write("audit checkpoint: no events yet")
            return
        if options["action"] == "setup-roles":
            for line in postgres_roles_setup(
                app_role=options["app_role"], app_password=options["app_password"]
            ):
                self.stdout.write(line)
            return
        result = audit_verify_chain()
        if not result.ok:
            raise CommandError(
                f"audit chain BROKEN at event #{result.broken_seq} of {result.chain_label}: "
                f"{result.problem} ({result.checked} events verified before it)"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"audit chain OK: {result.checked} events verified in {result.chains} chain(s)"
            )
        )
