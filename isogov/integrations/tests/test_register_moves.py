"""An import that moves a received dossier to another month makes the register page count its
months again (``dossiers/register_months.py``, the ``register-moves:YYYY`` counter)."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client

from isogov.dossiers.models import DossierCounter
from isogov.dossiers.tests.conftest import CFS
from isogov.dossiers.tests.test_register_months import (
    NOW,
    _hand_count,
    _shown,
    _stored,
    generate_five_months,
)
from isogov.integrations.inbound import inbound_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_months(desk: Any, client: Client) -> Any:
    return generate_five_months(desk, client)


def test_an_import_that_moves_a_receipt_to_another_month_is_counted_again(
    five_months: Any, client: Client
) -> None:
    agency = five_months.department
    record = {
        "MaHoSo": "EXT-MOVE",
        "MaTTHC": CFS,
        "ChuHoSo": "Công ty Sách Hải Phòng",
        "LoaiDoiTuong": "2",
        "KenhThucHien": "1",
        "NgayTiepNhan": "20260415080000",
        "TrangThaiHoSo": "2",
    }
    with time_machine.travel(NOW, tick=False):
        inbound_import(agency=agency, source="HT-MCĐT-HP", records=[record], history=[])
    before = _hand_count(agency)
    assert _shown(client)[0] == before
    # The provincial system corrects the receipt to March: one fewer in April, one more in
    # March, the year's lines unchanged (a sum alone could not tell).
    with time_machine.travel(NOW, tick=False):
        inbound_import(
            agency=agency,
            source="HT-MCĐT-HP",
            records=[{**record, "NgayTiepNhan": "20260316080000"}],
            history=[],
        )
    moves = DossierCounter.objects.get(agency=agency, scope="register-moves:2026").last
    assert moves == 1
    shown, counted = _shown(client)
    assert shown == {**before, 3: before[3] + 1, 4: before[4] - 1} == _hand_count(agency)
    assert counted == 15
    assert _stored(agency) == {month: shown[month] for month in range(1, 6)}
