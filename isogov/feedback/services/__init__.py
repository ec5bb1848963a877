"""Every write of the feedback app: submit an item, act on it (one entry point that reads the
action table), invite and record ratings. Each runs in one transaction with its audit event;
messages to the citizen go to the outbox in the same transaction."""

from ._common import follow_url
from .items import choice_values, feedback_act, feedback_submit
from .ratings import (
    rating_invitations_send,
    rating_invite,
    rating_kiosk_submit,
    rating_submit,
    rating_url,
)

__all__ = [
    "choice_values",
    "feedback_act",
    "feedback_submit",
    "follow_url",
    "rating_invitations_send",
    "rating_invite",
    "rating_kiosk_submit",
    "rating_submit",
    "rating_url",
]
