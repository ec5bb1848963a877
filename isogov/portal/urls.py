"""Every public page (ARCHITECTURE.md: public pages live in ``portal``), under the site's root.

Each page's view sits in its own module of ``views`` (home, catalogue, lookup, my_dossiers,
transparency, status_texts); other pages append their paths below their own comment, and the
navigation bar links ``portal:submit`` and ``portal:feedback`` as soon as they exist
(``templatetags/portal.py``).
"""

from django.urls import path

from . import feedback, submission
from .views import catalogue, home, lookup, my_dossiers, status_texts, transparency

app_name = "portal"

urlpatterns = [
    # --- home (issue 12 item 1) ---
    path("", home.home, name="home"),
    # --- catalogue ---
    path("thu-tuc/", catalogue.procedure_list_public, name="procedure-list"),
    path("thu-tuc/<str:code>/", catalogue.procedure_detail_public, name="procedure-detail"),
    path(
        "thu-tuc/<str:code>/mau/<int:paper_id>/",
        catalogue.paper_template_download,
        name="paper-template",
    ),
    # --- lookup (item 3): code + second factor by POST, or the receipt's token link ---
    path("tra-cuu/", lookup.lookup, name="lookup"),
    path("tra-cuu/h/<str:token>/", lookup.by_token, name="lookup-token"),
    # The electronic result's one address (the lookup page and the online status page link it).
    path("tra-cuu/h/<str:token>/ket-qua/", lookup.result_download, name="result-download"),
    path("tra-cuu/h/<str:token>/xin-loi.pdf", lookup.apology_pdf, name="lookup-apology"),
    path("ho-so-cua-toi/", my_dossiers.my_dossiers, name="my-dossiers"),
    path("ho-so-cua-toi/l/<str:token>/", my_dossiers.redeem, name="my-dossiers-link"),
    # --- transparency ---
    path("minh-bach/", transparency.transparency, name="transparency"),
    # --- staff: the agency's wording of the lookup's statuses (in-app administration) ---
    path("quan-tri/van-ban-tra-cuu/", status_texts.status_texts, name="status-texts"),
    # --- citizens' voice (issue 12 items 4 and 5): feedback, its follow-up, answers, ratings ---
    path("phan-anh/", feedback.feedback_start, name="feedback"),
    path("phan-anh/theo-doi/", feedback.feedback_follow, name="feedback-follow"),
    path("phan-anh/hoi-dap/", feedback.feedback_answers, name="feedback-answers"),
    path("phan-anh/h/<str:token>/", feedback.feedback_item, name="feedback-item"),
    path("danh-gia/<str:token>/", feedback.rate, name="rate"),
    # --- online submission (item 2; docs/online-submission.md) ---
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
    # Its first address, in links already sent: a permanent redirect to the one above.
    path(
        "nop-truc-tuyen/ho-so/<str:token>/ket-qua/",
        lookup.result_download_moved,
        name="result-download-moved",
    ),
    path(
        "nop-truc-tuyen/<str:agency>/<str:procedure>/",
        submission.submit_procedure,
        name="submit-procedure",
    ),
]
