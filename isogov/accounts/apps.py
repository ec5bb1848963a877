from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "isogov.accounts"
    label = "accounts"
    verbose_name = _("Agencies and users")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import stamp_session_start

        # The session's start and last request are stamped when it is created, so the pages
        # after signing in never write the session just to add them.
        user_logged_in.connect(stamp_session_start, dispatch_uid="isogov_session_start")
