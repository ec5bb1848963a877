"""Every page rendered in Vietnamese asks the catalogue only for msgids it has, shows no codes.

The pages are the ones the phone test walks (``pages.py``). Each lookup of a msgid the Vietnamese
catalogue lacks is recorded while the pages render; so is any status or channel code left in the
visible text, any native date or time input (its format is the browser's), and any label not in
sentence case or ending in a colon.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import trans_real

from isogov.catalog.models import ChannelKind
from isogov.dossiers.models import STATUS_CHOICES

from .conftest import CFS
from .pages import officer_pages, page_data, public_pages

# A code is a lowercase word with an underscore (``submitted_online``); a label never is one.
CODES = {value for value, _ in [*STATUS_CHOICES, *ChannelKind.choices] if "_" in value}

# Django's own msgids its Vietnamese catalogue lacks (not ours to translate).
DJANGO_UNTRANSLATED = {"%(truncated_text)s…"}


class VisibleText(HTMLParser):
    """The text a reader sees: no scripts, styles or attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def _missing_recorder(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Wrap the translation functions; return the set the msgids without a translation go in."""
    missing: set[str] = set()
    catalog = trans_real.translation("vi")._catalog
    # Django translates some texts twice (the language names): a translation is no msgid.
    translated = {value for _, value in catalog.items() if isinstance(value, str)}

    def record(key: Any, message: Any) -> None:
        message = str(message)
        if isinstance(key, str):
            key = str(key)
        known = key in catalog or message in translated | DJANGO_UNTRANSLATED
        if translation.get_language() == "vi" and re.search(r"[A-Za-z]", message) and not known:
            missing.add(message)

    real = {name: getattr(translation._trans, name) for name in ("gettext", "pgettext")}
    real_n = {name: getattr(translation._trans, name) for name in ("ngettext", "npgettext")}

    def gettext(message: str) -> str:
        record(message, message)
        return real["gettext"](message)

    def pgettext(context: str, message: str) -> str:
        record(f"{context}\x04{message}", message)
        return real["pgettext"](context, message)

    def ngettext(singular: str, plural: str, number: int) -> str:
        record((singular, 0), singular)
        return real_n["ngettext"](singular, plural, number)

    def npgettext(context: str, singular: str, plural: str, number: int) -> str:
        record((f"{context}\x04{singular}", 0), singular)
        return real_n["npgettext"](context, singular, plural, number)

    for function in (gettext, pgettext, ngettext, npgettext):
        monkeypatch.setattr(translation._trans, function.__name__, function, raising=False)
    return missing


@pytest.mark.django_db
def test_every_page_in_vietnamese_has_every_msgid_and_no_raw_code(
    desk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = page_data(desk)
    missing = _missing_recorder(monkeypatch)
    pages: list[tuple[str, str]] = [("anonymous", path) for path in public_pages(data)]
    for username, paths in officer_pages(data).items():
        pages += [(username, path) for path in paths]
    pages.append(("motcua", "/dossiers/new/"))
    pages.append(("motcua", f"/dossiers/new/checklist/?procedure={CFS}&channel=in_person"))
    raw: list[str] = []
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    signed_in = ""
    for username, path in pages:
        if username != signed_in:
            client.logout()
            if username != "anonymous":
                client.force_login(desk.user(username))
            signed_in = username
        response = client.get(path, follow=True)
        assert response.status_code in (200, 404), (path, response.status_code)
        html = response.content.decode()
        if (username, path) == ("chuyenvien", f"/dossiers/{data['appraised']}/"):
            assert 'id="actions"' in html  # the action forms are among the pages checked
        native = re.findall(r'type="(date|time|datetime-local)"', html)
        raw += [f"{username} {path}: a native {kind} input" for kind in native]
        for text in re.findall(r"<label[^>]*>\s*([^<]*?)\s*<", html):
            if text.endswith(":") or (text and text[0].islower()):
                raw.append(f"{username} {path}: label “{text}”")
        parser = VisibleText()
        parser.feed(html)
        text = " ".join(parser.parts)
        raw += [f"{username} {path}: {code}" for code in CODES if re.search(rf"\b{code}\b", text)]
    print(f"\n{len(pages)} pages rendered in Vietnamese")
    print("\n".join(sorted(missing) + raw))
    assert (sorted(missing), raw) == ([], [])
