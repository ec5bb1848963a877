"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path

from . import views
from .qms.urls import public_urlpatterns as qms_public

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/agency/<str:code>/", views.agency_dashboard, name="agency-dashboard"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("isogov.api.urls")),
    # The calendar's changes that move appointments: the calendar's views, with the dossiers'
    # recompute (docs/calendar.md).
    path("calendar/overrides/", views.calendar_override_add, name="calendar-override-add"),
    path(
        "calendar/overrides/<int:pk>/delete/",
        views.calendar_override_remove,
        name="calendar-override-delete",
    ),
    path("calendar/office-hours/", views.calendar_office_hours, name="calendar-office-hours"),
    path("calendar/national/", views.calendar_national_set, name="calendar-national-set"),
    path(
        "calendar/national/<int:pk>/delete/",
        views.calendar_national_remove,
        name="calendar-national-delete",
    ),
    path("calendar/", include("isogov.workcal.urls")),
    path("catalog/", include("isogov.catalog.urls")),
    path("dossiers/", include("isogov.dossiers.urls")),
    path("iso/", include("isogov.qms.urls")),
    *qms_public,
    path("reports/", include("isogov.indicators.urls")),
    path("feedback/", include("isogov.feedback.urls")),
    path("integrations/", include("isogov.integrations.urls")),
    # Every public page: home, catalogue, lookup, transparency … (docs/portal.md).
    path("", include("isogov.portal.urls")),
    path("", include("isogov.accounts.urls")),
]

handler404 = "isogov.core.views.not_found"
