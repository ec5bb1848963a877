"""ISO-layer mode: a crafted feed whose on-time figures are computed by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from isogov.core.errors import ConflictError, ValidationFailed
from isogov.dossiers.actions import available_actions, dossier_act
from isogov.dossiers.models import Dossier, DossierEvent, DossierStep
from isogov.dossiers.selectors import dossier_register
from isogov.dossiers.tests.conftest import CFS
from isogov.dossiers.transitions import Status
from isogov.indicators.registry import Scope, measure
from isogov.integrations.inbound import inbound_import
from isogov.integrations.models import UnmappedCode

pytestmark = pytest.mark.django_db
SOURCE = "HT-MCĐT-HP"


def _record(code: str, **fields: Any) -> dict[str, Any]:
    return {
        "MaHoSo": code,
        "MaTTHC": CFS,
        "ChuHoSo": "Công ty Sách Hải Phòng",
        "LoaiDoiTuong": "2",
        "KenhThucHien": "1",
        "NgayTiepNhan": "20260504080000",
        **fields,
    }


def _entry(code: str, at: str, status: str, text: str, **fields: str) -> dict[str, str]:
    return {"MaHoSo": code, "ThoiDiemXuLy": at, "TrangThai": status, "NoiDungXuLy": text, **fields}


def _feed() -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    records = [
        # Two supplement requests: late whatever its dates (indicators.md A 2.1).
        _record(
            "EXT-1",
            NgayHenTra="20260515170000",
            NgayKetThucXuLy="20260514100000",
            NgayTra="20260515090000",
            TrangThaiHoSo="10",
            DanhSachHoSoBoSung=[
                {"NgayBoSung": "20260505090000", "NgayTiepNhanBoSung": "20260506090000"},
                {"NgayBoSung": "20260508090000", "NgayTiepNhanBoSung": "20260511090000"},
            ],
        ),
        # Finished exactly at its appointment: on time.
        _record(
            "EXT-2",
            NgayHenTra="20260512170000",
            NgayKetThucXuLy="20260512170000",
            TrangThaiHoSo="9",
        ),
        # A procedure code nobody mapped: listed, not imported.
        _record("EXT-3", MaTTHC="9.999999.H26", TenTTHC="Thủ tục lạ", TrangThaiHoSo="2"),
        # Finished a day after its appointment: late.
        _record(
            "EXT-4",
            NgayHenTra="20260512170000",
            NgayKetThucXuLy="20260513170000",
            TrangThaiHoSo="9",
        ),
    ]
    history = [
        _entry("EXT-1", "20260504080000", "2", "Tiếp nhận hồ sơ"),
        _entry("EXT-1", "20260505090000", "5", "Yêu cầu bổ sung lần 1"),
        _entry("EXT-1", "20260506090000", "4", "Thẩm định", PhongBanXuLy="Phòng Xuất bản",
               NgayBatDau="20260506090000", NgayKetThucTheoQuyDinh="20260508170000"),
        _entry("EXT-1", "20260508090000", "5", "Yêu cầu bổ sung lần 2"),
        _entry("EXT-1", "20260514100000", "9", "Ký duyệt"),
        _entry("EXT-1", "20260515090000", "10", "Trả kết quả"),
        _entry("EXT-2", "20260504080000", "2", "Tiếp nhận hồ sơ"),
        _entry("EXT-2", "20260512170000", "9", "Ký duyệt"),
        _entry("EXT-3", "20260504080000", "2", "Tiếp nhận hồ sơ"),
        _entry("EXT-4", "20260504080000", "2", "Tiếp nhận hồ sơ"),
        _entry("EXT-4", "20260513170000", "9", "Ký duyệt"),
    ]  # fmt: skip
    return records, history


def test_a_crafted_feed_is_imported_and_counted(desk: Any) -> None:
    agency = desk.department
    records, history = _feed()
    result = inbound_import(agency=agency, source=SOURCE, records=records, history=history)
    assert (result.created, result.updated) == (3, 0)
    assert result.unmapped == {"9.999999.H26": [3]}
    assert UnmappedCode.objects.get(source=SOURCE, portal_code="9.999999.H26").seen == 1
    assert not Dossier.objects.filter(code="EXT-3").exists()

    one = Dossier.objects.get(source=SOURCE, external_code="EXT-1")
    assert one.status == Status.RETURNED
    assert one.supplement_count == 2
    statuses = list(
        DossierEvent.objects.filter(dossier=one).order_by("at").values_list("to_status", flat=True)
    )
    assert statuses == ["received", "supplement_requested", "in_process",
                        "supplement_requested", "finished", "returned"]  # fmt: skip
    step = DossierStep.objects.get(dossier=one)
    assert step.unit_label == "Phòng Xuất bản" and step.due_at is not None
    # Read-only: the action table offers nothing, even to the desk, and no service runs on it.
    assert available_actions(dossier=one, user=desk.user("motcua")) == []
    with pytest.raises(ConflictError) as refused:
        dossier_act(
            name="return_originals",
            actor=desk.user("motcua"),
            dossier=one,
            version=one.version,
            data={},
        )
    assert refused.value.code == "external"

    # Hand-computed 2.1 for May 2026: EXT-1 late (two supplements), EXT-2 on time (ends
    # exactly at its appointment), EXT-4 late (a day after): 1 of 3.
    figure = measure("2.1", Scope(agency), dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert (figure.numerator, figure.denominator) == (1, 3)

    listed = dossier_register(user=desk.user("motcua"), agency=agency, year=2026)
    assert {"EXT-1", "EXT-2", "EXT-4"} <= set(listed.values_list("code", flat=True))

    # Sent again: updated in place, no new history entry.
    again = inbound_import(agency=agency, source=SOURCE, records=records, history=history)
    assert (again.created, again.updated, again.history) == (0, 3, 0)
    assert Dossier.objects.filter(source=SOURCE).count() == 3
    assert DossierEvent.objects.filter(dossier__source=SOURCE).count() == 10


def test_a_malformed_date_refuses_the_whole_batch(desk: Any) -> None:
    records, history = _feed()
    records[1]["NgayHenTra"] = "2026-13-45"
    with pytest.raises(ValidationFailed) as refused:
        inbound_import(agency=desk.department, source=SOURCE, records=records, history=history)
    assert list(refused.value.details) == ["records[2].NgayHenTra"]
    assert (
        "bản ghi 2" in refused.value.details["records[2].NgayHenTra"][0]
        or "record 2" in (refused.value.details["records[2].NgayHenTra"][0])
    )
    assert not Dossier.objects.filter(source=SOURCE).exists()
    assert not UnmappedCode.objects.exists()


def test_the_api_takes_a_batch_from_a_client_with_the_permission(desk: Any) -> None:
    from django.contrib.auth.models import Permission

    client_user = desk.user("motcua")
    token = Token.objects.create(user=client_user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    records, history = _feed()
    body = {
        "source": SOURCE,
        "agency": desk.department.code,
        "records": records,
        "history": history,
    }
    assert api.post("/api/v1/integrations/dossiers/", body, format="json").status_code == 403
    client_user.user_permissions.add(Permission.objects.get(codename="push_dossiers"))
    client_user = type(client_user).objects.get(pk=client_user.pk)  # permissions cache
    answer = api.post("/api/v1/integrations/dossiers/", body, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["created"] == 3
    records[0]["TrangThaiHoSo"] = "11"
    answer = api.post("/api/v1/integrations/dossiers/", body, format="json")
    assert answer.status_code == 400
    assert "records[1].TrangThaiHoSo" in answer.json()["error"]["details"]


def test_an_api_key_with_the_push_scope_pushes_for_its_own_agency_only(desk: Any) -> None:
    from isogov.accounts.models import Agency
    from isogov.accounts.services.api_keys import api_key_create

    leader = desk.user("lanhdao")
    read_only, read_secret = api_key_create(
        actor=leader, agency=desk.department, name="Đọc", scopes=["read"], expires_in_days=30
    )
    pusher, push_secret = api_key_create(
        actor=leader,
        agency=desk.department,
        name="Một cửa tỉnh",
        scopes=["push_dossiers"],
        expires_in_days=30,
    )
    records, history = _feed()
    body = {"source": SOURCE, "agency": desk.department.code, "records": records}
    body["history"] = history
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"ApiKey {read_only.key_id}.{read_secret}")
    assert api.post("/api/v1/integrations/dossiers/", body, format="json").status_code == 403
    api.credentials(HTTP_AUTHORIZATION=f"ApiKey {pusher.key_id}.{push_secret}")
    other = Agency.objects.exclude(pk=desk.department.pk).first()
    assert other is not None
    elsewhere = api.post(
        "/api/v1/integrations/dossiers/", {**body, "agency": other.code}, format="json"
    )
    assert elsewhere.status_code == 403
    assert not Dossier.objects.filter(source=SOURCE).exists()
    answer = api.post("/api/v1/integrations/dossiers/", body, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["created"] == 3
    from isogov.audit.models import AuditEvent

    event = AuditEvent.objects.filter(action="integrations.import").latest("id")
    assert event.after["api_key"] == pusher.key_id


def test_an_imported_stop_says_when_it_stopped(desk: Any) -> None:
    # A stop the history does not show is dated by the record; the indicators read that end
    # from the dossier (``stopped_at``), as for a dossier stopped through the services.
    records = [_record("EXT-9", NgayHenTra="20260515170000", NgayKetThucXuLy="20260506100000",
                       TrangThaiHoSo="8")]  # fmt: skip
    history = [_entry("EXT-9", "20260504080000", "2", "Tiếp nhận hồ sơ")]
    inbound_import(agency=desk.department, source=SOURCE, records=records, history=history)
    stopped = Dossier.objects.get(source=SOURCE, external_code="EXT-9")
    assert stopped.status == Status.STOPPED
    assert stopped.stopped_at == DossierEvent.objects.get(dossier=stopped, to_status="stopped").at
    assert stopped.stopped_at == dt.datetime(2026, 5, 6, 3, tzinfo=dt.UTC)
