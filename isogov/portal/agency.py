"""Which agency the public pages show: the visitor's pick, else the installation's default.

An installation may serve several agencies (a province's departments). ``?co_quan=<code>``
picks one (the transparency page uses the same parameter); otherwise
``ISOGOV_PORTAL_AGENCY``; otherwise the first agency with public procedures, by name.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from isogov.accounts.models import Agency


def public_agencies() -> list[Agency]:
    """The agencies that carry out procedures for the public."""
    return list(Agency.objects.filter(procedures__is_active=True).distinct().order_by("name"))


def portal_agency(request: HttpRequest, agencies: list[Agency]) -> Agency | None:
    """The agency asked for (``co_quan``), else the default, else the first; ``None`` if none."""
    asked = request.GET.get("co_quan", "").strip()[:64]
    for code in (asked, settings.ISOGOV_PORTAL_AGENCY):
        if code:
            found = next((a for a in agencies if a.code == code), None)
            if found is not None:
                return found
    return agencies[0] if agencies else None
