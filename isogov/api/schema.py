"""OpenAPI post-processing: what middleware adds to every operation, written into the schema."""

from __future__ import annotations

from typing import Any

IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"},
    "description": (
        "Printable ASCII, at most 200 characters. Send the same key again to get the first "
        "answer instead of a second write; the same key with another body is a 422. Keys are "
        "kept 24 hours."
    ),
}


def add_security_headers(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Every API write takes ``Idempotency-Key``; every operation may answer 429; signed-in
    ones 401; those with a path parameter 404."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            responses.setdefault("429", {"content": error, "description": "Too many requests."})
            # Signed-in operations refuse a missing, expired or revoked token.
            if {} not in operation.get("security", [{}]):
                responses.setdefault(
                    "401",
                    {"content": error, "description": "No valid token or session."},
                )
            # A code or number in the path that names nothing, or a page past the end.
            names = {p.get("name") for p in operation.get("parameters", [])}
            if "{" in path or "page" in names:
                responses.setdefault("404", {"content": error, "description": "Not found."})
            # Any input can be refused, naming its field.
            if operation.get("parameters") or "requestBody" in operation:
                responses.setdefault(
                    "400", {"content": error, "description": "Bad input; the field is named."}
                )
            # Writes need a role: a signed-in user without it is refused.
            if method != "get" and {} not in operation.get("security", [{}]):
                responses.setdefault(
                    "403", {"content": error, "description": "Your role may not do this."}
                )
            if method == "get" or path.startswith("/api/v1/auth/"):
                continue
            operation.setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)
            responses.setdefault(
                "422", {"content": error, "description": "Idempotency key used for another body."}
            )
    return result
