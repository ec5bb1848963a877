from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """SQLite triggers ask ``isogov_audit_maintenance()`` whether a wipe is under way.

    A connection that has not registered the function (the sqlite3 shell, another program)
    makes the trigger fail, which also refuses the change.
    """
    if connection.vendor != "sqlite":
        return
    if not hasattr(connection, "isogov_audit_maintenance"):
        connection.isogov_audit_maintenance = False
    connection.connection.create_function(
        "isogov_audit_maintenance", 0, lambda: 1 if connection.isogov_audit_maintenance else 0
    )


class AuditConfig(AppConfig):
    name = "isogov.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        connection_created.connect(_register_sqlite_functions, dispatch_uid="isogov-audit-sqlite")
