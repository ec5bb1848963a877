"""Dossier search that stays fast with a million dossiers (issue 15 §2).

A query is read as one of three kinds, each answered through an index:

- **a dossier code or the start of one** (``000.00.31.H57-261202``: an agency identifier with a
  dot, a dash, then digits): the code's own unique index, exact or prefix (on SQLite a range
  ``code >= P AND code < P || U+10FFFF`` over the binary index; on PostgreSQL ``LIKE 'P%'``,
  which uses the ``varchar_pattern_ops`` index Django adds to a unique ``CharField``);
- **a phone or ID number** (nine digits or more, blanks, dots, dashes, brackets and ``+``
  ignored; not the end of a code, ``261202-0001``): the normalised columns
  ``applicant_phone_key`` (the last nine digits, the rule of the public lookup) and
  ``applicant_id_key`` (the digits of the ID or tax number), each indexed;
- **anything else** (a name, a procedure, part of a code): the folded ``search_text`` (code,
  reference, applicant, phone, ID number, procedure; diacritics ignored, ``core.text``). On
  SQLite through the FTS5 table ``dossiers_dossier_fts`` (external content, kept in step by
  triggers, with prefix indexes of two and three characters), where every word of the query
  must start a word of the text; on PostgreSQL through
  ``LIKE '%word%'`` per word, served by a ``pg_trgm`` GIN index where the extension could be
  created (without it the same query scans).

A result count stops at ``SEARCH_COUNT_CAP`` (+1): above it the page says "more than 1,000
results" instead of counting every match.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from isogov.core.text import fold_vietnamese, search_terms

SEARCH_COUNT_CAP = 1000
PHONE_KEY_DIGITS = 9
FTS_TABLE = "dossiers_dossier_fts"
TRGM_INDEX = "dossier_search_trgm"
_CODE_PREFIX = re.compile(r"[0-9a-z]+(\.[0-9a-z]+)+\.?-[0-9]{0,6}(-[0-9a-z]*)?")
_CODE_WHOLE = re.compile(r"[0-9a-z]+(\.[0-9a-z]+)+-[0-9]{6}-[0-9]{4,}")
_CODE_TAIL = re.compile(r"[0-9]{6}-[0-9]{4,}")  # "261202-0001": the date and number of a code
_NUMBER_SEPARATORS = re.compile(r"[\s.\-()+/]")
_ASCII_DIGITS = frozenset("0123456789")
_TOP = "\U0010ffff"

# SQLite: the FTS5 index of ``search_text`` and the triggers that keep it in step. A migration
# that rebuilds the dossier table drops its triggers, so ``ensure_search_index`` runs after every
# ``migrate`` and rebuilds the index whenever it had to create one.
# The prefix indexes of two and three characters answer the short word prefixes a name is
# typed with (``"le"* "thi"*``) without merging the entries of every word that starts so
# (migration 0022).
SQLITE_FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS dossiers_dossier_fts USING fts5(search_text, "
    "content='dossiers_dossier', content_rowid='id', tokenize='unicode61 remove_diacritics 2', "
    "prefix='2 3')"
)
SQLITE_TRIGGERS = {
    "dossiers_dossier_fts_insert": (
        "CREATE TRIGGER dossiers_dossier_fts_insert AFTER INSERT ON dossiers_dossier BEGIN "
        "INSERT INTO dossiers_dossier_fts(rowid, search_text) VALUES (new.id, new.search_text); "
        "END"
    ),
    "dossiers_dossier_fts_delete": (
        "CREATE TRIGGER dossiers_dossier_fts_delete AFTER DELETE ON dossiers_dossier BEGIN "
        "INSERT INTO dossiers_dossier_fts(dossiers_dossier_fts, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); END"
    ),
    "dossiers_dossier_fts_update": (
        "CREATE TRIGGER dossiers_dossier_fts_update AFTER UPDATE OF search_text "
        "ON dossiers_dossier BEGIN "
        "INSERT INTO dossiers_dossier_fts(dossiers_dossier_fts, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); "
        "INSERT INTO dossiers_dossier_fts(rowid, search_text) VALUES (new.id, new.search_text); "
        "END"
    ),
}
POSTGRES_TRGM_INDEX = (
    "CREATE INDEX IF NOT EXISTS dossier_search_trgm ON dossiers_dossier "
    "USING gin (search_text gin_trgm_ops)"
)


def digits_of(text: str) -> str:
    return "".join(ch for ch in text if ch in _ASCII_DIGITS)


def phone_key(phone: str) -> str:
    """The last nine digits of a phone number (``+84 912 345 678`` and ``0912345678`` alike)."""
    return digits_of(phone)[-PHONE_KEY_DIGITS:]


def id_key(id_number: str) -> str:
    """The digits of an ID or tax number (``0101234567-001`` → ``0101234567001``)."""
    return digits_of(id_number)


def search_text_of(*parts: str) -> str:
    """The folded search text of a dossier from its code, reference, applicant's name, phone,
    ID number, procedure name and code (in that order)."""
    return fold_vietnamese(" ".join(parts))


def index_dossier(dossier: Any) -> None:
    """Fill the dossier's searched columns from its code, applicant and procedure."""
    dossier.search_text = search_text_of(
        dossier.code,
        dossier.reference,
        dossier.applicant_name,
        dossier.applicant_phone,
        dossier.applicant_id_number,
        dossier.procedure_name,
        dossier.procedure_code,
    )
    dossier.applicant_phone_key = phone_key(dossier.applicant_phone)
    dossier.applicant_id_key = id_key(dossier.applicant_id_number)


