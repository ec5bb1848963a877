"""OpenAPI post-processing: what middleware adds to every operation, written into the schema."""

from __future__ import annotations

from typing import Any

IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "maxLength": 200},
    "description": (
        "Send the same key again to get the first answer instead of a second write; the same "
        "key with another body is a 422. Keys are kept 24 hours."
    ),
}


def add_security_headers(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Every API write takes ``Idempotency-Key``; every operation may answer 429."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            responses.setdefault("429", {"content": error, "description": "Too many requests."})
            if method == "get" or path.startswith("/api/v1/auth/"):
                continue
            operation.setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)
            responses.setdefault(
                "422", {"content": error, "description": "Idempotency key used for another body."}
            )
    return result
