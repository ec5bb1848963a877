"""Staff pages of the `feedback` app (the public ones are in ``portal``)."""

from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("kiosk/", views.kiosk, name="kiosk"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/actions/<str:name>/", views.act, name="act"),
]
