"""The ``isogov`` command: ``manage.py`` plus ``serve`` (web + worker together).

``isogov audit verify`` runs the ``audit`` management command with ``verify``;
``isogov seed-demo`` runs ``seed_demo``: dashes in the first word become underscores.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from isogov.core.addresses import url_from_bind


def manage(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isogov.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s "%(a)s"'


def serve(args: list[str]) -> int:
    """Run gunicorn (several workers) and one Huey worker until interrupted."""
    from django.conf import settings

    bind = settings.BIND
    # The real address, and where links and QR codes point (they differ behind a proxy).
    print(f"isogov: serving on {url_from_bind(bind)} (Ctrl+C stops)", flush=True)
    if settings.PUBLIC_BASE_URL.rstrip("/") != url_from_bind(bind):
        print(f"isogov: links and QR codes point to {settings.PUBLIC_BASE_URL}", flush=True)
    workers = os.environ.get("ISOGOV_WEB_WORKERS", "3")
    python = sys.executable
    worker = subprocess.Popen([python, "-m", "isogov.cli", "run_huey", "--workers", "2"])  # noqa: S603
    web = subprocess.Popen(  # noqa: S603
        [
            python,
            "-m",
            "gunicorn",
            "isogov.wsgi:application",
            "--bind",
            bind,
            "--workers",
            workers,
            "--access-logfile",
            "-",
            # The path without its query string and no referrer: a public lookup carries the
            # applicant's phone number in its query (ASVS 7.1.1).
            "--access-logformat",
            ACCESS_LOG_FORMAT,
            *args,
        ]
    )

    def stop(signum: int, frame: object) -> None:
        for process in (web, worker):
            if process.poll() is None:
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        code = web.wait()
    finally:
        stop(0, None)
        worker.wait(timeout=30)
    return code


def main() -> None:
    argv = sys.argv[1:]
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        print("Commands: serve, worker, seed-demo, audit verify, and every manage.py command.")
        manage([sys.argv[0], "help"])
        return
    command, rest = argv[0], argv[1:]
    if command == "serve":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isogov.settings")
        sys.exit(serve(rest))
    if command == "worker":
        command = "run_huey"
    manage([sys.argv[0], command.replace("-", "_"), *rest])


if __name__ == "__main__":
    main()
