"""The public lookup (issue 12 item 3 and its "Done when"): what a citizen sees, what nobody
else learns, and the throttle."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from isogov.dossiers import services
from isogov.dossiers.models import Dossier
from isogov.dossiers.tests.conftest import act, at, intake
from isogov.dossiers.transitions import Status

PHONE = "0912345678"
REASON = "Thiếu bản sao giấy phép xuất bản"
PAPER = "Bản sao giấy phép xuất bản có chứng thực"
CSRF = re.compile(rb'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')


def _received(desk: Any) -> Dossier:
    import time_machine

    with time_machine.travel(at(3, 9, 8), tick=False):
        return services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))


def _awaiting_supplement(desk: Any) -> Dossier:
    dossier = _received(desk)
    act(at(3, 9, 9), services.dossier_step_complete, dossier, None)
    return act(
        at(3, 10, 10),
        services.dossier_request_supplement,
        dossier,
        None,
        reason=REASON,
        items=[PAPER],
    )


def _lookup(client: Client, code: str, second: str, ip: str = "10.0.0.1") -> Any:
    return client.post("/tra-cuu/", {"ma": code, "thong_tin": second}, REMOTE_ADDR=ip)


def test_the_lookup_shows_the_supplement_reason_papers_and_place_with_data_masked(
    client: Client, desk: Any
) -> None:
    dossier = _awaiting_supplement(desk)
    for second in (PHONE, "+84 912 345 678", "031190001234", "NHUNG@example.vn"):
        response = _lookup(client, dossier.code.lower(), second)
        assert response.status_code == 200, second
        assert 'id="lookup-result"' in response.content.decode(), second
    html = response.content.decode()
    timeline = re.search(r'<ol class="timeline".*?</ol>', html, re.S)[0]
    assert "Yêu cầu bổ sung hồ sơ" in timeline and REASON in timeline and PAPER in timeline
    assert desk.department.name in timeline  # where to bring the papers
    assert "Bộ phận một cửa đã tiếp nhận" in timeline
    assert "Đang xử lý tại" in timeline  # handed to the handling unit
    assert "Hồ sơ cần bổ sung giấy tờ" in html  # the status text
    # Masked: the name, the phone, the e-mail and the ID number are never shown in full.
    assert "Nguyễn *** Nhung" in html and "Nguyễn Thị Hồng Nhung" not in html
    assert PHONE not in html and "091****678" in html
    assert "nhung@example.vn" not in html and "031190001234" not in html
    # No officer's name on the public page.
    assert desk.user("motcua").display_name not in html


def test_the_receipt_qr_link_shows_the_dossier_and_nothing_else(client: Client, desk: Any) -> None:
    from isogov.dossiers.documents import lookup_url

    dossier = _received(desk)
    link = lookup_url(dossier)
    assert link.endswith(f"/tra-cuu/h/{dossier.access_token}/") and dossier.code not in link
    response = client.get(f"/tra-cuu/h/{dossier.access_token}/")
    assert response.status_code == 200 and dossier.code in response.content.decode()
    assert client.get("/tra-cuu/h/" + "x" * 24 + "/").status_code == 404


def test_the_e_result_is_served_only_with_the_token_once_ready(client: Client, desk: Any) -> None:
    dossier = _received(desk)
    dossier.result_file.save("giay-chung-nhan.pdf", ContentFile(b"%PDF-1.4 result"), save=True)
    url = f"/tra-cuu/h/{dossier.access_token}/ket-qua/"
    assert client.get(url).status_code == 404  # not ready yet
    Dossier.objects.filter(pk=dossier.pk).update(
        status=Status.FINISHED, finished_at=at(3, 12, 9), result_approved_at=at(3, 12, 10)
    )
    html = _lookup(client, dossier.code, PHONE).content.decode()
    assert f'href="{url}"' in html
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 result"
    assert f"{dossier.code}-ket-qua.pdf" in download["Content-Disposition"]
    assert "no-store" in download["Cache-Control"]
    assert client.get("/tra-cuu/h/" + "y" * 24 + "/ket-qua/").status_code == 404
    # The first address of the e-result, in e-mails already sent, moved here for good.
    moved = client.get(f"/nop-truc-tuyen/ho-so/{dossier.access_token}/ket-qua/")
    assert moved.status_code == 301 and moved["Location"] == url


def _access_line(response: Any) -> tuple[str, str, int, int]:
    """What the access log (``isogov.cli.ACCESS_LOG_FORMAT``) writes of a request: the method,
    the path without its query, the status and the size."""
    request = response.wsgi_request
    return (request.method, request.path, response.status_code, len(response.content))


def test_a_wrong_code_and_a_wrong_phone_look_the_same_in_pages_and_logs(
    client: Client, desk: Any, caplog: Any
) -> None:
    dossier = _received(desk)
    # An unknown code of the same length: only the typed value may differ.
    unknown = dossier.code[:-1] + ("9" if dossier.code[-1] != "9" else "8")
    caplog.set_level(logging.DEBUG)
    wrong_phone = _lookup(client, dossier.code, "0987654321")
    lines_wrong_phone = [r.getMessage() for r in caplog.records]
    caplog.clear()
    wrong_code = _lookup(client, unknown, PHONE)
    lines_wrong_code = [r.getMessage() for r in caplog.records]
    assert wrong_phone.status_code == wrong_code.status_code == 200
    assert _access_line(wrong_phone)[1:] == _access_line(wrong_code)[1:]
    assert _access_line(wrong_phone)[:2] == ("POST", "/tra-cuu/")
    page_a = CSRF.sub(b"", wrong_phone.content).replace(dossier.code.encode(), b"CODE")
    page_b = CSRF.sub(b"", wrong_code.content).replace(unknown.encode(), b"CODE")
    assert page_a == page_b
    assert "Không tìm thấy hồ sơ" in page_a.decode()
    for line in lines_wrong_phone + lines_wrong_code:
        assert dossier.code not in line and unknown not in line and PHONE not in line
    assert len(lines_wrong_phone) == len(lines_wrong_code)


def test_no_phone_number_appears_in_any_url(client: Client, desk: Any) -> None:
    dossier = _awaiting_supplement(desk)
    found = _lookup(client, dossier.code, PHONE)
    pages = [found, client.get("/tra-cuu/"), client.get("/"), client.get("/ho-so-cua-toi/")]
    for response in pages:
        assert PHONE not in response.wsgi_request.get_full_path()
        urls = re.findall(r'(?:href|action|src)="([^"]*)"', response.content.decode())
        assert urls
        for url in urls:
            assert PHONE not in url and "912345678" not in url, url
    # The lookup form posts, and a GET with the phone in its query shows nothing.
    assert 'method="post" action="/tra-cuu/"' in found.content.decode()
    leaked = client.get("/tra-cuu/", {"ma": dossier.code, "dien_thoai": PHONE})
    assert 'id="lookup-result"' not in leaked.content.decode()


def test_fifty_wrong_lookups_are_throttled_per_address_and_per_code(
    client: Client, desk: Any, settings: Any
) -> None:
    dossier = _received(desk)
    statuses = [
        _lookup(client, f"000.00.15.H26-260309-{n:04d}", "0987654321").status_code
        for n in range(100, 150)
    ]
    limit = settings.ISOGOV_LOOKUP_IP_FAILURES
    assert statuses[:limit] == [200] * limit
    assert statuses[limit:] == [429] * (50 - limit)
    # Throttled, the address learns nothing more: even the right pair gets 429.
    throttled = _lookup(client, dossier.code, PHONE)
    assert throttled.status_code == 429 and 'id="lookup-result"' not in throttled.content.decode()
    # Per code: many addresses guessing one code's phone are stopped too.
    per_code = [
        _lookup(client, dossier.code, f"09876543{n:02d}", ip=f"10.1.0.{n}").status_code
        for n in range(10)
    ]
    code_limit = settings.ISOGOV_LOOKUP_CODE_FAILURES
    assert per_code == [200] * code_limit + [429] * (10 - code_limit)
    # Another code from a fresh address still works.
    other = services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    assert (
        'id="lookup-result"' in _lookup(client, other.code, PHONE, ip="10.2.0.1").content.decode()
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [({"ma": "", "thong_tin": PHONE}, "ma"), ({"ma": "X" * 65, "thong_tin": PHONE}, "ma")],
)
def test_bad_input_names_its_field(
    client: Client, db: Any, data: dict[str, str], field: str
) -> None:
    response = client.post("/tra-cuu/", data)
    assert response.status_code == 400 and field in response.context["form"].errors


def test_the_apology_shows_with_its_new_date_and_its_letter_by_token(
    client: Client, desk: Any
) -> None:
    import io

    from pypdf import PdfReader

    dossier = _received(desk)
    act(at(3, 9, 9), services.dossier_step_complete, dossier, None)
    reason = "Chờ ý kiến phối hợp của Sở Công Thương"
    act(
        at(3, 10, 9),
        services.dossier_apologise,
        dossier,
        None,
        new_due_at=at(3, 16, 17),
        reason=reason,
    )
    html = _lookup(client, dossier.code, PHONE).content.decode()
    timeline = re.search(r'<ol class="timeline".*?</ol>', html, re.S)[0]
    assert "Xin lỗi và hẹn lại ngày trả kết quả" in timeline
    assert reason in timeline and "17:00 16/03/2026" in timeline
    url = f"/tra-cuu/h/{dossier.access_token}/xin-loi.pdf"
    assert f'href="{url}"' in html
    letter = client.get(url)
    assert letter["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.content)).pages)
    assert dossier.code in text and reason in text
    assert client.get("/tra-cuu/h/" + "z" * 24 + "/xin-loi.pdf").status_code == 404


def test_an_old_receipts_link_fills_in_the_code_only(client: Client, db: Any) -> None:
    form = client.get("/tra-cuu/", {"ma": "000.00.15.H26-260309-0001"}).context["form"]
    assert form["ma"].value() == "000.00.15.H26-260309-0001" and not form["thong_tin"].value()
