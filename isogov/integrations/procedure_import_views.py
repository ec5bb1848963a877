"""The page that brings one procedure from the portal into a catalogue draft."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isogov.accounts.http import AuthenticatedHttpRequest
from isogov.accounts.models import Agency
from isogov.accounts.selectors import agency_list
from isogov.catalog.selectors import user_can_manage_catalog
from isogov.core.errors import ApplicationError, PermissionDenied

from .procedure_import import portal_procedure_import

NOT_A_MANAGER = gettext_lazy("Only a catalogue manager may import procedures.")
# A procedure record is a few tens of kilobytes; this leaves room and bounds the work.
MAX_BYTES = 2_000_000


class PortalProcedureForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("The portal's procedure record (JSON)"))
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Agency carrying it out (for a procedure new to the catalogue)"),
        queryset=Agency.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies]).order_by("name")
        field.widget.attrs["style"] = "max-width: 100%"

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // 1_000_000}
            )
        return bytes(upload.read())


@login_required
def portal_procedure_import_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    agencies = [
        agency
        for agency in agency_list(user=request.user).order_by("name")
        if user_can_manage_catalog(user=request.user, agency=agency)
    ]
    if not agencies:
        raise PermissionDenied(NOT_A_MANAGER)
    form = PortalProcedureForm(request.POST or None, request.FILES or None, agencies=agencies)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                version = portal_procedure_import(
                    actor=request.user,
                    content=form.cleaned_data["file"],
                    agency=form.cleaned_data["agency"],
                )
            except PermissionDenied:
                raise
            except ApplicationError as error:
                status = error.status_code
                problems = error.details.get("file") or error.details.get("agency")
                if "agency" in error.details:
                    form.add_error("agency", str(error.message))
                else:
                    for problem in problems or [str(error.message)]:
                        form.add_error("file", str(problem))
            else:
                messages.success(
                    request,
                    _(
                        "Draft version %(number)s of %(code)s holds the portal's data. Check "
                        "the changes below before publishing it."
                    )
                    % {"number": version.number, "code": version.procedure.code},
                )
                return redirect(
                    "catalog:version-diff", code=version.procedure.code, number=version.number
                )
    return render(
        request, "integrations/portal_procedure_import.html", {"form": form}, status=status
    )
