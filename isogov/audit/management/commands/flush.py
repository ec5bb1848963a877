"""``flush`` wipes every table, the audit trail included, so it runs in maintenance mode.

The test runner calls ``flush`` between transactional tests; an operator who wipes the
database on purpose gets the same. Nothing else can remove audit events.
"""

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand

from isogov.audit.services import audit_maintenance


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        with audit_maintenance():
            super().handle(**options)
