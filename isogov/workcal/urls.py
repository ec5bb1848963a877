from django.urls import path

from . import views

app_name = "workcal"

urlpatterns = [
    path("", views.calendar_page, name="calendar"),
    # "overrides/" (adding a day) is served by the composition root, isogov/views.py: it shows
    # and recomputes the dossiers the day moves (docs/calendar.md).
    path("overrides/<int:pk>/delete/", views.override_delete, name="override-delete"),
    path("review/", views.review_mark, name="review"),
    path("office-hours/", views.office_hours_update, name="office-hours"),
    path("national/", views.national_override_save, name="national-override-set"),
    path(
        "national/<int:pk>/delete/",
        views.national_override_remove,
        name="national-override-delete",
    ),
]
