"""Per-request context that services read without it being passed through every call."""

from __future__ import annotations

import contextvars

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def current_request_id() -> str:
    """The id of the HTTP request (or job) being served; empty outside one."""
    return request_id_var.get()
