"""The public transparency page /minh-bach/: every figure is the registry's."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from isogov.catalog.models import Procedure
from isogov.dossiers.tests.conftest import CFS, at
from isogov.indicators.registry import Scope, evaluate_all

from .conftest import March

pytestmark = pytest.mark.django_db


def test_the_figures_are_the_registrys_for_a_crafted_march(
    client: Any, desk: Any, march: March
) -> None:
    agency = desk.department
    with time_machine.travel(at(3, 31, 15), tick=False):
        response = client.get(f"/minh-bach/?co_quan={agency.code}")
        assert response.status_code == 200
        month, year = response.context["periods"]
        for period, (start, end) in ((month, (3, 1)), (year, (1, 1))):
            assert (period.date_from.month, period.date_from.day) == (start, end)
            registry = {
                r.code: r
                for r in evaluate_all(
                    Scope(agency=agency),
                    period.date_from,
                    period.date_to,
                    only=["count.received", "count.finished", "2.1", "2.2", "5.4"],
                )
            }
            assert period.received == registry["count.received"]
            assert period.finished == registry["count.finished"]
            assert period.on_time == registry["2.1"]
            assert period.late == registry["2.1"].denominator - registry["2.1"].numerator
            assert period.satisfaction.state == "no_data"
        # The crafted month, by hand: A, B, D1, D2, E received; A and B finished (E stopped);
        # on time A, D1, E; late B (one minute) and D2 (overdue). The year adds February's F.
        assert (month.received.value, month.finished.value) == (5, 2)
        assert (month.on_time.numerator, month.late) == (3, 2)
        assert (year.received.value, year.finished.value) == (6, 3)
        assert (year.on_time.numerator, year.late) == (4, 2)
        # The average processing time of the procedure, month and year, beside its legal time.
        (row,) = response.context["procedures"]
        assert row.procedure.code == CFS
        scope = Scope(agency=agency, procedure=Procedure.objects.get(code=CFS))
        assert row.month == evaluate_all(scope, month.date_from, month.date_to, only=["2.2"])[0]
        assert row.year == evaluate_all(scope, year.date_from, year.date_to, only=["2.2"])[0]
        assert "3" in row.legal and "ngày làm việc" in row.legal
        assert "CFS" in row.name
    html = response.content.decode()
    assert f'<td data-label="Đã tiếp nhận" class="received">{5}</td>' in html
    assert "chưa có dữ liệu" in html  # satisfaction: no ratings yet


def test_no_sign_in_a_chooser_and_an_unknown_agency(client: Any, desk: Any) -> None:
    response = client.get("/minh-bach/")
    assert response.status_code == 200
    assert desk.department.code in response.content.decode()  # in the chooser
    response = client.get("/minh-bach/?co_quan=KHONG-CO")
    assert response.status_code == 404
    assert "KHONG-CO" in response.content.decode()


def test_the_catalogue_and_the_lookup_link_to_it(client: Any, desk: Any) -> None:
    for path in ("/thu-tuc/", "/tra-cuu/"):
        assert 'href="/minh-bach/"' in client.get(path).content.decode()
