"""Which webhook events a line of a dossier's timeline makes (pure: no ORM).

Read from ``DossierEvent`` rows (``action``, ``from_status``, ``to_status``), whose action
names are those of the dossier services (``isogov/dossiers/services``).
"""

from __future__ import annotations

from .models import WebhookEventType

# The services' actions that move work from one processing step to another, or give it to
# an officer (isogov/dossiers/services/steps.py).
STEP_ACTIONS = frozenset(
    {"transfer", "handover", "assign", "send_back", "finish", "request_opinion", "answer_opinion"}
)
RESULT_RETURNED = "return_result"


def event_types_for(*, action: str, from_status: str, to_status: str) -> list[str]:
    """The event types of one timeline line, in a stable order (possibly none)."""
    found: list[str] = []
    if to_status and to_status != from_status:
        found.append(WebhookEventType.DOSSIER_STATUS_CHANGED.value)
    if action in STEP_ACTIONS:
        found.append(WebhookEventType.DOSSIER_STEP.value)
    if action == RESULT_RETURNED:
        found.append(WebhookEventType.DOSSIER_RESULT_RETURNED.value)
    return found
