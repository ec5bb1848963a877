"""The public dossier lookup ``/tra-cuu/`` (issue 12 item 3; docs/decisions/0009-public-portal.md).

- By the dossier code and a second factor (the applicant's phone, ID number or e-mail), sent by
  POST: personal data never lands in a URL, so never in an access log or a browser history.
- By the receipt's QR link ``/tra-cuu/h/<token>/``: the dossier's unguessable token; under it
  the electronic result (``…/ket-qua/``, the one address of every e-result link) and the apology.

An unknown code and a wrong second factor give the same page, status and work (one indexed
read, ``dossiers.selectors.dossier_lookup_public``). Failures are counted per client address and
per code (``throttle``); past the limit every try gets 429 until the window ends, whether or
not the code exists.
"""

from __future__ import annotations

from django import forms
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from isogov.core.clientip import client_ip
from isogov.core.errors import NotFound
from isogov.dossiers import documents, uploads
from isogov.dossiers.models import Dossier
from isogov.dossiers.selectors import (
    dossier_by_access_token,
    dossier_lookup_public,
    result_released,
)

from .. import throttle
from ..timeline import public_dossier

NO_MATCH = gettext_lazy("No dossier matches this code and these details.")


class LookupForm(forms.Form):
    ma = forms.CharField(label=gettext_lazy("Dossier code"), max_length=64)
    thong_tin = forms.CharField(
        label=gettext_lazy("Phone number, ID number or e-mail given at submission"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


def _fresh(code: str) -> LookupForm:
    return LookupForm(initial={"ma": code})


def _too_many(request: HttpRequest, form: LookupForm) -> HttpResponse:
    message = _("Too many failed tries. Please try again in %(minutes)s minutes.") % {
        "minutes": throttle.window_minutes()
    }
    return render(
        request,
        "portal/lookup.html",
        {"form": form, "error": message, "nav_current": "lookup"},
        status=429,
    )


def _result(request: HttpRequest, dossier: Dossier, form: LookupForm | None) -> HttpResponse:
    return render(
        request,
        "portal/lookup.html",
        {"form": form or LookupForm(), "found": public_dossier(dossier), "nav_current": "lookup"},
    )


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        # Receipts printed before the token links carry ``?ma=<code>``: the code is filled in,
        # the second factor is asked for.
        context = {"form": _fresh(request.GET.get("ma", "")[:64]), "nav_current": "lookup"}
        return render(request, "portal/lookup.html", context)
    form = LookupForm(request.POST)
    if not form.is_valid():
        context = {"form": form, "nav_current": "lookup"}
        return render(request, "portal/lookup.html", context, status=400)
    code, second = form.cleaned_data["ma"], form.cleaned_data["thong_tin"]
    ip = client_ip(request)
    if throttle.is_throttled(ip=ip, code=code):
        return _too_many(request, _fresh(code))
    try:
        dossier = dossier_lookup_public(code=code, phone=second)
    except NotFound:
        throttle.count_failure(ip=ip, code=code)
        # The second factor is never written back into the page.
        context = {"form": _fresh(code), "error": NO_MATCH, "nav_current": "lookup"}
        return render(request, "portal/lookup.html", context)
    return _result(request, dossier, _fresh(code))


def _by_token(request: HttpRequest, token: str) -> Dossier:
    ip = client_ip(request)
    if throttle.is_throttled(ip=ip):
        raise NotFound(_("This link is not valid."))
    try:
        return dossier_by_access_token(token=token)
    except NotFound:
        throttle.count_failure(ip=ip)
        raise NotFound(_("This link is not valid.")) from None


def by_token(request: HttpRequest, token: str) -> HttpResponse:
    """The receipt's QR link: the dossier, without asking for the phone number."""
    return _result(request, _by_token(request, token), None)


def result_download(request: HttpRequest, token: str) -> FileResponse:
    """The electronic result, the one public download of it (``portal:result-download``): by
    the dossier's token, once the leader approved it for release (``result_released``), served
    as every private file is (``uploads.file_response``). The older path under the online
    submission, ``/nop-truc-tuyen/ho-so/<token>/ket-qua/``, redirects here permanently."""
    dossier = _by_token(request, token)
    if not result_released(dossier):
        raise NotFound()
    extension = dossier.result_file.name.rsplit(".", 1)[-1]
    return uploads.file_response(
        dossier.result_file.name, download_name=f"{dossier.code}-ket-qua.{extension}"
    )


def result_download_moved(request: HttpRequest, token: str) -> HttpResponsePermanentRedirect:
    """The e-result's first address, in links already sent: 301 to the one address."""
    return HttpResponsePermanentRedirect(reverse("portal:result-download", args=[token]))


def apology_pdf(request: HttpRequest, token: str) -> HttpResponse:
    """The apology letter (form 04) of the dossier, only with its token."""
    dossier = _by_token(request, token)
    response = HttpResponse(documents.apology(dossier), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-xin-loi.pdf"'
    return response
