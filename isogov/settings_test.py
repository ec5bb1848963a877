"""Settings for the test suite: the production settings with background jobs run inline."""

from .settings import *  # noqa: F403
from .settings import HUEY

HUEY = {**HUEY, "immediate": True}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Throttles off: tests that check them set ISOGOV_THROTTLE_RATES themselves.
ISOGOV_THROTTLE_RATES = {"anon": None, "user": None, "token": None}
