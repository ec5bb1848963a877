"""Dossiers (hồ sơ) at the one-stop desk and the records that prove how each was handled.

One module per concern, every model in the ``dossiers`` app: ``dossier`` (the dossier, its
choices and its numbering), ``records`` (steps, papers, fees, payments, clock stops, apologies,
custody incidents), ``timeline`` (events), ``online`` (online submission drafts) and
``register_exports`` (register files built in the background, and the closed months'
counts). Import them from here.
"""

from .dossier import (
    OUTCOME_CHOICES,
    STATUS_CHOICES,
    STATUS_LABELS,
    ApplicantKind,
    Dossier,
    DossierCounter,
    ReturnMethod,
    new_access_token,
)
from .online import OnlineDraft, OnlineDraftPaper
from .records import (
    ClockStop,
    CustodyIncident,
    DossierFee,
    DossierPaper,
    DossierStep,
    Extension,
    IncidentKind,
    Payment,
    PaymentMethod,
    StepKind,
)
from .register_exports import RegisterExport, RegisterExportStatus, RegisterMonth
from .timeline import DossierEvent, DossierEventManager

__all__ = [
    "OUTCOME_CHOICES",
    "STATUS_CHOICES",
    "STATUS_LABELS",
    "ApplicantKind",
    "ClockStop",
    "CustodyIncident",
    "Dossier",
    "DossierCounter",
    "DossierEvent",
    "DossierEventManager",
    "DossierFee",
    "DossierPaper",
    "DossierStep",
    "Extension",
    "IncidentKind",
    "OnlineDraft",
    "OnlineDraftPaper",
    "Payment",
    "PaymentMethod",
    "RegisterExport",
    "RegisterExportStatus",
    "RegisterMonth",
    "ReturnMethod",
    "StepKind",
    "new_access_token",
]
