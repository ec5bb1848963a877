"""The one adapter that speaks the portal's wire format (dvcqg-sync.md "Wire conventions").

One service endpoint takes a JSON body ``{"session", "madonvi", "service": NAME, ...}`` with a
``dstcode`` header; the session comes from posting ``{"username", "password"}`` to the auth
endpoint; success is ``error_code`` 0. Endpoints, auth style, service and field names are
settings (``conf.portal``); nothing else in isogov knows them.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from .. import conf, wire

ALREADY_EXISTS = "đã tồn tại"


class PortalError(Exception):
    """A call the portal did not accept (or did not answer); the sync retries it later."""


class AlreadyExists(PortalError):
    """A create refused because the portal already holds the dossier ("đã tồn tại")."""


class SessionRefused(PortalError):
    """The portal refused to open a session (or refused ours again after signing in)."""


class PortalClient:
    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        self.conf = settings or conf.portal()
        self.session = ""

    # --- transport ---
    def _post(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        data = json.dumps(body, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.conf["DSTCODE"]:
            headers["dstcode"] = self.conf["DSTCODE"]
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.conf["TIMEOUT"]) as response:  # noqa: S310
                payload = json.loads(response.read().decode() or "{}")
        except urllib.error.HTTPError as error:
            raise PortalError(f"HTTP {error.code}") from error
        except TimeoutError as error:
            raise PortalError("timeout") from error
        except urllib.error.URLError as error:
            raise PortalError(f"unreachable: {error.reason}") from error
        except (ValueError, OSError) as error:
            raise PortalError(f"bad answer: {error}") from error
        if not isinstance(payload, dict):
            raise PortalError("bad answer: not an object")
        return payload

    def login(self) -> None:
        if self.conf["AUTH"] != "session":
            return
        answer = self._post(
            self.conf["AUTH_URL"],
            {"username": self.conf["USERNAME"], "password": self.conf["PASSWORD"]},
        )
        if str(answer.get("error_code")) != "0" or not answer.get("session"):
            raise SessionRefused(f"session refused: {answer.get('message', '')}")
        self.session = str(answer["session"])

    def call(self, service: str, agency_code: str, **payload: Any) -> dict[str, Any]:
        """One service call; signs in first, and once more if the session has expired."""
        name = self.conf["SERVICES"][service]
        for attempt in (1, 2):
            if self.conf["AUTH"] == "session" and not self.session:
                self.login()
            body = {"session": self.session, "madonvi": agency_code, "service": name, **payload}
            answer = self._post(self.conf["URL"], body)
            code = str(answer.get("error_code"))
            if code == "0":
                return answer
            message = str(answer.get("message", ""))
            if code in self.conf["SESSION_ERROR_CODES"] and attempt == 1:
                self.session = ""
                continue
            if ALREADY_EXISTS in message.casefold():
                raise AlreadyExists(f"{name}: error_code {code}: {message}")
            raise PortalError(f"{name}: error_code {code}: {message}")
        raise SessionRefused(f"{name}: session refused")

    # --- the three services the sync uses ---
    def lookup(self, code: str, agency_code: str) -> tuple[bool, int | None]:
        """Whether the portal holds the dossier, and how many history entries (if it says)."""
        answer = self.call("lookup", agency_code, MaHoSo=code)
        data = answer.get("data")
        if isinstance(data, list):
            data = data[0] if data else None
        if not data:
            return False, None
        held = wire.unrename(data).get(self.conf["LOOKUP_HISTORY_FIELD"])
        try:
            return True, (int(held) if held is not None and held != "" else None)
        except (TypeError, ValueError):
            return True, None

    def push_record(self, record: dict[str, str], agency_code: str, *, updating: bool) -> None:
        self.call("record", agency_code, isUpdating="True" if updating else "False", data=[record])

    def push_history(self, entries: list[dict[str, str]], agency_code: str) -> None:
        self.call("history", agency_code, data=entries)
