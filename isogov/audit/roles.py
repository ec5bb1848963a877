"""PostgreSQL roles: the owner migrates and maintains; the application may not rewrite history.

The owner role (the one in ``DATABASE_URL`` when running ``migrate``) owns every table. The
application role gets every privilege on the other tables, but only SELECT and INSERT on the
audit events, so even with the maintenance flag it cannot UPDATE, DELETE or TRUNCATE them;
the chain heads (one per agency), which each append creates or moves forward, it may also
INSERT and UPDATE.
"""

from __future__ import annotations

import re

from django.db import connection
from psycopg import sql

from .models import AuditChainHead, AuditEvent

_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def postgres_roles_setup(*, app_role: str, app_password: str = "") -> list[str]:
    """Create (or fix) the application role; run it as the owner after every ``migrate``."""
    if connection.vendor != "postgresql":
        return ["setup-roles: only PostgreSQL has roles; SQLite is guarded by its triggers"]
    if not _ROLE.match(app_role):
        raise ValueError("the role name must be lower-case letters, digits and _")
    role = sql.Identifier(app_role)
    events, head = AuditEvent._meta.db_table, AuditChainHead._meta.db_table
    statements = [
        sql.SQL(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {name}) "
            "THEN CREATE ROLE {role} LOGIN; END IF; END $$"
        ).format(name=sql.Literal(app_role), role=role),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(
            role
        ),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(role),
        sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
            sql.Identifier(events), role
        ),
        sql.SQL("REVOKE DELETE, TRUNCATE ON {} FROM {}").format(sql.Identifier(head), role),
    ]
    if app_password:
        statements.append(
            sql.SQL("ALTER ROLE {} PASSWORD {}").format(role, sql.Literal(app_password))
        )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return [f"role {app_role}: SELECT, INSERT only on {events}; owner keeps maintenance"]
