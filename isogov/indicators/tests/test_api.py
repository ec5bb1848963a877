"""``GET /api/v1/indicators/``: shape, scoping (404) and every bad parameter (400)."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from .conftest import March

pytestmark = pytest.mark.django_db
URL = "/api/v1/indicators/"
DEPARTMENT = "000.00.15.H26"


def client_for(desk: Any, username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(desk.user(username))
    return client


def test_the_leader_gets_the_766_set_in_the_agreed_shape(march: March, desk: Any) -> None:
    response = client_for(desk, "lanhdao").get(
        URL, {"agency": DEPARTMENT, "from": "2026-03-01", "to": "2026-03-31"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert list(body) == ["agency", "from", "to", "indicators"]
    assert (body["agency"], body["from"], body["to"]) == (DEPARTMENT, "2026-03-01", "2026-03-31")
    by_code = {row["code"]: row for row in body["indicators"]}
    assert list(by_code)[:3] == ["1.1", "1.2", "1.3"] and "5.4" in by_code
    assert set(by_code["2.1"]) == {
        "code",
        "name",
        "numerator",
        "denominator",
        "value",
        "points",
        "max_points",
    }
    assert by_code["2.1"] | {"name": ""} == {
        "code": "2.1",
        "name": "",
        "numerator": 3,
        "denominator": 5,
        "value": 60.0,
        "points": 12.0,
        "max_points": 20.0,
    }
    assert by_code["2.1"]["name"] == "Hồ sơ giải quyết trước hạn, đúng hạn"
    # No data yet: null numerator and denominator; N/A: denominator 0 and value null.
    assert (by_code["5.4"]["numerator"], by_code["5.4"]["denominator"]) == (None, None)


def test_a_zero_denominator_is_null_not_zero(march: March, desk: Any) -> None:
    response = client_for(desk, "lanhdao").get(
        URL, {"agency": DEPARTMENT, "from": "2026-01-01", "to": "2026-01-31", "codes": "2.1"}
    )
    assert response.json()["indicators"] == [
        {
            "code": "2.1",
            "name": "Hồ sơ giải quyết trước hạn, đúng hạn",
            "numerator": 0,
            "denominator": 0,
            "value": None,
            "points": None,
            "max_points": 20.0,
        }
    ]


def test_narrowed_by_procedure_and_by_unit(march: March, desk: Any) -> None:
    client = client_for(desk, "lanhdao")
    period = {"agency": DEPARTMENT, "from": "2026-03-01", "to": "2026-03-31", "codes": "2.1"}
    cfs = client.get(URL, {**period, "procedure": "1.014464"}).json()["indicators"][0]
    assert (cfs["numerator"], cfs["denominator"]) == (3, 5)
    from isogov.catalog.models import Procedure

    other = Procedure.objects.exclude(code="1.014464").first()
    assert other is not None
    none = client.get(URL, {**period, "procedure": other.code}).json()["indicators"][0]
    assert (none["denominator"], none["value"]) == (0, None)
    sector = Procedure.objects.get(code="1.014464").sector
    by_sector = client.get(URL, {**period, "sector": sector.code}).json()["indicators"][0]
    assert (by_sector["numerator"], by_sector["denominator"]) == (3, 5)
    # The specialists' unit: only A and B reached its steps (D1, D2 and E stayed at the desk).
    unit = march.late_one_minute.steps.get(order=3).unit
    narrowed = client.get(URL, {**period, "unit": unit.code}).json()["indicators"][0]
    assert (narrowed["numerator"], narrowed["denominator"]) == (1, 2)
    desk_unit = march.late_one_minute.steps.get(order=1).unit
    everyone = client.get(URL, {**period, "unit": desk_unit.code}).json()["indicators"][0]
    assert (everyone["numerator"], everyone["denominator"]) == (3, 5)


def test_the_default_agency_is_the_users_own(march: March, desk: Any) -> None:
    response = client_for(desk, "lanhdao").get(URL, {"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 200 and response.json()["agency"] == DEPARTMENT


@pytest.mark.parametrize("agency", ["000.00.19.H26", "no-such-agency"])
def test_an_agency_outside_the_users_scope_is_404(desk: Any, agency: str) -> None:
    response = client_for(desk, "lanhdao").get(
        URL, {"agency": agency, "from": "2026-03-01", "to": "2026-03-31"}
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_signing_in_is_required(desk: Any) -> None:
    response = APIClient().get(
        URL, {"agency": DEPARTMENT, "from": "2026-03-01", "to": "2026-03-31"}
    )
    assert response.status_code in (401, 403)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        pytest.param({"to": "2026-03-31"}, "from", id="from_missing"),
        pytest.param({"from": "2026-03-01"}, "to", id="to_missing"),
        pytest.param({"from": "01/03/2026", "to": "2026-03-31"}, "from", id="from_not_iso"),
        pytest.param({"from": "2026-02-30", "to": "2026-03-31"}, "from", id="from_impossible"),
        pytest.param({"from": "2026-03-01", "to": "2026-13-01"}, "to", id="to_bad"),
        pytest.param({"from": "2026-03-31", "to": "2026-03-01"}, "to", id="from_after_to"),
        pytest.param({"from": "2020-01-01", "to": "2025-01-01"}, "to", id="over_5_years"),
        pytest.param(
            {"from": "2026-03-01", "to": "2026-03-31", "codes": "2.1,9.9"}, "codes", id="codes"
        ),
        pytest.param({"from": "2026-03-01", "to": "2026-03-31", "unit": "NOPE"}, "unit", id="unit"),
        pytest.param(
            {"from": "2026-03-01", "to": "2026-03-31", "sector": "NOPE"}, "sector", id="sector"
        ),
        pytest.param(
            {"from": "2026-03-01", "to": "2026-03-31", "procedure": "NOPE"},
            "procedure",
            id="procedure",
        ),
    ],
)
def test_a_bad_parameter_is_400_naming_it(desk: Any, params: dict[str, str], field: str) -> None:
    response = client_for(desk, "lanhdao").get(URL, {"agency": DEPARTMENT, **params})
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["details"]) == [field]


def test_five_years_less_a_day_is_allowed(desk: Any) -> None:
    response = client_for(desk, "lanhdao").get(
        URL, {"agency": DEPARTMENT, "from": "2020-01-01", "to": "2024-12-31", "codes": "2.1"}
    )
    assert response.status_code == 200