def _fts_query(terms: list[str]) -> str:
    """Every word as a quoted prefix (``"nguyen"* "hong"*``): all must match."""
    return " ".join('"' + term.replace('"', '""') + '"*' for term in terms)


def search_filter(qs: QuerySet[Any], q: str) -> QuerySet[Any]:
    """``qs`` narrowed to the dossiers that ``q`` finds (``qs`` itself for an empty query)."""
    text = q.strip()
    if not text:
        return qs
    compact = fold_vietnamese(text).replace(" ", "")
    if _CODE_PREFIX.fullmatch(compact):
        prefix = compact.upper()
        if _CODE_WHOLE.fullmatch(compact):  # the unique index, whatever the statistics say
            return qs.filter(code=prefix)
        if connections[qs.db].vendor == "sqlite":
            return qs.filter(code__gte=prefix, code__lt=prefix + _TOP)
        return qs.filter(code__startswith=prefix)
    number = _NUMBER_SEPARATORS.sub("", text)
    if (
        len(number) >= PHONE_KEY_DIGITS
        and set(number) <= _ASCII_DIGITS
        and not _CODE_TAIL.fullmatch(compact)
    ):
        return qs.filter(
            Q(applicant_phone_key=number[-PHONE_KEY_DIGITS:]) | Q(applicant_id_key=number)
        )
    terms = [term for term in search_terms(text) if any(ch.isalnum() for ch in term)]
    if not terms:
        return qs
    if connections[qs.db].vendor == "sqlite":
        matches = RawSQL(
            "SELECT rowid FROM dossiers_dossier_fts WHERE dossiers_dossier_fts MATCH %s",
            (_fts_query(terms),),
        )
        return qs.filter(id__in=matches)
    for term in terms:
        qs = qs.filter(search_text__contains=term)
    return qs


def capped_count(qs: QuerySet[Any], cap: int | None = None) -> tuple[int, bool]:
    """How many rows ``qs`` has, counting no further than ``cap`` + 1 (``SEARCH_COUNT_CAP``
    unless told): (count, more than the cap)."""
    cap = SEARCH_COUNT_CAP if cap is None else cap
    found = qs.order_by()[: cap + 1].count()
    return min(found, cap), found > cap


def first_and_count(
    qs: QuerySet[Any], shown: int, cap: int | None = None
) -> tuple[list[Any], int, bool]:
    """The first ``shown`` rows of ``qs`` in its order and how many rows it has, counting no
    further than ``cap`` + 1 as ``capped_count`` does: (rows, count, more than the cap).

    The search index is asked once: the ids of the first ``cap`` + 1 rows give the count and
    the page, then only the page's rows are read, by primary key (a count, then the rows, would
    match a frequent name in the text index twice).
    """
    cap = SEARCH_COUNT_CAP if cap is None else cap
    ids = list(qs.values_list("pk", flat=True)[: cap + 1])
    page = ids[:shown]
    by_id = qs.model._default_manager.in_bulk(page)
    return [by_id[pk] for pk in page], min(len(ids), cap), len(ids) > cap


def ensure_search_index(connection: BaseDatabaseWrapper) -> bool:
    """Create what is missing of the search index; whether anything was created.

    SQLite: the FTS5 table and its triggers (rebuilt from the dossiers when any was missing).
    PostgreSQL: the ``pg_trgm`` extension and GIN index, where the database user may create the
    extension (a trusted extension since PostgreSQL 13); if not, search works, scanning.
    """
    if "dossiers_dossier" not in connection.introspection.table_names():
        return False
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
            existing = {row[0] for row in cursor.fetchall()}
            missing = [name for name in (FTS_TABLE, *SQLITE_TRIGGERS) if name not in existing]
            if not missing:
                return False
            cursor.execute(SQLITE_FTS)
            for name, sql in SQLITE_TRIGGERS.items():
                if name not in existing:
                    cursor.execute(sql)
            cursor.execute(
                "INSERT INTO dossiers_dossier_fts(dossiers_dossier_fts) VALUES ('rebuild')"
            )
            return True
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [TRGM_INDEX])
            if cursor.fetchone():
                return False
            try:
                with transaction.atomic(using=connection.alias):
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                    cursor.execute(POSTGRES_TRGM_INDEX)
            except DatabaseError:  # no right to create the extension: search scans
                return False
            return True
    return False
