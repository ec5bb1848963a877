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
  triggers, with prefix indexes of two to five characters, and no word positions), where
  every word of the query must start a word of the text (a query word with punctuation inside,
  ``h26-260908``, is the words the index holds, each a word start); on PostgreSQL through
  ``LIKE '%word%'`` per word, served by a ``pg_trgm`` GIN index where the extension could be
  created (without it the same query scans).

A result count stops at ``SEARCH_COUNT_CAP`` (+1): above it the page says "more than 1,000
results" instead of counting every match. The search page reads its newest matches in order
and stops at the cap (``first_and_count``): on SQLite from the text index itself, each checked
against the rest of the filters; on PostgreSQL from the newest dossiers of the other filters,
the trigram index answering only a name too rare to fill the cap there. A frequent name no
longer reads all its matches first.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.lookups import Contains, In
from django.db.models.sql.where import AND

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
# ``detail=none``: the index holds which dossiers hold a word, not where in the text; no query
# here asks for more, and it is half the size (migration 0029). The prefix indexes of two to
# five characters answer the word starts a name is typed with (``"le"* "thi"* "ngoc"*``) from
# one list each, without merging the entries of every word that starts so (slow without
# positions).
SQLITE_FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS dossiers_dossier_fts USING fts5(search_text, "
    "content='dossiers_dossier', content_rowid='id', tokenize='unicode61 remove_diacritics 2', "
    "prefix='2 3 4 5', detail=none)"
)
# The words of the FTS5 ``unicode61`` tokenizer: runs of letters and digits; anything else
# (punctuation, ``_``) separates them.
_FTS_WORD = re.compile(r"[^\W_]+")
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


class _FtsIds(RawSQL):
    """The ids of the dossiers whose search text holds every word of ``match`` (SQLite)."""

    def __init__(self, match: str) -> None:
        # The table name is a constant; the match is a bound parameter.
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        super().__init__(sql, (match,))
        self.match = match


def _fts_query(terms: list[str]) -> str:
    """Every word the index holds of the terms, as a quoted prefix (``"nguyen"* "hong"*``):
    all must match. A term with punctuation inside is its words (``h26-2609`` → ``"h26"*
    "2609"*``): without positions, the index answers no phrase."""
    words = dict.fromkeys(word for term in terms for word in _FTS_WORD.findall(term))
    return " ".join(f'"{word}"*' for word in words)


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
    terms = [term for term in search_terms(text) if _FTS_WORD.search(term)]
    if not terms:
        return qs
    if connections[qs.db].vendor == "sqlite":
        return qs.filter(id__in=_FtsIds(_fts_query(terms)))
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
    qs: QuerySet[Any], shown: int, cap: int | None = None, fields: tuple[str, ...] = ()
) -> tuple[list[Any], int, bool]:
    """The first ``shown`` rows of ``qs`` in its order and how many rows it has, counting no
    further than ``cap`` + 1 as ``capped_count`` does: (rows, count, more than the cap).

    The search index is asked once: the ids of the first ``cap`` + 1 rows give the count and
    the page, then only the page's rows are read, by primary key (a count, then the rows, would
    match a frequent name in the text index twice), with only ``fields`` when given (the
    columns the page shows: a dossier row has some sixty).
    """
    cap = SEARCH_COUNT_CAP if cap is None else cap
    ids = _newest_matches(qs, cap + 1)
    if ids is None:
        ids = list(qs.values_list("pk", flat=True)[: cap + 1])
    page = ids[:shown]
    rows = qs.model._default_manager.all()
    by_id = (rows.only(*fields) if fields else rows).in_bulk(page)
    return [by_id[pk] for pk in page], min(len(ids), cap), len(ids) > cap


