"""Token sign-in for API clients, revoking one's own token, and a machine client's key."""

from __future__ import annotations

import math

from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from isogov.accounts.api_keys import api_key_of
from isogov.accounts.models import ApiKeyScope
from isogov.accounts.services.security import user_token_revoke
from isogov.accounts.services.two_factor import two_factor_check, two_factor_device
from isogov.core.api import ErrorOutputSerializer
from isogov.core.errors import ApplicationError, TooManyAttempts

from .throttles import TokenThrottle


class TokenObtainApi(APIView):
    """Exchange a username and password for an API token."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [TokenThrottle]

    @extend_schema_serializer(component_name="Credentials")
    class InputSerializer(serializers.Serializer):
        username = serializers.CharField()
        password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
        otp = serializers.CharField(
            required=False,
            help_text="The authenticator app's code, for users with two-factor sign-in.",
        )

    @extend_schema_serializer(component_name="Token")
    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(
        operation_id="auth_token",
        request=InputSerializer,
        responses={
            200: OutputSerializer,
            400: ErrorOutputSerializer,
            429: OpenApiResponse(ErrorOutputSerializer, description="Locked or throttled."),
        },
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        until = getattr(request._request, "isogov_locked_until", None)
        if until is not None:
            wait = math.ceil((until - timezone.now()).total_seconds())
            raise TooManyAttempts(retry_after=max(wait, 1))
        if user is None or not user.is_active:
            raise ApplicationError(_("Wrong username or password."), code="authentication_failed")
        if two_factor_device(user) is not None and not two_factor_check(
            user=user, code=data.validated_data.get("otp", "")
        ):
            message = _("The code of the authenticator app is missing or wrong.")
            raise ApplicationError(message, code="otp_required", details={"otp": [message]})
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class TokenRevokeApi(APIView):
    """Revoke the API token this request is signed with (and any other of yours)."""

    @extend_schema(operation_id="auth_token_revoke", request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        user_token_revoke(actor=request.user)  # type: ignore[arg-type]
        return Response(status=204)


class ApiKeyIsUsable(BasePermission):
    """Any usable API key (the authentication class refused the others with 401)."""

    def has_permission(self, request: Request, view: object) -> bool:
        return api_key_of(request) is not None


class ApiKeyMeApi(APIView):
    """The API key this request was sent with: its agency, scopes and expiry (a client's
    first call, to check its configuration)."""

    permission_classes = [ApiKeyIsUsable]

    @extend_schema_serializer(component_name="ApiKey")
    class OutputSerializer(serializers.Serializer):
        key_id = serializers.CharField()
        name = serializers.CharField()
        agency = serializers.CharField(source="agency.code")
        scopes = serializers.ListField(child=serializers.ChoiceField(choices=ApiKeyScope.choices))
        expires_at = serializers.DateTimeField()
        last_used_at = serializers.DateTimeField(allow_null=True)

    @extend_schema(operation_id="api_key_me", responses={200: OutputSerializer})
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(api_key_of(request)).data)
