"""The public navigation bar: Thủ tục · Nộp hồ sơ trực tuyến · Tra cứu · Phản ánh kiến nghị ·
Minh bạch (issue 12 item 1).

The pages of online submission (``portal:submit``) and feedback (``portal:feedback``) are linked
once their URL names exist; until then submission points at the procedures offered fully online
and feedback is plain text, so that no link is dead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

register = template.Library()


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str  # "" → shown as plain text


def _url(name: str, fallback: str = "") -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


@register.simple_tag(takes_context=True)
def portal_nav(context: template.Context) -> list[NavItem]:
    online = reverse("portal:procedure-list") + "?online_level=full"
    return [
        NavItem("procedures", str(_("Procedures")), reverse("portal:procedure-list")),
        NavItem("submit", str(_("Submit online")), _url("portal:submit", online)),
        NavItem("lookup", str(_("Look up")), reverse("portal:lookup")),
        NavItem("feedback", str(_("Feedback and petitions")), _url("portal:feedback")),
        NavItem("transparency", str(_("Transparency")), reverse("portal:transparency")),
    ]
