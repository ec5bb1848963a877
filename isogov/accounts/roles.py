"""Roles (vai trò) and what each may do. Pure data: no ORM."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    AGENCY_LEADER = "agency_leader", _("Agency leader")
    UNIT_HEAD = "unit_head", _("Unit head")
    ONE_STOP_OFFICER = "one_stop_officer", _("One-stop officer")
    SPECIALIST = "specialist", _("Specialist")
    ISO_SECRETARY = "iso_secretary", _("ISO secretary")
    INTERNAL_AUDITOR = "internal_auditor", _("Internal auditor")
    COUNCIL_STAFF = "council_staff", _("Council staff")
    CITY_LEADER = "city_leader", _("City leader")


# Roles whose scope is the unit named on the assignment; the others see the whole agency.
UNIT_SCOPED_ROLES = frozenset({Role.UNIT_HEAD, Role.SPECIALIST})

# Roles that see every agency below the one on the assignment (a city sees its departments).
SUBTREE_ROLES = frozenset({Role.CITY_LEADER})

# Who may maintain an agency's working calendar (days off, make-up days, office hours).
CALENDAR_MANAGERS = frozenset({Role.SYSTEM_ADMIN, Role.AGENCY_LEADER, Role.ISO_SECRETARY})

# Who may create and revoke an agency's API keys and webhook subscriptions for machine
# clients: the system administrator, and the agency's leader for the agency's own.
INTEGRATION_MANAGERS = frozenset({Role.SYSTEM_ADMIN, Role.AGENCY_LEADER})
