"""A procedure in the portal's shape becomes a catalogue draft; the diff against the version in
force is shown before publishing; a bad record names the portal's field and stores nothing."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from isogov.audit.models import AuditEvent
from isogov.catalog.models import Procedure, ProcedureVersion, VersionStatus
from isogov.catalog.selectors import version_diff, version_in_force
from isogov.catalog.services.versions import version_publish
from isogov.core.errors import PermissionDenied, ValidationFailed
from isogov.integrations.procedure_import import portal_procedure_import

CFS = "1.014464"
PAGE = "/integrations/thu-tuc/nhap/"

RECORD: dict[str, Any] = {
    "MATTHC": CFS,
    "TENTTHC": (
        "Cấp giấy chứng nhận lưu hành tự do (CFS) đối với sản phẩm báo chí, xuất bản phẩm xuất khẩu"
    ),
    "CAPTHUCHIEN": [{"CAPTHUCHIEN": "2"}],
    "LINHVUCTHUCHIEN": [{"MALINHVUC": "XB", "TENLINHVUC": "Xuất bản, In và Phát hành"}],
    "MUCDO": "Một phần",
    "CACHTHUCTHUCHIEN": [
        {
            "KENH": "1",
            "THOIGIAN": [
                {
                    "THOIGIANGIAIQUYET": "2",
                    "DONVITINH": "Ngày làm việc",
                    "MOTA": "",
                    "PHILEPHI": [
                        {
                            "MAPHILEPHI": "LP01",
                            "SOTIEN": "50.000",
                            "DONVI": "Đồng",
                            "MOTA": "Lệ phí",
                        }
                    ],
                }
            ],
        },
        {
            "KENH": 2,
            "THOIGIAN": [{"THOIGIANGIAIQUYET": 2, "DONVITINH": "Ngày làm việc", "PHILEPHI": []}],
        },
    ],
    "THANHPHANHOSO": [
        {
            "TRUONGHOP": "",
            "GIAYTO": [
                {"TENGIAYTO": "Đơn đề nghị cấp CFS", "SOBANCHINH": "1", "SOBANSAO": "0"},
                {"TENGIAYTO": "Danh mục sản phẩm xuất khẩu", "SOBANCHINH": 1, "SOBANSAO": 1},
            ],
        }
    ],
    "CANCUPHAPLY": [
        {
            "SOVANBAN": "19/2012/QH13",
            "TENVANBAN": "Luật Xuất bản",
            "NGAYBANHANH": "20/11/2012",
            "COQUANBANHANH": "Quốc hội",
        },
        {
            "SOVANBAN": "195/2013/NĐ-CP",
            "TENVANBAN": "Nghị định quy định chi tiết Luật Xuất bản",
            "NGAYBANHANH": "20131113000000",
            "COQUANBANHANH": "Chính phủ",
        },
    ],
    "TRINHTUTHUCHIEN": [
        {
            "TRUONGHOP": "",
            "TRINHTU": [{"TENTRINHTU": "Bước 1: Nộp hồ sơ"}, {"TENTRINHTU": "Bước 2"}],
        }
    ],
    "KETQUATHUCHIEN": [{"MAKETQUA": "KQ1", "TENKETQUA": "Giấy chứng nhận lưu hành tự do"}],
    "MOTADOITUONGTHUCHIEN": "Tổ chức, cá nhân",
    "COQUANTHUCHIEN": [{"MADONVI": "000.00.15.H26", "TENDONVI": "Sở Văn hóa"}],
}


def payload(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode()


def test_portal_record_becomes_a_draft_whose_diff_shows_every_changed_part(desk: Any) -> None:
    procedure = Procedure.objects.get(code=CFS)
    in_force = version_in_force(procedure=procedure)
    assert in_force is not None
    draft = portal_procedure_import(actor=desk.user("lanhdao"), content=payload(RECORD))
    assert draft.status == VersionStatus.DRAFT and draft.procedure == procedure
    assert draft.number > in_force.number
    # The portal's answer, in the catalogue's terms.
    channels = {c.kind: c for c in draft.channels.all()}
    assert set(channels) == {"in_person", "online_partial"}
    assert channels["in_person"].time_value == 2
    assert channels["in_person"].time_unit == "working_days"
    assert [f.amount_vnd for f in draft.fees.filter(channel=channels["in_person"])] == [50_000]
    assert [(p.name, p.originals, p.copies) for p in draft.papers.order_by("order")] == [
        ("Đơn đề nghị cấp CFS", 1, 0),
        ("Danh mục sản phẩm xuất khẩu", 1, 1),
    ]
    assert [(b.number, str(b.issued_on)) for b in draft.legal_bases.order_by("order")] == [
        ("19/2012/QH13", "2012-11-20"),
        ("195/2013/NĐ-CP", "2013-11-13"),
    ]
    assert draft.online_level == "partial"
    # What the portal does not carry is kept from the version in force.
    assert draft.decision_number == in_force.decision_number
    # The diff against the version in force names time, fees, papers, legal bases, channels.
    with translation.override("en"):
        rows = version_diff(old=in_force, new=draft)
        changed = " | ".join(str(row.label) for row in rows if row.changed)
    for part in ("How to apply", "Fee", "Paper", "Legal basis"):
        assert part in changed, changed
    assert AuditEvent.objects.filter(action="procedure_version.import_portal").count() == 1
    # The catalogue's own publish flow checks it: 2 days no longer fit the internal process.
    later = in_force.effective_from.replace(year=in_force.effective_from.year + 1)
    with pytest.raises(ValidationFailed) as refused:
        version_publish(
            actor=desk.user("lanhdao"),
            version=draft,
            sent_version=draft.version,
            effective_from=later,
        )
    assert "process" in refused.value.details
    # Importing again replaces the same draft (no second draft), which then publishes.
    again = copy.deepcopy(RECORD)
    for channel in again["CACHTHUCTHUCHIEN"]:
        channel["THOIGIAN"][0]["THOIGIANGIAIQUYET"] = "3"
    replaced = portal_procedure_import(actor=desk.user("lanhdao"), content=payload(again))
    assert replaced.pk == draft.pk
    assert replaced.channels.get(kind="in_person").time_value == 3
    published = version_publish(
        actor=desk.user("lanhdao"),
        version=replaced,
        sent_version=replaced.version,
        effective_from=later,
    )
    assert published.status == VersionStatus.PUBLISHED


def test_a_procedure_new_to_the_catalogue_is_registered_for_the_chosen_agency(desk: Any) -> None:
    record = {**RECORD, "MATTHC": "1.099999", "CAPTHUCHIEN": [{"CAPTHUCHIEN": "Cấp tỉnh"}]}
    with pytest.raises(ValidationFailed) as error:
        portal_procedure_import(actor=desk.user("lanhdao"), content=payload(record))
    assert "agency" in error.value.details
    with pytest.raises(PermissionDenied):
        portal_procedure_import(
            actor=desk.user("lanhdao"), content=payload(record), agency=desk.other
        )
    draft = portal_procedure_import(
        actor=desk.user("lanhdao"), content=payload(record), agency=desk.department
    )
    assert draft.number == 1 and draft.procedure.level == "province"
    assert draft.procedure.agencies.filter(agency=desk.department).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            lambda r: r["CANCUPHAPLY"][0].update(NGAYBANHANH="31/02/2012"),
            "CANCUPHAPLY[1].NGAYBANHANH",
        ),
        (lambda r: r["CACHTHUCTHUCHIEN"][0].update(KENH="9"), "CACHTHUCTHUCHIEN[1].KENH"),
        (
            lambda r: r["CACHTHUCTHUCHIEN"][1]["THOIGIAN"][0].update(DONVITINH="Tuần"),
            "CACHTHUCTHUCHIEN[2].THOIGIAN[1].DONVITINH",
        ),
        (
            lambda r: r["CACHTHUCTHUCHIEN"][0]["THOIGIAN"][0].update(THOIGIANGIAIQUYET="-1"),
            "CACHTHUCTHUCHIEN[1].THOIGIAN[1].THOIGIANGIAIQUYET",
        ),
        (
            lambda r: r["CACHTHUCTHUCHIEN"][0]["THOIGIAN"][0]["PHILEPHI"][0].update(SOTIEN="năm"),
            "CACHTHUCTHUCHIEN[1].THOIGIAN[1].PHILEPHI[1].SOTIEN",
        ),
        (
            lambda r: r["THANHPHANHOSO"][0]["GIAYTO"][1].update(TENGIAYTO=""),
            "THANHPHANHOSO[1].GIAYTO[2].TENGIAYTO",
        ),
        (lambda r: r.update(TENTTHC=""), "TENTTHC"),
        (lambda r: r.update(MATTHC="CFS-1"), "MATTHC"),
        (lambda r: r.update(CANCUPHAPLY="Luật"), "CANCUPHAPLY"),
    ],
    ids=["date", "channel", "unit", "time", "fee", "paper", "name", "code", "not-a-list"],
)
def test_a_bad_record_names_the_portal_field_and_stores_nothing(
    desk: Any, change: Any, field: str
) -> None:
    record = copy.deepcopy(RECORD)
    change(record)
    versions = ProcedureVersion.objects.count()
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as error:
        portal_procedure_import(actor=desk.user("lanhdao"), content=payload(record))
    assert any(line.startswith(f"{field}:") for line in error.value.details["file"]), error.value
    assert ProcedureVersion.objects.count() == versions
    assert AuditEvent.objects.count() == events


def test_the_page_names_the_field_in_vietnamese_and_leads_to_the_diff(desk: Any) -> None:
    client = Client()
    client.force_login(desk.user("lanhdao"))
    assert client.get(PAGE).status_code == 200
    bad = copy.deepcopy(RECORD)
    bad["CANCUPHAPLY"][0]["NGAYBANHANH"] = "hôm qua"
    from django.core.files.uploadedfile import SimpleUploadedFile

    answer = client.post(
        PAGE,
        {"file": SimpleUploadedFile("tthc.json", payload(bad))},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "CANCUPHAPLY[1].NGAYBANHANH" in text and "không phải là ngày" in text
    assert (
        client.post(PAGE, {"file": SimpleUploadedFile("x.json", b"{not json")}).status_code == 400
    )
    done = client.post(PAGE, {"file": SimpleUploadedFile("tthc.json", payload(RECORD))})
    assert done.status_code == 302 and done["Location"].endswith("/diff/")
    diff = client.get(done["Location"])
    assert diff.status_code == 200 and "50000" in diff.content.decode()
    client.force_login(desk.user("motcua"))
    assert client.get(PAGE).status_code == 403
