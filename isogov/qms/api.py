"""The QMS API: the clause coverage matrix an auditor opens first."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from isogov.accounts.models import User
from isogov.core.api import ErrorOutputSerializer
from isogov.core.errors import ValidationFailed

from .selectors import coverage_matrix, qms_agency


class EvidenceOutputSerializer(serializers.Serializer):
    name = serializers.CharField(source="label", help_text="What kind of record evidences it.")
    count = serializers.IntegerField(help_text="How many such records there are.")
    latest = serializers.DateField(allow_null=True, help_text="The date of the latest one.")


class CoverageRowOutputSerializer(serializers.Serializer):
    clause = serializers.CharField(help_text="ISO 9001:2015 clause, e.g. 9.3.")
    title = serializers.CharField(help_text="The clause's title in TCVN ISO 9001:2015.")
    evidence = EvidenceOutputSerializer(many=True)
    latest = serializers.DateField(allow_null=True, help_text="The latest evidence of all.")
    is_gap = serializers.BooleanField(
        help_text="No evidence; for 9.2 and 9.3 also none in the last year (shown in red)."
    )


@extend_schema_serializer(component_name="QmsCoverage")
class CoverageOutputSerializer(serializers.Serializer):
    agency = serializers.CharField(help_text="The agency's electronic identifier.")
    gaps = serializers.IntegerField(help_text="How many clauses have no current evidence.")
    clauses = CoverageRowOutputSerializer(many=True)


class QmsCoverageApi(APIView):
    """The clause coverage matrix of an agency's QMS: clauses 4–10 with their evidence."""

    @extend_schema(
        operation_id="qms_coverage",
        tags=["qms"],
        parameters=[
            OpenApiParameter(
                "agency", str, required=True, description="The agency's electronic identifier."
            )
        ],
        responses={
            200: CoverageOutputSerializer,
            400: ErrorOutputSerializer,
            404: ErrorOutputSerializer,
        },
    )
    def get(self, request: Request) -> Response:
        code = request.query_params.get("agency", "").strip()
        if not code:
            message = _("This parameter is required.")
            raise ValidationFailed(f"agency: {message}", details={"agency": [message]})
        user = request.user
        assert isinstance(user, User)
        agency = qms_agency(user=user, code=code)
        rows = coverage_matrix(agency=agency)
        data = {"agency": agency.code, "gaps": sum(r.is_gap for r in rows), "clauses": rows}
        return Response(CoverageOutputSerializer(data).data)
