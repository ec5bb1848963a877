"""Panels that apps above this one add to the dossier page, without this app importing them.

An app registers, at ready time, the name of a URL that takes the dossier code and answers
with an HTML fragment (e.g. ``integrations``: the sync state with the national portal). The
dossier page loads each fragment with htmx after it renders; the fragment's view checks who may
see it (it reads the dossier through the same selectors).
"""

from __future__ import annotations

from django.urls import reverse

PANELS: list[str] = []


def panel_register(url_name: str) -> None:
    """Add the panel answered by the URL ``url_name`` (one argument: the dossier code)."""
    if url_name not in PANELS:
        PANELS.append(url_name)


def panel_urls(code: str) -> list[str]:
    return [reverse(name, kwargs={"code": code}) for name in PANELS]
