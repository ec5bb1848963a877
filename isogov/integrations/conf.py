"""The integration settings (docs/integrations.md "Configuration"), with their defaults.

No official specification of the portal's interface was found (dvcqg-sync.md): its endpoints,
its auth style, the service names and the field names are settings [A], read here and nowhere
else. ``settings.ISOGOV_PORTAL`` overrides any key.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Push dossiers and their progress (standalone mode); off: nothing leaves.
    "ENABLED": False,
    # The one service endpoint (JSON body {"session", "madonvi", "service", ...}).
    "URL": "",
    # "session": POST {"username", "password"} to AUTH_URL for a session; "none": no auth.
    "AUTH": "session",
    "AUTH_URL": "",
    "USERNAME": "",
    "PASSWORD": "",
    # The ``dstcode`` header some gateways route on.
    "DSTCODE": "",
    "TIMEOUT": 10,  # seconds per call
    # Dates as strings: yyyyMMddHHmmss in Vietnam time; "iso" for the newer ISO 8601 variant.
    "DATE_FORMAT": "%Y%m%d%H%M%S",
    "SERVICES": {
        "record": "DongBoHoSoMC",
        "history": "CapNhatTienDoHoSoMC",
        "lookup": "TraCuuHoSo",
    },
    # Our field name → the name on the wire, for a portal that spells a field differently.
    "FIELDS": {},
    # error_code values that mean "the session is no longer valid": sign in again once.
    "SESSION_ERROR_CODES": ["-1"],
    # [A] The lookup's field giving how many history entries the portal holds, so that a
    # re-sent batch never duplicates one; without it, our own count of acknowledged entries.
    "LOOKUP_HISTORY_FIELD": "SoTienDo",
    "HISTORY_BATCH": 50,  # history entries per CapNhatTienDoHoSoMC call
    "MAX_ATTEMPTS": 10,  # then the dossier waits for an officer's "retry"
    # Events re-read behind the scanner's cursor each run: a transaction that committed late
    # (its event numbered before others already scanned) is still seen.
    "RESCAN_EVENTS": 2000,
}

INBOUND_DEFAULTS: dict[str, Any] = {
    "MAX_BATCH": 20_000,  # records per API call
    # The periodic pull (every 15 minutes): GET this URL for {"records", "history"} (empty: off).
    "PULL_URL": "",
    "PULL_TOKEN": "",  # sent as "Authorization: Bearer …" when set
    "PULL_SOURCE": "",  # the source system's name stored on the dossiers it brings
    "PULL_AGENCY": "",  # the electronic identifier of the agency they belong to
    "PULL_TIMEOUT": 60,
}


def portal() -> dict[str, Any]:
    configured = getattr(settings, "ISOGOV_PORTAL", {}) or {}
    return {**DEFAULTS, **configured}


def inbound() -> dict[str, Any]:
    configured = getattr(settings, "ISOGOV_INBOUND", {}) or {}
    return {**INBOUND_DEFAULTS, **configured}