def _newest_matches(qs: QuerySet[Any], limit: int) -> list[int] | None:
    """The first ``limit`` ids of ``qs``, newest first, when ``qs`` is a text search ordered
    newest first and an index-driven read beats the planner's (``None`` otherwise: read ``qs``
    itself).

    SQLite: ``id IN (the index's matches)`` makes it collect every match before it orders them
    (at 1,000,000 dossiers a frequent name has 60,000). Here the text index hands its matches
    newest first and stops at the limit; each is checked against the rest of the filters of
    ``qs`` (its scope, status and list filters) by primary key.

    PostgreSQL: with several words it takes their matches for rare (their likelihoods
    multiplied) and reads every match through the trigram index, then sorts: 0.3–1.2 s for a
    name 60,000 dossiers bear. ``_newest_window`` first reads the newest dossiers of the rest
    of the filters in order and stops at the limit; only a name too rare to fill it there goes
    to the trigram index, for which it is right.
    """
    if tuple(qs.query.order_by) not in {("-id",), ("-pk",)}:
        return None
    if qs.query.is_sliced or qs.query.distinct or qs.query.combinator:
        return None
    where = qs.query.where
    if where.connector != AND or where.negated:
        return None
    vendor = connections[qs.db].vendor
    if vendor == "postgresql":
        return _newest_window(qs, limit)
    if vendor != "sqlite":
        return None
    searched = [c for c in where.children if isinstance(c, In) and isinstance(c.rhs, _FtsIds)]
    if len(searched) != 1:
        return None
    (match,) = searched
    target = getattr(match.lhs, "target", None)
    if target is None or target.name != "id":
        return None
    rest = qs.order_by().values("pk")
    rest.query.where.children = [c for c in rest.query.where.children if c is not match]
    rest = rest.filter(pk=RawSQL(f'"{FTS_TABLE}"."rowid"', ()))  # noqa: S611 (a constant)
    sql, params = rest.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        # ``sql`` is Django's compiled query with its parameters apart; the rest is constant.
        newest = (
            f'SELECT "{FTS_TABLE}"."rowid" FROM "{FTS_TABLE}" WHERE "{FTS_TABLE}" MATCH %s '  # noqa: S608
            f'AND EXISTS ({sql}) ORDER BY "{FTS_TABLE}"."rowid" DESC LIMIT %s'
        )
        cursor.execute(newest, (match.rhs.match, *params, limit))
        return [row[0] for row in cursor.fetchall()]


# PostgreSQL: how many of the newest dossiers of the filters are read, in order, for a name's
# matches before the trigram index is asked instead. Reading a row in order costs about a
# sixth of what the index costs a match (whose row it must then read): a name that 1 in 30
# dossiers bear fills the cap in the first window; one that fills a third of it there is read
# on through the second (1 in 100); a rarer one goes to the index, where it has few matches.
NEWEST_WINDOWS = (30_000, 100_000)


def _newest_window(qs: QuerySet[Any], limit: int) -> list[int] | None:
    """PostgreSQL: the first ``limit`` matches among the newest dossiers of the rest of the
    filters of ``qs`` (``NEWEST_WINDOWS``), if they hold that many (``None``: ask the index)."""
    where = qs.query.where
    terms = [
        c
        for c in where.children
        if isinstance(c, Contains)
        and getattr(c.lhs, "target", None) is not None
        and c.lhs.target.name == "search_text"
        and isinstance(c.rhs, str)
    ]
    if not terms:
        return None
    rest = qs.order_by("-id").values("id", "search_text")
    searched = {id(c) for c in terms}
    rest.query.where.children = [c for c in rest.query.where.children if id(c) not in searched]
    connection = connections[qs.db]
    likes = " AND ".join("w.search_text LIKE %s" for _term in terms)
    patterns = [f"%{connection.ops.prep_for_like_query(c.rhs)}%" for c in terms]
    ids: list[int] = []
    read = 0  # how many of the newest rows the windows before have read
    for window in NEWEST_WINDOWS:
        if read and (window <= read or len(ids) * window < limit * read):
            return None  # too rare to fill this window either
        # A window goes on below the last match found: the rows between it and the end of the
        # window before matched nothing, and the window before is not read again.
        after = rest.filter(id__lt=ids[-1]) if ids else rest
        sql, params = after[: window - read].query.sql_with_params()
        with connection.cursor() as cursor:
            # ``sql`` is Django's compiled query with its parameters apart; the rest is constant.
            newest = f"SELECT w.id FROM ({sql}) w WHERE {likes} ORDER BY w.id DESC LIMIT %s"  # noqa: S608
            cursor.execute(newest, (*params, *patterns, limit - len(ids)))
            ids += [row[0] for row in cursor.fetchall()]
        if len(ids) >= limit:
            return ids
        read = window
    return None


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
