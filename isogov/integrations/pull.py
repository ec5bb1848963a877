"""The periodic pull (ISO-layer mode): fetch the configured endpoint's batch and import it.

``ISOGOV_INBOUND`` names the endpoint (``PULL_URL``; answered with ``{"records": [...],
"history": [...]}``), its bearer token, the source system and the agency. Re-sent records update
in place, so the endpoint may answer with everything changed since any time it likes.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from isogov.accounts.models import Agency
from isogov.core.errors import ValidationFailed

from . import conf
from .inbound import ImportResult, inbound_import

logger = logging.getLogger(__name__)


def inbound_pull() -> int:
    """Pull once; returns how many dossiers were created or updated (0 when off or failed)."""
    settings = conf.inbound()
    if not settings["PULL_URL"]:
        return 0
    agency = Agency.objects.filter(code=settings["PULL_AGENCY"]).first()
    if agency is None:
        logger.error("inbound pull: no agency %r", settings["PULL_AGENCY"])
        return 0
    headers = {"Accept": "application/json"}
    if settings["PULL_TOKEN"]:
        headers["Authorization"] = f"Bearer {settings['PULL_TOKEN']}"
    request = urllib.request.Request(settings["PULL_URL"], headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=settings["PULL_TIMEOUT"]) as response:  # noqa: S310
            data = json.loads(response.read().decode("utf-8-sig"))
    except (urllib.error.URLError, TimeoutError, ValueError, OSError) as error:
        logger.warning("inbound pull failed: %s", error)
        return 0
    if not isinstance(data, dict):
        logger.warning("inbound pull: the answer is not an object")
        return 0
    try:
        result: ImportResult = inbound_import(
            agency=agency,
            source=settings["PULL_SOURCE"],
            records=list(data.get("records") or []),
            history=list(data.get("history") or []),
        )
    except ValidationFailed as error:
        logger.warning("inbound pull refused: %s %s", error.message, error.details)
        return 0
    return result.created + result.updated
