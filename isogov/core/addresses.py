"""The address the server listens on (``ISOGOV_BIND``), as a URL people and QR codes can use.

Pure (no Django): ``settings.py`` reads it to default ``ISOGOV_PUBLIC_BASE_URL``, and ``isogov
serve`` to print where it listens.
"""

from __future__ import annotations

import socket

DEFAULT_BIND = "127.0.0.1:8000"
DEFAULT_PORT = 8000  # gunicorn's, when the bind names no port
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::", "[::]"})  # noqa: S104 - names, not a bind


def url_from_bind(bind: str, *, hostname: str | None = None) -> str:
    """``127.0.0.1:8000`` → ``http://127.0.0.1:8000``.

    [A] A server listening on every interface (``0.0.0.0:8000``, ``:8000``) is reached by this
    machine's name (``hostname``, default ``socket.gethostname()``); a Unix socket (behind a proxy)
    gives no public address, so ``http://localhost`` stands in: set ``ISOGOV_PUBLIC_BASE_URL``.
    """
    bind = bind.strip() or DEFAULT_BIND
    if bind.startswith(("unix:", "fd://")):
        return "http://localhost"
    host, port = bind, str(DEFAULT_PORT)
    if bind.startswith("["):  # [::1]:8000
        end = bind.find("]")
        host, rest = bind[: end + 1], bind[end + 1 :]
        port = rest[1:] if rest.startswith(":") and rest[1:] else port
    elif bind.count(":") == 1:
        host, port = bind.split(":")
        port = port or str(DEFAULT_PORT)
    elif bind.count(":") > 1:  # a bare IPv6 address
        host = f"[{bind}]"
    if host in WILDCARD_HOSTS:
        host = hostname if hostname is not None else socket.gethostname()
    return f"http://{host}" if port == "80" else f"http://{host}:{port}"
