"""Settings for the test suite: the production settings with background jobs run inline."""

import tempfile

from .settings import *  # noqa: F403
from .settings import HUEY

_TMP = tempfile.mkdtemp(prefix="isogov-test-")

HUEY = {**HUEY, "immediate": True}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Throttles off: tests that check them set ISOGOV_THROTTLE_RATES themselves.
ISOGOV_THROTTLE_RATES = {"anon": None, "user": None, "token": None}
ISOGOV_SIGNIN_GATE_PER_MINUTE = 0  # likewise the sign-in gate (accounts/middleware.py)
# Audit checkpoints of the test databases, never those of a real installation.
ISOGOV_AUDIT_KEY = "test-audit-key"
ISOGOV_AUDIT_CHECKPOINT_FILE = f"{_TMP}/audit-checkpoints.jsonl"
