"""Token sign-in for API clients, revoking one's own token, and a machine client's key."""

from __future__ import annotations

import math
from typing import Any

from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from isogov.accounts.api_keys import api_key_of
from isogov.accounts.models import ApiKeyScope, ApiToken
from isogov.accounts.selectors import api_token_list
from isogov.accounts.services.security import api_token_create, api_token_revoke, user_token_revoke
from isogov.accounts.services.two_factor import two_factor_check, two_factor_device
from isogov.core.api import ErrorOutputSerializer
from isogov.core.errors import ApplicationError, NotFound, TooManyAttempts

from .throttles import TokenThrottle


class WrongCredentials(ApplicationError):
    """A wrong username, password or authenticator code (HTTP 401)."""

    status_code = 401


@extend_schema(exclude=True)
class ApiNotFound(APIView):
    """Any other path under ``/api/`` ending in a slash: the API's JSON 404, not the HTML page
    (a path without its slash is still redirected by ``APPEND_SLASH``)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    def _missing(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise NotFound()

    get = post = put = patch = delete = _missing


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

        name = serializers.CharField(
            required=False,
            max_length=100,
            help_text="A name for the token, e.g. the script or device that uses it.",
        )

    @extend_schema_serializer(component_name="Token")
    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField(help_text="The key: shown only this once.")
        id = serializers.IntegerField()
        name = serializers.CharField()
        expires_at = serializers.DateTimeField()

    @extend_schema(
        operation_id="auth_token",
        request=InputSerializer,
        responses={
            200: OutputSerializer,
            400: ErrorOutputSerializer,
            401: OpenApiResponse(
                ErrorOutputSerializer, description="Wrong credentials, or the code is missing."
            ),
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
            raise WrongCredentials(_("Wrong username or password."), code="authentication_failed")
        if two_factor_device(user) is not None and not two_factor_check(
            user=user, code=data.validated_data.get("otp", "")
        ):
            message = _("The code of the authenticator app is missing or wrong.")
            raise WrongCredentials(message, code="otp_required", details={"otp": [message]})
        token, key = api_token_create(
            actor=user, name=data.validated_data.get("name") or _("API token")
        )
        return Response(
            {"token": key, "id": token.pk, "name": token.name, "expires_at": token.expires_at}
        )


class TokenRevokeApi(APIView):
    """Revoke every API token of yours, the one this request is signed with included."""

    @extend_schema(operation_id="auth_token_revoke", request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        user_token_revoke(actor=request.user)  # type: ignore[arg-type]
        return Response(status=204)


class MeApi(APIView):
    """The signed-in user: who the token (or session) belongs to, and their home agency.

    A client's first call, to check its token; it runs no query beyond the authentication
    (the token's user is read with their agency), so ``bench/http_edge.py`` uses it as the
    server's trivial authenticated endpoint.
    """

    @extend_schema_serializer(component_name="Me")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        full_name = serializers.CharField()
        agency = serializers.CharField(
            source="agency.code", allow_null=True, default=None, help_text="The home agency."
        )

    @extend_schema(operation_id="me", responses={200: OutputSerializer})
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(request.user).data)


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

    @extend_schema(
        operation_id="api_key_me",
        responses={200: OutputSerializer, 403: ErrorOutputSerializer},
    )
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(api_key_of(request)).data)


@extend_schema_serializer(component_name="ApiToken")
class ApiTokenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="The key's first characters, to recognise it.")
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    current = serializers.BooleanField(help_text="The token this request is signed with.")


class TokenListApi(APIView):
    """Your API tokens, newest first, with when each was last used."""

    @extend_schema(operation_id="auth_tokens", responses={200: ApiTokenSerializer(many=True)})
    def get(self, request: Request) -> Response:
        current = request.auth.pk if isinstance(request.auth, ApiToken) else None
        rows = [
            {
                "id": t.pk,
                "name": t.name,
                "prefix": t.prefix,
                "created_at": t.created_at,
                "expires_at": t.expires_at,
                "last_used_at": t.last_used_at,
                "current": t.pk == current,
            }
            for t in api_token_list(user=request.user)  # type: ignore[arg-type]
        ]
        return Response(ApiTokenSerializer(rows, many=True).data)


class TokenDetailApi(APIView):
    """Revoke one of your API tokens."""

    @extend_schema(
        operation_id="auth_token_delete",
        request=None,
        responses={204: None, 404: ErrorOutputSerializer},
    )
    def delete(self, request: Request, pk: int) -> Response:
        api_token_revoke(actor=request.user, token_id=pk)  # type: ignore[arg-type]
        return Response(status=204)
