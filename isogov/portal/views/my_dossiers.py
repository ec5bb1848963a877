"""“Hồ sơ của tôi” (issue 12 item 3): a returning applicant's dossiers of the last 12 months.

The applicant asks for a one-time link by e-mail or SMS (the notifications outbox); opening it
proves the contact for this browser session, for ``ISOGOV_APPLICANT_LINK_MINUTES``. The answer
to a request is the same whether or not any dossier has that contact, and requests are
throttled per client address and per contact like the lookup's failures.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from isogov.core import clock
from isogov.core.clientip import client_ip
from isogov.core.errors import NotFound
from isogov.core.vn_ids import InvalidIdentifier, normalise_phone
from isogov.dossiers.selectors import dossiers_of_contact

from .. import throttle
from ..services import applicant_link_redeem, applicant_link_request
from ..status_texts import status_text

SESSION_CONTACT = "portal_contact"
SESSION_UNTIL = "portal_contact_until"
CONTACT_INVALID = gettext_lazy("Enter an e-mail address or a Vietnamese phone number.")


class ContactForm(forms.Form):
    lien_he = forms.CharField(
        label=gettext_lazy("E-mail or phone number given at submission"), max_length=254
    )

    def clean_lien_he(self) -> str:
        value = self.cleaned_data["lien_he"].strip()
        if "@" in value:
            try:
                validate_email(value)
            except ValidationError as error:
                raise ValidationError(CONTACT_INVALID) from error
            local, _at, domain = value.rpartition("@")
            return f"{local}@{domain.lower()}"
        try:
            return normalise_phone(value)
        except InvalidIdentifier as error:
            raise ValidationError(CONTACT_INVALID) from error


def _proved_contact(request: HttpRequest) -> str:
    contact = request.session.get(SESSION_CONTACT, "")
    until = request.session.get(SESSION_UNTIL, "")
    if not contact or not until or dt.datetime.fromisoformat(until) < clock.now():
        return ""
    return str(contact)


@require_http_methods(["GET", "POST"])
def my_dossiers(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {"nav_current": "lookup"}
    if request.method == "POST" and request.POST.get("forget"):
        request.session.pop(SESSION_CONTACT, None)
        request.session.pop(SESSION_UNTIL, None)
        return redirect("portal:my-dossiers")
    contact = _proved_contact(request)
    if contact and request.method == "GET":
        months = settings.ISOGOV_APPLICANT_DOSSIER_MONTHS
        since = clock.now() - dt.timedelta(days=31 * months)
        dossiers = list(dossiers_of_contact(contact=contact, since=since)[:200])
        context["rows"] = [(d, status_text(agency=d.agency, status=d.status)) for d in dossiers]
        context["months"] = months
        return render(request, "portal/my_dossiers.html", context)
    form = ContactForm(request.POST if request.method == "POST" else None)
    context["form"] = form
    if request.method != "POST":
        return render(request, "portal/my_dossiers.html", context)
    if not form.is_valid():
        return render(request, "portal/my_dossiers.html", context, status=400)
    contact = form.cleaned_data["lien_he"]
    ip = client_ip(request)
    if throttle.is_throttled(ip=ip, contact=contact):
        context["error"] = _("Too many requests. Please try again in %(minutes)s minutes.") % {
            "minutes": throttle.window_minutes()
        }
        return render(request, "portal/my_dossiers.html", context, status=429)
    # Every request counts: a contact cannot be flooded with messages.
    throttle.count_failure(ip=ip, contact=contact)
    applicant_link_request(contact=contact, base_url=settings.PUBLIC_BASE_URL)
    context["sent"] = True
    context["minutes"] = settings.ISOGOV_APPLICANT_LINK_MINUTES
    return render(request, "portal/my_dossiers.html", context)


def redeem(request: HttpRequest, token: str) -> HttpResponse:
    """Open the one-time link: the contact is proved for this session; the link is used up."""
    ip = client_ip(request)
    contact = None if throttle.is_throttled(ip=ip) else applicant_link_redeem(token=token)
    if contact is None:
        throttle.count_failure(ip=ip)
        raise NotFound(_("This link is not valid or was already used. Ask for a new one."))
    request.session.cycle_key()
    request.session[SESSION_CONTACT] = contact
    until = clock.now() + dt.timedelta(minutes=settings.ISOGOV_APPLICANT_LINK_MINUTES)
    request.session[SESSION_UNTIL] = until.isoformat()
    return redirect("portal:my-dossiers")
