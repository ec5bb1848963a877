"""``/api/v1/``: every app's API views, the token endpoint, and the OpenAPI schema."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from isogov.workcal.api import CalendarDaysApi, CalendarDueApi

from .views import TokenObtainApi

app_name = "api"

urlpatterns = [
    path("v1/auth/token/", TokenObtainApi.as_view(), name="auth-token"),
    path("v1/calendar/due", CalendarDueApi.as_view(), name="calendar-due"),
    path("v1/calendar/days", CalendarDaysApi.as_view(), name="calendar-days"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
