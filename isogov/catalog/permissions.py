"""Who may maintain the catalogue (pure data)."""

from __future__ import annotations

from isogov.accounts.roles import Role

# Catalogue managers: create and edit draft versions, publish, retire, import, review.
CATALOG_MANAGERS = frozenset({Role.SYSTEM_ADMIN, Role.AGENCY_LEADER, Role.ISO_SECRETARY})
