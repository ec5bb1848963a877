"""Search through indexes (issue 15 §2): code prefix, folded name words, phone and ID number
keys, the capped count; on SQLite (FTS5) and on PostgreSQL (pg_trgm) alike."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test import Client

from isogov.dossiers import search, services
from isogov.dossiers.models import Dossier, DossierStep
from isogov.dossiers.selectors import dossier_search

from .conftest import at, intake

pytestmark = pytest.mark.django_db


def _receive(desk: Any, minute: int, **applicant: str) -> Dossier:
    with time_machine.travel(at(3, 9, 8, minute), tick=False):
        return services.dossier_receive(actor=desk.user("motcua"), data=intake(desk, **applicant))


def _codes(desk: Any, q: str, user: str = "motcua") -> set[str]:
    return set(dossier_search(user=desk.user(user), q=q).values_list("code", flat=True))


@pytest.fixture
def three(desk: Any) -> tuple[Dossier, Dossier, Dossier]:
    return (
        _receive(desk, 0),  # Nguyễn Thị Hồng Nhung, 0912345678, 031190001234
        _receive(
            desk, 1, name="Trần Văn Bình", phone="+84 987 654 321", id_number="0101234567-001"
        ),
        _receive(
            desk, 2, name="Công ty TNHH Sách Đông Á", phone="0243 826 1234", id_number="0200123456"
        ),
    )


def test_names_are_found_by_folded_word_starts(desk: Any, three: Any) -> None:
    nhung, binh, company = (d.code for d in three)
    assert _codes(desk, "nguyen thi hong") == {nhung}
    assert _codes(desk, "Nguyễn Nhung") == {nhung}  # words need not be adjacent
    assert _codes(desk, "HỒN") == {nhung}  # the start of a word, diacritics ignored
    assert _codes(desk, "dong a") == {company}
    assert _codes(desk, "binh") == {binh}
    assert _codes(desk, "nguyen binh") == set()
    assert _codes(desk, "cfs") == {nhung, binh, company}  # the procedure is searched too
    assert _codes(desk, "\"'*-") == {nhung, binh, company}  # no word: no narrowing, no error


def test_codes_are_found_whole_or_by_their_start(desk: Any, three: Any) -> None:
    nhung, binh, company = (d.code for d in three)
    assert _codes(desk, nhung) == {nhung}
    assert _codes(desk, f"  {nhung.lower()} ") == {nhung}
    day_prefix = nhung.rsplit("-", 1)[0] + "-"
    assert _codes(desk, day_prefix) == {nhung, binh, company}
    assert _codes(desk, day_prefix + "9") == set()
    # The end of a code is no code prefix: the words of the search text find it.
    assert _codes(desk, nhung.split("-", 1)[1]) == {nhung}


def test_words_with_punctuation_inside_are_the_words_the_index_holds(desk: Any, three: Any) -> None:
    """The SQLite text index keeps no word positions (migration 0029), so it answers no phrase:
    ``h26-260903`` is asked as the words ``h26`` and ``260903``, each a word start, and finds
    what it found as a phrase (on PostgreSQL, the text as typed, anywhere)."""
    nhung, binh, company = (d.code for d in three)
    agency_part, day, number = nhung.lower().split("-")
    assert _codes(desk, f"{agency_part.rsplit('.', 1)[1]}-{day}") == {nhung, binh, company}
    assert _codes(desk, f"{day}-{number}") == {nhung}
    assert _codes(desk, "(cfs)") == {nhung, binh, company}
    sqlite = connection.vendor == "sqlite"
    assert _codes(desk, "tnhh,") == ({company} if sqlite else set())
    assert _codes(desk, "hồng-nhung") == ({nhung} if sqlite else set())


def test_phone_and_id_numbers_are_found_through_their_keys(desk: Any, three: Any) -> None:
    nhung, binh, company = three
    assert (binh.applicant_phone_key, binh.applicant_id_key) == ("987654321", "0101234567001")
    assert _codes(desk, "0912 345 678") == {nhung.code}
    assert _codes(desk, "+84 912.345.678") == {nhung.code}
    assert _codes(desk, "0987654321") == {binh.code}
    assert _codes(desk, "031190001234") == {nhung.code}
    assert _codes(desk, "0101234567-001") == {binh.code}
    assert _codes(desk, "0243 826 1234") == {company.code}
    assert _codes(desk, "0999999999") == set()
    # Another agency's officer finds nothing of this one.
    assert _codes(desk, "0912345678", user="tuphap") == set()


def test_the_text_index_follows_every_change_of_the_search_text(desk: Any, three: Any) -> None:
    nhung = three[0]
    Dossier.objects.filter(pk=nhung.pk).update(search_text="le quang vinh")
    assert _codes(desk, "vinh") == {nhung.code}
    assert nhung.code not in _codes(desk, "nhung")
    Dossier.objects.filter(pk=nhung.pk).delete()
    assert _codes(desk, "vinh") == set()


def test_the_text_index_is_put_back_after_a_table_rebuild(desk: Any, three: Any) -> None:
    nhung = three[0]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER dossiers_dossier_fts_update")
        assert search.ensure_search_index(connection) is True
        Dossier.objects.filter(pk=nhung.pk).update(search_text="le quang vinh")
        assert _codes(desk, "vinh") == {nhung.code}
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [search.TRGM_INDEX]
            )
            (definition,) = cursor.fetchone()
        assert "gin_trgm_ops" in definition
    assert search.ensure_search_index(connection) is False  # nothing missing now


def test_counts_stop_at_the_cap_on_the_page_and_in_the_api(
    client: Client, desk: Any, three: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "SEARCH_COUNT_CAP", 2)
    client.force_login(desk.user("motcua"))
    page = client.get("/dossiers/search/", {"q": "cfs"}).content.decode()
    assert "Hơn 2 hồ sơ" in page
    assert all(d.code in page for d in three)
    page = client.get("/dossiers/search/", {"q": "binh"}).content.decode()
    assert "Hơn 2" not in page and "1 hồ sơ" in page
    from isogov.core.api import CappedPageNumberPagination

    monkeypatch.setattr(CappedPageNumberPagination, "COUNT_CAP", 2)
    data = client.get("/api/v1/dossiers/", {"q": "cfs"}).json()
    assert (data["count"], data["count_capped"], len(data["results"])) == (2, True, 2)
    data = client.get("/api/v1/dossiers/", {"q": "binh"}).json()
    assert (data["count"], data["count_capped"]) == (1, False)
    assert search.capped_count(Dossier.objects.all(), cap=5) == (3, False)


def test_word_starts_of_every_length_find_what_the_text_holds(desk: Any, three: Any) -> None:
    """The text index keeps prefix indexes of two to five characters (migration 0029); a
    word start of one, two, three or more characters finds the same dossiers as reading every
    dossier's folded text would (on PostgreSQL, where a word is found anywhere in the text, as
    reading every text for it would)."""
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [search.FTS_TABLE])
            (definition,) = cursor.fetchone()
        assert "prefix='2 3 4 5'" in definition and "detail=none" in definition
    texts = dict(Dossier.objects.values_list("code", "search_text"))
    for q in (
        *("n", "ng", "ngu", "nguy", "nguye", "nguyen", "th", "thi", "thi h", "d", "do", "don"),
        *("dong", "cong t", "sach dong a"),
    ):
        terms = q.split()
        expected = {
            code
            for code, text in texts.items()
            if all(
                any(word.startswith(term) for word in re.findall("[0-9a-z]+", text.lower()))
                if sqlite
                else term in text
                for term in terms
            )
        }
        assert _codes(desk, q) == expected, q


def test_the_search_page_reads_the_newest_matches_through_an_index(
    desk: Any, three: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``first_and_count`` asks the SQLite text index for its matches newest first, each checked
    against the other filters, and stops at the cap; PostgreSQL reads the newest dossiers of the
    other filters first and asks the trigram index only when they hold too few matches. Either
    way: the same rows, count and "more" as reading the whole query, for every cap, query and
    filter, with the window large or too small."""
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    nhung, binh, company = three
    Dossier.objects.filter(pk=binh.pk).update(status="finished")
    user = desk.user("motcua")
    cases = [
        ("cfs", ""),
        ("cfs", "finished"),
        ("cfs", "open"),
        ("nguyen", ""),
        ("dong a", ""),
        ("nobody", ""),
    ]
    for windows in ((30_000, 100_000), (1, 2), (2, 3), (1, 1)):
        monkeypatch.setattr(search, "NEWEST_WINDOWS", windows)
        for (q, status), narrowed in itertools.product(cases, (False, True)):
            found = dossier_search(user=user, q=q, status=status)
            if narrowed:  # list filters (one with a subquery, as the unit filter): not Nhung
                steps = DossierStep.objects.filter(dossier=OuterRef("pk"), order__gte=1)
                found = found.filter(Exists(steps), received_at__gte=at(3, 9, 8, 1))
            every = list(found.values_list("pk", flat=True))
            for cap in (1, 2, 5):
                with CaptureQueriesContext(db) as queries:
                    rows, count, more = search.first_and_count(found, 2, cap=cap)
                case = (windows, q, status, narrowed, cap)
                assert [row.pk for row in rows] == every[:2], case
                assert (count, more) == (min(len(every), cap), len(every) > cap), case
                sqls = [x["sql"] for x in queries]
                from_text_index = any('"dossiers_dossier_fts"."rowid" DESC' in x for x in sqls)
                from_window = any("w.search_text LIKE" in x for x in sqls)
                assert from_text_index == (db.vendor == "sqlite"), case
                assert from_window == (db.vendor == "postgresql"), case
    # Another agency's officer: the index's matches are checked against the scope.
    assert search.first_and_count(dossier_search(user=desk.user("tuphap"), q="cfs"), 2) == (
        [],
        0,
        False,
    )
    # A search not ordered newest first reads the query itself.
    with CaptureQueriesContext(db) as queries:
        rows, count, more = search.first_and_count(
            dossier_search(user=user, q="cfs").order_by("id"), 5
        )
    assert [row.pk for row in rows] == [nhung.pk, binh.pk, company.pk] and count == 3
    assert not any(
        '"dossiers_dossier_fts"."rowid" DESC' in x["sql"] or "w.search_text LIKE" in x["sql"]
        for x in queries
    )


