from django.urls import path

from . import views

app_name = "workcal"

urlpatterns = [
    path("", views.calendar_page, name="calendar"),
    # Every change that may move an appointment (adding or removing a day, office hours, the
    # national days) is served by the composition root, isogov/views.py: it recomputes the
    # dossiers the change moves and tells their applicants (docs/calendar.md).
    path("review/", views.review_mark, name="review"),
]
