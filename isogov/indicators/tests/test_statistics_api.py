"""``GET /api/v1/reports/statistics/``: shape, scoping (404) and every bad parameter (400)."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from isogov.dossiers.tests.conftest import at

from .conftest import March
from .test_api import DEPARTMENT, client_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/statistics/"
MARCH = {"agency": DEPARTMENT, "from": "2026-03-01", "to": "2026-03-31"}


def _get(client: Any, params: dict[str, str]) -> Any:
    with time_machine.travel(at(4, 2, 8), tick=False):
        return client.get(URL, params)


def test_the_report_in_its_shape(march: March, desk: Any) -> None:
    response = _get(client_for(desk, "lanhdao"), {**MARCH, "by": "procedure"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert list(body) == ["agency", "from", "to", "by", "stored_at", "rows", "total"]
    assert (body["agency"], body["by"], body["stored_at"]) == (DEPARTMENT, "procedure", None)
    (row,) = body["rows"]
    assert row["counts"] == body["total"]
    total = body["total"]
    assert (total["carried_over"], total["new"], total["resolved"], total["in_process"]) == (
        0,
        5,
        2,
        2,
    )
    assert (total["withdrawn"], total["refused"], total["stopped"]) == (1, 0, 0)
    by_unit = _get(client_for(desk, "lanhdao"), {**MARCH, "by": "unit"}).json()
    assert by_unit["total"] == total and by_unit["rows"]


def test_outside_the_scope_is_404(desk: Any) -> None:
    response = _get(client_for(desk, "lanhdao"), {**MARCH, "agency": desk.other.code})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": ""}, "from"),
        ({"from": "2026-02-30"}, "from"),
        ({"to": "31/03/2026"}, "to"),
        ({"to": "2026-02-01"}, "to"),
        ({"from": "2019-01-01", "to": "2026-03-31"}, "to"),
        ({"by": "officer"}, "by"),
    ],
)
def test_bad_parameters_are_400_naming_the_field(
    desk: Any, params: dict[str, str], field: str
) -> None:
    response = _get(client_for(desk, "lanhdao"), {**MARCH, **params})
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]
