"""The mapping tables in the Django admin (superusers)."""

from django.contrib import admin

from .models import AgencyCodeMap, DossierSync, ProcedureCodeMap, StatusCodeMap, UnmappedCode

admin.site.register(ProcedureCodeMap)
admin.site.register(AgencyCodeMap)
admin.site.register(StatusCodeMap)
admin.site.register(UnmappedCode)
admin.site.register(DossierSync)
