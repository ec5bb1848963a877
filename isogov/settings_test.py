"""Settings for the test suite: the production settings with background jobs run inline."""

import tempfile
from pathlib import Path

from .settings import *  # noqa: F403
from .settings import DATABASES, HUEY

_TMP = tempfile.mkdtemp(prefix="isogov-test-")

HUEY = {**HUEY, "immediate": True}
if DATABASES["default"]["ENGINE"] == "isogov.core.sqlite":
    # An in-memory database per test process, as for Django's own SQLite backend (which
    # pytest-django recognises by its name only).
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Throttles off: tests that check them set ISOGOV_THROTTLE_RATES themselves.
ISOGOV_THROTTLE_RATES = {"anon": None, "user": None, "token": None}
# The counters in the cache above, which the throttle tests clear; the SQLite store has its own
# tests (isogov/api/tests/test_windows.py).
ISOGOV_THROTTLE_STORE = "cache"
# Figures computed at each request: the layers roll data back under an unchanged cache key.
ISOGOV_TRANSPARENCY_CACHE_SECONDS = 0
ISOGOV_SIGNIN_GATE_PER_MINUTE = 0  # likewise the sign-in gate (accounts/gate.py)
# Audit checkpoints of the test databases, never those of a real installation.
ISOGOV_AUDIT_KEY = "test-audit-key"
ISOGOV_AUDIT_CHECKPOINT_FILE = f"{_TMP}/audit-checkpoints.jsonl"
# Uploaded papers of the test runs, never in the installation's private directory.
ISOGOV_PRIVATE_DIR = Path(_TMP) / "private"
