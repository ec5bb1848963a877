"""Public calendar API: due-time computation and the list of days with their type."""

from __future__ import annotations

import datetime as dt

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from isogov.accounts.models import Agency
from isogov.accounts.selectors import agency_get_public
from isogov.core import clock
from isogov.core.errors import ValidationFailed

from .engine import CalendarRangeError, Unit, WorkingCalendar
from .selectors import calendar_for

MAX_DAYS = 1000


def _bad(param: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{param}: {message}", details={param: [message]})


def _required(request: Request, param: str) -> str:
    value = request.query_params.get(param, "").strip()
    if not value:
        raise _bad(param, _("This parameter is required."))
    return value


def _agency(request: Request) -> Agency | None:
    code = request.query_params.get("agency", "").strip()
    if not code:
        return None
    try:
        return agency_get_public(code=code)
    except Exception as exc:
        raise _bad("agency", _("No agency has this code.")) from exc


def _start(request: Request) -> dt.datetime:
    text = _required(request, "start").replace(" ", "+")
    try:
        start = parse_datetime(text)
    except ValueError:  # well-formed but impossible, e.g. 2026-02-30 or an offset of +99:00
        start = None
    if start is None:
        raise _bad("start", _("Not an ISO 8601 date and time."))
    return start


def _outside(calendar: WorkingCalendar, param: str) -> ValidationFailed:
    return _bad(
        param,
        _("Outside the working calendar (%(first)d–%(last)d).")
        % {"first": calendar.spec.first_year, "last": calendar.spec.last_year},
    )


class CalendarDueApi(APIView):
    """When is something due: ``start`` plus ``amount`` ``unit`` on an agency's calendar."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema_serializer(component_name="CalendarDue")
    class OutputSerializer(serializers.Serializer):
        start_counted_at = serializers.DateTimeField()
        due_at = serializers.DateTimeField()

    @extend_schema(
        operation_id="calendar_due",
        parameters=[
            OpenApiParameter(
                "start",
                OpenApiTypes.DATETIME,
                required=True,
                description=(
                    "ISO 8601 instant; without an offset it is Vietnam time. Must lie in the "
                    "working calendar's years (ISOGOV_WORKCAL_FIRST_YEAR to _LAST_YEAR)."
                ),
            ),
            OpenApiParameter(
                "amount",
                OpenApiTypes.NUMBER,
                required=True,
                description=(
                    "0 to 100000; fractions allowed for working days/hours. A result after "
                    "the calendar's last year is a 400 naming 'amount'."
                ),
            ),
            OpenApiParameter("unit", OpenApiTypes.STR, required=True, enum=[u.value for u in Unit]),
            OpenApiParameter(
                "agency",
                OpenApiTypes.STR,
                required=False,
                description="Agency code; without it the national calendar.",
            ),
        ],
        responses={200: OutputSerializer},
    )
    def get(self, request: Request) -> Response:
        start = _start(request)
        amount_text = _required(request, "amount")
        try:
            amount = float(amount_text)
        except ValueError as exc:
            raise _bad("amount", _("Not a number.")) from exc
        if amount < 0 or amount != amount or amount > 100_000:
            raise _bad("amount", _("Must be a number from 0 to 100000."))
        unit_text = _required(request, "unit")
        try:
            unit = Unit(unit_text)
        except ValueError as exc:
            allowed = ", ".join(u.value for u in Unit)
            raise _bad("unit", _("Must be one of: %(allowed)s.") % {"allowed": allowed}) from exc
        calendar = calendar_for(agency=_agency(request))
        first, last = calendar.spec.first_year, calendar.spec.last_year
        # Checked before any arithmetic: 9999-12-31T23:00Z has no Vietnam local time at all.
        if not first <= start.year <= last:
            raise _outside(calendar, "start")
        start = clock.to_local(start)
        if not first <= start.year <= last:
            raise _outside(calendar, "start")
        try:
            due = calendar.add(start, amount_text, unit)
        except CalendarRangeError as exc:
            raise _bad(
                "amount",
                _("The result falls after the working calendar's last year (%(last)d).")
                % {"last": last},
            ) from exc
        except ValueError as exc:
            raise _bad("amount", str(exc)) from exc
        return Response(
            self.OutputSerializer(
                {"start_counted_at": due.start_counted_at, "due_at": due.due_at}
            ).data
        )


class CalendarDaysApi(APIView):
    """Each day between ``from`` and ``to`` with its type and name."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        operation_id="calendar_days",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter(
                "to",
                OpenApiTypes.DATE,
                required=True,
                description=f"At most {MAX_DAYS} days after 'from'.",
            ),
            OpenApiParameter("agency", OpenApiTypes.STR, required=False),
        ],
        responses={
            200: inline_serializer(
                "CalendarDays",
                {
                    "days": inline_serializer(
                        "CalendarDay",
                        {
                            "date": serializers.DateField(),
                            "type": serializers.ChoiceField(
                                choices=[
                                    "working",
                                    "weekend",
                                    "holiday",
                                    "day_off",
                                    "makeup_working_day",
                                ]
                            ),
                            "name": serializers.CharField(),
                        },
                        many=True,
                    )
                },
            )
        },
    )
    def get(self, request: Request) -> Response:
        dates: dict[str, dt.date] = {}
        for param in ("from", "to"):
            text = _required(request, param)
            try:
                value = parse_date(text)
            except ValueError:
                value = None
            if value is None:
                raise _bad(param, _("Not a date (YYYY-MM-DD)."))
            dates[param] = value
        start, end = dates["from"], dates["to"]
        if end < start:
            raise _bad("to", _("Must not be before 'from'."))
        if (end - start).days >= MAX_DAYS:
            raise _bad("to", _("At most %(count)d days per request.") % {"count": MAX_DAYS})
        calendar = calendar_for(agency=_agency(request))
        first, last = calendar.spec.first_year, calendar.spec.last_year
        for param, value in dates.items():
            if not first <= value.year <= last:
                raise _outside(calendar, param)
        days = [
            {"date": date.isoformat(), "type": day_type.value, "name": name}
            for date, day_type, name in calendar.iter_days(start, end)
        ]
        return Response({"days": days})
