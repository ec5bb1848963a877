"""ISOGOV_BIND → the address links and QR codes point to, and what ``isogov serve`` prints."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest

from isogov.core.addresses import url_from_bind


@pytest.mark.parametrize(
    ("bind", "url"),
    [
        pytest.param("127.0.0.1:8000", "http://127.0.0.1:8000", id="the_default_as_it_is"),
        pytest.param("10.0.0.5:9000", "http://10.0.0.5:9000", id="a_lan_address_and_port"),
        pytest.param("0.0.0.0:8000", "http://may-chu:8000", id="every_interface_by_host_name"),
        pytest.param(":8080", "http://may-chu:8080", id="no_host_is_every_interface"),
        pytest.param("localhost", "http://localhost:8000", id="no_port_is_gunicorns_8000"),
        pytest.param("mot-cua.local:80", "http://mot-cua.local", id="port_80_is_left_out"),
        pytest.param("[::1]:8000", "http://[::1]:8000", id="ipv6_in_brackets"),
        pytest.param("[::]:8000", "http://may-chu:8000", id="ipv6_every_interface"),
        pytest.param(
            "unix:/run/isogov.sock", "http://localhost", id="unix_socket_needs_the_setting"
        ),
        pytest.param("  ", "http://127.0.0.1:8000", id="blank_is_the_default"),
    ],
)
def test_the_public_address_follows_the_bind(bind: str, url: str) -> None:
    assert url_from_bind(bind, hostname="may-chu") == url


def _settings_value(env: dict[str, str]) -> str:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ISOGOV_")}
    environment.update(env, DJANGO_SETTINGS_MODULE="isogov.settings")
    code = "from django.conf import settings; print(settings.PUBLIC_BASE_URL)"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_receipts_point_where_the_server_listens_unless_told_otherwise(tmp_path: Any) -> None:
    data = {"ISOGOV_DATA_DIR": str(tmp_path)}
    assert _settings_value(data) == "http://127.0.0.1:8000"
    assert _settings_value({**data, "ISOGOV_BIND": "192.168.1.20:8000"}) == (
        "http://192.168.1.20:8000"
    )
    told = {**data, "ISOGOV_BIND": "127.0.0.1:8000", "ISOGOV_PUBLIC_BASE_URL": "https://dvc.vn"}
    assert _settings_value(told) == "https://dvc.vn"


def test_serve_prints_the_real_address(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], settings: Any
) -> None:
    from isogov import cli

    started: list[list[str]] = []

    class Process:  # gunicorn and the worker are outside processes: not started here
        def __init__(self, args: list[str]) -> None:
            started.append(args)

        def poll(self) -> int:
            return 0

        def wait(self, timeout: float | None = None) -> int:
            return 0

    monkeypatch.setattr(cli.subprocess, "Popen", Process)
    monkeypatch.setattr(cli.signal, "signal", lambda *args: None)  # keep pytest's handlers
    settings.BIND = "192.168.1.20:8001"
    settings.PUBLIC_BASE_URL = "https://motcua.haiphong.gov.vn"
    assert cli.serve([]) == 0
    out = capsys.readouterr().out
    assert "isogov: serving on http://192.168.1.20:8001" in out
    assert "links and QR codes point to https://motcua.haiphong.gov.vn" in out
    assert started[1][started[1].index("--bind") :][:2] == ["--bind", "192.168.1.20:8001"]
