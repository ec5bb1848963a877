"""Pages of the `portal` app."""

from django.urls import path

from . import feedback

app_name = "portal"

urlpatterns: list = [
    # Citizens' voice (issue 12 items 4 and 5): feedback, its follow-up, answers, ratings.
    path("phan-anh/", feedback.feedback_start, name="feedback"),
    path("phan-anh/theo-doi/", feedback.feedback_follow, name="feedback-follow"),
    path("phan-anh/hoi-dap/", feedback.feedback_answers, name="feedback-answers"),
    path("phan-anh/h/<str:token>/", feedback.feedback_item, name="feedback-item"),
    path("danh-gia/<str:token>/", feedback.rate, name="rate"),
]
