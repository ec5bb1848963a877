"""Pages of the `portal` app."""

from django.urls import path

from . import submission

app_name = "portal"

urlpatterns: list = [
    # Online submission (docs/online-submission.md).
    path("nop-truc-tuyen/", submission.submit, name="submit"),
    path(
        "nop-truc-tuyen/ban-nhap/<str:token>/",
        submission.submission_draft,
        name="submission-draft",
    ),
    path(
        "nop-truc-tuyen/ho-so/<str:token>/",
        submission.submission_status,
        name="submission-status",
    ),
    path(
        "nop-truc-tuyen/ho-so/<str:token>/giay-to/<int:paper_id>/",
        submission.paper_download,
        name="paper-download",
    ),
    path(
        "nop-truc-tuyen/ho-so/<str:token>/bieu-mau/<str:form>.pdf",
        submission.form_download,
        name="submission-form",
    ),
    path(
        "nop-truc-tuyen/ho-so/<str:token>/ket-qua/",
        submission.result_download,
        name="result-download",
    ),
    path(
        "nop-truc-tuyen/<str:agency>/<str:procedure>/",
        submission.submit_procedure,
        name="submit-procedure",
    ),
]
