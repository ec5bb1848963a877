"""The leaders' report pages (``/reports/``)."""

from django.urls import path

from . import report_views

app_name = "reports"

urlpatterns = [
    path("statistics/", report_views.statistics_page, name="statistics"),
    path("bottlenecks/", report_views.bottlenecks_page, name="bottlenecks"),
]
