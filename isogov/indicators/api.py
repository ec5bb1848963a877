"""``GET /api/v1/indicators/``: the measures of the registry for an agency and a period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from isogov.accounts.models import User
from isogov.core.api import ErrorOutputSerializer
from isogov.core.errors import ValidationFailed

from .registry import codes, evaluate_all
from .selectors import indicator_scope_get
from .statistics import BY, COLUMN_KEYS, statistics_report

TAGS = ["indicators"]
MAX_YEARS = 5

NOT_A_DATE = _("Not a date (YYYY-MM-DD).")
REQUIRED = _("This parameter is required.")
TO_BEFORE_FROM = _("The end of the period is before its start.")
TOO_LONG = _("The period is longer than %(years)d years.")
UNKNOWN_CODES = _("Unknown indicator codes: %(codes)s.")
NOT_A_BREAKDOWN = _("Must be one of: %(choices)s.")


def _bad(field: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, details={field: [str(message)]})


def _date(request: Request, field: str) -> dt.date:
    text = request.query_params.get(field, "").strip()
    if not text:
        raise _bad(field, REQUIRED)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _bad(field, NOT_A_DATE) from None


def _number(value: Decimal | int | None) -> float | int | None:
    return float(value) if isinstance(value, Decimal) else value


@extend_schema_serializer(component_name="IndicatorFigure")
class IndicatorOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Registry code, e.g. 2.1 (Decision 766).")
    name = serializers.CharField(help_text="In the request's language (Vietnamese first).")
    numerator = serializers.FloatField(
        allow_null=True, help_text="null: the system records no data for it yet."
    )
    denominator = serializers.FloatField(
        allow_null=True,
        help_text="0 with value null: not applicable (N/A); null: no data yet.",
    )
    value = serializers.FloatField(allow_null=True, help_text="A percentage with 2 decimals.")
    points = serializers.FloatField(allow_null=True)
    max_points = serializers.FloatField(allow_null=True)


@extend_schema_serializer(component_name="IndicatorSet")
class IndicatorSetOutputSerializer(serializers.Serializer):
    agency = serializers.CharField()
    from_ = serializers.DateField()
    to = serializers.DateField()
    indicators = IndicatorOutputSerializer(many=True)

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        # "from" is a Python keyword: declared as ``from_``, shown as "from", in order.
        return {name.rstrip("_"): fields[name] for name in ("agency", "from_", "to", "indicators")}


class IndicatorListApi(APIView):
    """The Decision 766 set (or the named codes) for an agency, narrowed by unit, sector or
    procedure, over a period."""

    @extend_schema(
        operation_id="indicator_list",
        tags=TAGS,
        description=(
            "The Decision 766/QĐ-TTg indicators (or those named in ``codes``) for an agency the "
            "user may see, over the days ``from``–``to`` (both included). A closed period with a "
            "stored snapshot gives its stored figures. A zero denominator gives ``value: null`` "
            "(N/A), never 0; an indicator whose data the system does not record yet has "
            "``numerator`` and ``denominator`` null. See docs/indicators.md."
        ),
        parameters=[
            OpenApiParameter(
                "agency",
                OpenApiTypes.STR,
                description="Agency code; by default "
                "the user's own agency. Outside the user's scope: 404.",
            ),
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
            OpenApiParameter("unit", OpenApiTypes.STR, description="Unit code in the agency."),
            OpenApiParameter("sector", OpenApiTypes.STR, description="Sector code."),
            OpenApiParameter("procedure", OpenApiTypes.STR, description="Procedure code."),
            OpenApiParameter(
                "codes",
                OpenApiTypes.STR,
                description="Comma-separated registry codes (e.g. 2.1,2.2,tt01.1); by default "
                "the Decision 766 set.",
            ),
        ],
        responses={
            200: IndicatorSetOutputSerializer,
            400: ErrorOutputSerializer,
            404: ErrorOutputSerializer,
        },
    )
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)  # IsAuthenticated (the default permission)
        params = request.query_params
        date_from, date_to = _date(request, "from"), _date(request, "to")
        if date_to < date_from:
            raise _bad("to", TO_BEFORE_FROM)
        if date_to >= _add_years(date_from, MAX_YEARS):
            raise _bad("to", TOO_LONG % {"years": MAX_YEARS})
        wanted = codes("766")
        if params.get("codes", "").strip():
            wanted = [c.strip() for c in params["codes"].split(",") if c.strip()]
            unknown = [c for c in wanted if c not in codes()]
            if unknown:
                raise _bad("codes", UNKNOWN_CODES % {"codes": ", ".join(unknown)})
        scope = indicator_scope_get(
            user=user,
            agency=params.get("agency", "").strip(),
            unit=params.get("unit", "").strip(),
            sector=params.get("sector", "").strip(),
            procedure=params.get("procedure", "").strip(),
        )
        results = evaluate_all(scope, date_from, date_to, only=wanted)
        return Response(
            {
                "agency": scope.agency.code,
                "from": date_from.isoformat(),
                "to": date_to.isoformat(),
                "indicators": [
                    {
                        "code": r.code,
                        "name": r.name,
                        "numerator": _number(r.numerator),
                        "denominator": _number(r.denominator),
                        "value": _number(r.value),
                        "points": _number(r.points),
                        "max_points": _number(r.max_points),
                    }
                    for r in results
                ],
            }
        )


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@extend_schema_serializer(component_name="StatisticsCounts")
class StatisticsCountsSerializer(serializers.Serializer):
    received = serializers.IntegerField(help_text="Carried over + new.")
    carried_over = serializers.IntegerField()
    new = serializers.IntegerField()
    new_online = serializers.IntegerField()
    new_in_person = serializers.IntegerField()
    new_postal = serializers.IntegerField()
    resolved = serializers.IntegerField()
    resolved_early = serializers.IntegerField()
    resolved_on_time = serializers.IntegerField()
    resolved_late = serializers.IntegerField()
    in_process = serializers.IntegerField()
    in_process_within = serializers.IntegerField()
    in_process_overdue = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    refused = serializers.IntegerField()
    stopped = serializers.IntegerField()
    returned = serializers.IntegerField(help_text="Sent back for a supplement in the period.")


@extend_schema_serializer(component_name="StatisticsRow")
class StatisticsRowSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Sector, procedure or unit code.")
    name = serializers.CharField()
    counts = StatisticsCountsSerializer()


@extend_schema_serializer(component_name="StatisticsReport")
class StatisticsReportSerializer(serializers.Serializer):
    agency = serializers.CharField()
    from_ = serializers.DateField()
    to = serializers.DateField()
    by = serializers.ChoiceField(choices=list(BY))
    stored_at = serializers.DateTimeField(
        allow_null=True, help_text="When the closed period's figures were stored; null: live."
    )
    rows = StatisticsRowSerializer(many=True)
    total = StatisticsCountsSerializer()

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        order = ("agency", "from_", "to", "by", "stored_at", "rows", "total")
        return {name.rstrip("_"): fields[name] for name in order}


class StatisticsReportApi(APIView):
    """The periodic statistics report of an agency over a period, by sector, procedure or
    unit."""

    @extend_schema(
        operation_id="statistics_report",
        tags=["reports"],
        description=(
            "The periodic statistics report (docs/indicators.md): received (carried over + new, "
            "by channel), resolved (early / on time / late), in process (within / past the "
            "deadline), withdrawn, refused, stopped, and returned for a supplement, per sector, "
            "procedure or unit, over the days ``from``–``to`` (both included). carried_over + new "
            "= resolved + in_process + withdrawn + refused + stopped. A closed period with a "
            "stored snapshot gives its stored figures. An agency outside the user's scope: 404."
        ),
        parameters=[
            OpenApiParameter(
                "agency",
                OpenApiTypes.STR,
                description="Agency code; by default the user's own agency.",
            ),
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
            OpenApiParameter("by", OpenApiTypes.STR, enum=list(BY), description="Default sector."),
        ],
        responses={
            200: StatisticsReportSerializer,
            400: ErrorOutputSerializer,
            404: ErrorOutputSerializer,
        },
    )
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)  # IsAuthenticated (the default permission)
        params = request.query_params
        date_from, date_to = _date(request, "from"), _date(request, "to")
        if date_to < date_from:
            raise _bad("to", TO_BEFORE_FROM)
        if date_to >= _add_years(date_from, MAX_YEARS):
            raise _bad("to", TOO_LONG % {"years": MAX_YEARS})
        by = params.get("by", "").strip() or "sector"
        if by not in BY:
            raise _bad("by", NOT_A_BREAKDOWN % {"choices": ", ".join(BY)})
        scope = indicator_scope_get(user=user, agency=params.get("agency", "").strip())
        report = statistics_report(scope.agency, date_from, date_to, by)
        return Response(
            {
                "agency": scope.agency.code,
                "from": date_from.isoformat(),
                "to": date_to.isoformat(),
                "by": by,
                "stored_at": report.taken_at.isoformat() if report.taken_at else None,
                "rows": [
                    {"code": r.code, "name": r.label, "counts": _counts(r.counts)}
                    for r in report.rows
                ],
                "total": _counts(report.total.counts),
            }
        )


def _counts(counts: dict[str, int]) -> dict[str, int]:
    return {key: counts[key] for key in COLUMN_KEYS}
