"""DRF plumbing shared by every app's ``api.py``: one error shape and pagination."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.paginator import Paginator
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import exceptions, pagination, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ApplicationError, RequestTooLarge, TooManyAttempts, ValidationFailed


class _BuiltFields(threading.local):
    by_class: dict[type, Any]

    def __init__(self) -> None:
        self.by_class = {}


_BUILT_FIELDS = _BuiltFields()


# For an input serializer: its fields, and its nested serializers' fields, built once per
# class and thread instead of at each request.
#
# DRF deep-copies the declared fields of a serializer, and of each nested one, for every
# instance: for the intake's input about 40 field objects per request (bench/api_write.py).
# Here the first instance in a thread builds them; a later one takes them over and re-points
# the top fields at itself, so ``root`` and ``context`` are its own. The fields keep no
# state of a validation between requests (the errors and validated data are on the top
# serializer), and a thread validates one request at a time. Only for serializers whose
# fields do not depend on the instance (no ``get_fields`` override reading ``context``).
# (A comment, not a docstring: drf-spectacular would take a docstring as the description of
# every serializer that uses it.)
class FieldsBuiltOnce:
    @cached_property
    def fields(self) -> Any:
        built = _BUILT_FIELDS.by_class
        fields = built.get(type(self))
        if fields is None:
            fields = built[type(self)] = serializers.Serializer.fields.func(self)  # type: ignore[attr-defined]
            return fields
        fields.serializer = self
        for field in fields.values():
            field.parent = self
        return fields


BODY_TOO_LARGE = gettext_lazy("The request body is larger than %(size)d bytes.")


def _flatten(detail: Any) -> Any:
    if isinstance(detail, list):
        return [str(item) for item in detail]
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error as ``{"error": {"code": ..., "message": ..., "details": {...}}}``."""
    if isinstance(exc, RequestDataTooBig):
        # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) when DRF reads it.
        message = str(BODY_TOO_LARGE % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
        exc = RequestTooLarge(f"body: {message}", details={"body": [message]})
    if isinstance(exc, ApplicationError):
        body = {"code": exc.code, "message": str(exc.message), "details": exc.details}
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyAttempts) else {}
        return Response({"error": body}, status=exc.status_code, headers=headers)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        details = _flatten(exc.detail)
        if not isinstance(details, dict):
            details = {"non_field_errors": details}
        first = next(iter(details.items()), None)
        message = _("Invalid input.")
        if first is not None:
            field, problems = first
            text = problems[0] if isinstance(problems, list) and problems else problems
            message = f"{field}: {text}"
        body = {"code": "validation_failed", "message": message, "details": details}
    else:
        code = getattr(exc, "default_code", "error")
        detail = getattr(exc, "detail", "")
        body = {"code": code, "message": str(detail), "details": {}}
    response.data = {"error": body}
    return response


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Any) -> int | None:
        """DRF falls back to the default size for a bad ``page_size``; we name the field."""
        values = request.query_params.getlist(self.page_size_query_param)
        if values:
            raw = values[-1]
            if len(values) > 1 or not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
                message = _("Give one whole number from 1 to %(max)d.") % {
                    "max": self.max_page_size
                }
                raise ValidationFailed(
                    f"page_size: {message}", details={"page_size": [str(message)]}
                )
        return super().get_page_size(request)


class _CappedPaginator(Paginator):
    """Counts no further than ``cap`` + 1 rows (``SELECT COUNT(*) FROM (… LIMIT cap + 1)``)."""

    cap = 1000
    capped = False

    @cached_property
    def count(self) -> int:
        found = int(self.object_list[: self.cap + 1].count())  # type: ignore[attr-defined]
        self.capped = found > self.cap
        return min(found, self.cap)


class CappedPageNumberPagination(PageNumberPagination):
    """Pages whose ``count`` stops at ``COUNT_CAP``: a search over a million rows is not counted
    to the end. ``count_capped`` says there are more; the pages reach as far as the count."""

    COUNT_CAP = 1000

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_capped": getattr(paginator, "capped", False),
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def django_paginator_class(self, object_list: Any, per_page: int) -> Paginator:  # type: ignore[override]
        paginator = _CappedPaginator(object_list, per_page)
        paginator.cap = self.COUNT_CAP
        return paginator

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = (
            f"How many match, counted up to {self.COUNT_CAP}; past that the count stays at "
            f"{self.COUNT_CAP}, ``count_capped`` is true and the pages end there (narrow the "
            "search)."
        )
        response["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"True when more than {self.COUNT_CAP} match.",
        }
        response["required"] = [*response.get("required", []), "count_capped"]
        return response


@extend_schema_serializer(component_name="ErrorBody")
class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, machine-readable: e.g. conflict, not_found.")
    message = serializers.CharField(help_text="A sentence for the user, in their language.")
    details = serializers.DictField(help_text="Field name → messages; 409: the current version.")


@extend_schema_serializer(component_name="Error")
class ErrorOutputSerializer(serializers.Serializer):
    """The one error shape of the API (for the schema; ``exception_handler`` writes it)."""

    error = ErrorBodySerializer()