def test_the_search_page_reads_its_rows_in_one_query_whatever_their_number(
    client: Client, desk: Any, three: Any
) -> None:
    """The page reads only the columns its rows show (``views.SEARCH_COLUMNS``); no row loads
    another column, or its labels, by a query of its own: three rows cost what one does."""
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    client.force_login(desk.user("motcua"))
    counts = []
    for q, rows in (("binh", 1), ("cfs", 3)):
        with CaptureQueriesContext(db) as queries:
            page = client.get("/dossiers/search/", {"q": q}).content.decode()
        assert page.count('<tr><td><a href="/dossiers/') == rows
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert "Đã tiếp nhận" in page  # the status label, in Vietnamese


def test_the_search_page_prints_its_rows_as_the_template_filters_would(
    client: Client, desk: Any, three: Any
) -> None:
    """The rows the view works out (``views._search_rows``) print what Django's ``url``,
    ``truncatechars:80`` and ``date:"H:i d/m/Y"`` printed: a procedure name over 80 characters,
    one of exactly 80, an appointment and none."""
    from django.template import Context, Template

    nhung, binh, company = three
    long_name = "Cấp giấy chứng nhận đủ điều kiện kinh doanh dịch vụ lữ hành nội địa, quốc tế " * 2
    exact = ("Đăng ký " * 10)[:80]
    Dossier.objects.filter(pk=nhung.pk).update(procedure_name=long_name)
    Dossier.objects.filter(pk=binh.pk).update(procedure_name=exact, promised_due_at=None)
    client.force_login(desk.user("motcua"))
    page = client.get("/dossiers/search/", {"q": "cfs"}).content.decode()
    row = Template(
        "<tr><td><a href=\"{% url 'dossiers:detail' d.code %}\">{{ d.code }}</a></td>"
        "<td>{{ d.applicant_name }}</td><td>{{ d.procedure_name|truncatechars:80 }}</td>"
        "<td>{{ d.get_status_display }}</td><td>{{ d.promised_due_at|date:'H:i d/m/Y' }}</td>"
        "</tr>"
    )
    printed = 0
    for dossier in Dossier.objects.filter(pk__in=[nhung.pk, binh.pk, company.pk]):
        expected = row.render(Context({"d": dossier}))
        assert expected in page, expected
        printed += 1
    assert printed == 3
    assert "…" in page and exact in page and long_name[:79] in page


def test_the_search_page_says_how_many_of_its_matches_it_shows(
    client: Client, desk: Any, three: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page shows its first ``views.SEARCH_ROWS`` matches and says so with that number,
    the one stated in the view (the template has no number of its own)."""
    from isogov.dossiers import views

    client.force_login(desk.user("motcua"))
    monkeypatch.setattr(views, "SEARCH_ROWS", 2)
    page = client.get("/dossiers/search/", {"q": "cfs"}).content.decode()
    assert page.count('<tr><td><a href="/dossiers/') == 2
    assert "3 hồ sơ — hiển thị 2 hồ sơ đầu tiên" in page
    monkeypatch.setattr(views, "SEARCH_ROWS", 3)
    page = client.get("/dossiers/search/", {"q": "cfs"}).content.decode()
    assert page.count('<tr><td><a href="/dossiers/') == 3
    assert "3 hồ sơ" in page and "đầu tiên" not in page
