"""Django's SQLite backend, with writers queued on a file lock instead of SQLite's busy handler.

Every transaction begins with ``BEGIN IMMEDIATE`` (settings: ``transaction_mode``), so writers
serialize on the database's write lock. When it is taken, SQLite's busy handler sleeps and tries
again, sleeping 1, 2, 5, 10, 15, 20, 25 … 100 ms between tries: a writer that waits for a 5 ms
transaction often sleeps 20 ms past its end, and with several gunicorn workers writing at once
the server idles with work queued (issue 15: 8–24 intakes/s over HTTP). Here each transaction
first takes an exclusive ``flock`` on ``<database>.writer.lock``: the kernel wakes the next writer
the moment the one before it commits or rolls back (or its process dies). SQLite's own lock and
busy timeout stay underneath, for statements outside a transaction and for other programs.

A writer waits for the one before it as long as that one runs; gunicorn's worker timeout ends a
stuck request. In-memory databases (the tests') have no file and take no lock.
``ISOGOV_SQLITE_WRITER_LOCK=0`` switches it off.
"""

from __future__ import annotations

import fcntl
import os
from typing import Any

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writer_fd: int | None = None
        self._writer_held = False

    def _writer_lock_path(self) -> str | None:
        if not self.settings_dict.get("OPTIONS", {}).get("writer_lock", True):
            return None
        if self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}.writer.lock"

    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        params.pop("writer_lock", None)  # ours, not sqlite3.connect's
        return dict(params)

    def _start_transaction_under_autocommit(self) -> None:
        path = self._writer_lock_path()
        if path is not None and not self._writer_held:
            if self._writer_fd is None:
                self._writer_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            fcntl.flock(self._writer_fd, fcntl.LOCK_EX)
            self._writer_held = True
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._writer_release()
            raise

    def _writer_release(self) -> None:
        if self._writer_held and self._writer_fd is not None:
            self._writer_held = False
            fcntl.flock(self._writer_fd, fcntl.LOCK_UN)

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._writer_release()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._writer_release()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._writer_release()
            if self._writer_fd is not None:
                os.close(self._writer_fd)
                self._writer_fd = None
