"""ISO-layer mode: the system of record's dossiers and history imported as external dossiers.

One service, ``inbound_import``, behind every way in (the API, a file, the periodic pull). A
batch holds ``DongBoHoSoMC``-shaped records and ``CapNhatTienDoHoSoMC``-shaped history entries
(dvcqg-sync.md). It is all or nothing: every row is checked first, and any error refuses the
whole batch, naming each row and field, with nothing stored. Then, in one transaction:

- a record whose procedure code maps to no local procedure is not imported: the code is listed
  for mapping (``UnmappedCode``), nothing is guessed;
- a record is keyed by (source, MaHoSo): the first time it creates a ``Dossier`` marked with its
  source (read-only: the action table offers nothing on it), later it updates it;
- history entries become the dossier's timeline events, and its steps when they carry the
  step's start and due time; an entry already stored (same time, status and text) is skipped.

Indicators, queues, the register and the QMS read these dossiers like their own.

By phase: ``parsing`` checks every row (``Problems`` names each error), ``mapping`` finds each
record's procedure, version and channel, ``storing`` writes the dossiers, their events and steps,
and ``service`` runs the phases in order and records the batch in the audit trail.
"""

from .mapping import procedures_by_portal_code
from .service import SOURCE_LENGTH, ImportResult, Progress, inbound_import

__all__ = [
    "SOURCE_LENGTH",
    "ImportResult",
    "Progress",
    "inbound_import",
    "procedures_by_portal_code",
]
