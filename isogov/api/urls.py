"""``/api/v1/``: every app's API views, the token endpoint, and the OpenAPI schema."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from isogov.catalog.api import (
    ProcedureDetailApi,
    ProcedureListApi,
    VersionCreateApi,
    VersionDetailApi,
    VersionProcessApi,
    VersionPublishApi,
    VersionRetireApi,
)
from isogov.dossiers.api import (
    ACTION_APIS,
    DossierCollectionApi,
    DossierDetailApi,
    DossierQueueApi,
    DossierUnknownActionApi,
)
from isogov.feedback.api import api_urlpatterns as feedback_api
from isogov.indicators.api import IndicatorListApi, StatisticsReportApi
from isogov.integrations.api import api_urlpatterns as integrations_api
from isogov.qms.api import QmsCoverageApi
from isogov.workcal.api import CalendarDaysApi, CalendarDueApi

from .permissions import ApiDocsPermission
from .views import (
    ApiKeyMeApi,
    ApiNotFound,
    MeApi,
    TokenDetailApi,
    TokenListApi,
    TokenObtainApi,
    TokenRevokeApi,
)

app_name = "api"

urlpatterns = [
    path("v1/auth/token/", TokenObtainApi.as_view(), name="auth-token"),
    path("v1/me/", MeApi.as_view(), name="me"),
    path("v1/qms/coverage/", QmsCoverageApi.as_view(), name="qms-coverage"),
    path("v1/auth/token/revoke/", TokenRevokeApi.as_view(), name="auth-token-revoke"),
    path("v1/auth/api-key/", ApiKeyMeApi.as_view(), name="auth-api-key"),
    path("v1/auth/tokens/", TokenListApi.as_view(), name="auth-tokens"),
    path("v1/auth/tokens/<int:pk>/", TokenDetailApi.as_view(), name="auth-token-detail"),
    path("v1/calendar/due", CalendarDueApi.as_view(), name="calendar-due"),
    path("v1/calendar/days", CalendarDaysApi.as_view(), name="calendar-days"),
    path("v1/procedures/", ProcedureListApi.as_view(), name="procedures"),
    path("v1/procedures/<str:code>/", ProcedureDetailApi.as_view(), name="procedure"),
    path(
        "v1/procedures/<str:code>/versions/",
        VersionCreateApi.as_view(),
        name="procedure-versions",
    ),
    path(
        "v1/procedures/<str:code>/versions/<int:number>/",
        VersionDetailApi.as_view(),
        name="procedure-version",
    ),
    path(
        "v1/procedures/<str:code>/versions/<int:number>/publish/",
        VersionPublishApi.as_view(),
        name="procedure-version-publish",
    ),
    path(
        "v1/procedures/<str:code>/versions/<int:number>/process/",
        VersionProcessApi.as_view(),
        name="procedure-version-process",
    ),
    path(
        "v1/procedures/<str:code>/versions/<int:number>/retire/",
        VersionRetireApi.as_view(),
        name="procedure-version-retire",
    ),
    path("v1/dossiers/", DossierCollectionApi.as_view(), name="dossier-list"),
    path("v1/indicators/", IndicatorListApi.as_view(), name="indicators"),
    path("v1/reports/statistics/", StatisticsReportApi.as_view(), name="reports-statistics"),
    path("v1/dossiers/queue/", DossierQueueApi.as_view(), name="dossier-queue"),
    path("v1/dossiers/<str:code>/", DossierDetailApi.as_view(), name="dossier-detail"),
    *(
        path(
            f"v1/dossiers/<str:code>/actions/{api.action.name}/",
            api.as_view(),
            name=f"dossier-{api.action.name.replace('_', '-')}",
        )
        for api in ACTION_APIS
    ),
    path(
        "v1/dossiers/<str:code>/actions/<str:action>/",
        DossierUnknownActionApi.as_view(),
        name="dossier-action-unknown",
    ),
    path(
        "schema/",
        SpectacularAPIView.as_view(permission_classes=[ApiDocsPermission]),
        name="schema",
    ),
    # The split view serves Swagger UI's start-up script as a file: the CSP allows no inline one.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", permission_classes=[ApiDocsPermission]
        ),
        name="docs",
    ),
    *feedback_api,
    *integrations_api,
    # Last: anything else under /api/ is the API's JSON 404.
    re_path(r"^.*/$", ApiNotFound.as_view(), name="not-found"),
]
