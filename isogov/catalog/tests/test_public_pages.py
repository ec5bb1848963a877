from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from isogov.catalog.demo import seed_catalog
from isogov.catalog.selectors import procedure_search

from .factories import procedure, published_version

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("giay phep in", "2.001594", id="no_diacritics"),
        pytest.param("GIẤY PHÉP IN", "2.001594", id="upper_case_with_diacritics"),
        pytest.param("hoat dong in", "2.001594", id="words_out_of_title_order"),
        pytest.param("2.001594", "2.001594", id="by_code"),
        pytest.param("xuat ban pham in", "2.001594", id="every_term_anywhere"),
        pytest.param("dac biet", None, id="no_match"),
    ],
)
def test_search_ignores_diacritics_and_case(query: str, expected: str | None) -> None:
    published_version(procedure("2.001594"), name="Cấp giấy phép hoạt động in xuất bản phẩm")
    published_version(
        procedure("1.009374", "BC"), name="Cấp giấy phép xuất bản bản tin", keywords=""
    )
    codes = [v.procedure.code for v in procedure_search(q=query)]
    assert codes == ([expected] if expected else [])


def test_search_lists_only_versions_in_force() -> None:
    published_version(effective_from=dt.date(2099, 1, 1))
    assert list(procedure_search(q="giay phep")) == []


def test_filters_by_sector_and_channel() -> None:
    published_version(procedure("2.001594", "XB"))
    published_version(
        procedure("1.009374", "BC"),
        channels=[{"kind": "postal", "time": {"value": 5, "unit": "working_days"}}],
    )
    assert [v.procedure.code for v in procedure_search(sector="BC")] == ["1.009374"]
    assert [v.procedure.code for v in procedure_search(channel="postal")] == ["1.009374"]
    assert [v.procedure.code for v in procedure_search(channel="online_partial")] == ["2.001594"]


def test_public_list_shows_the_sample_procedures_without_sign_in(demo: Any) -> None:
    seed_catalog()
    response = Client().get("/thu-tuc/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 15
    assert "Cấp giấy phép hoạt động in xuất bản phẩm" in response.content.decode()


def test_public_detail_shows_time_and_fee_per_channel_and_process(demo: Any) -> None:
    published_version(procedure("2.001594"))
    html = Client().get("/thu-tuc/2.001594/").content.decode()
    assert "Thời hạn giải quyết" in html  # Vietnamese by default
    assert "15 ngày làm việc" in html
    assert "12 ngày làm việc" in html
    assert "50.000 đ" in html
    assert "25.000 đ" in html
    assert "Theo quy định" in html
    assert "19/2012/QH13" in html
    assert "Đơn đề nghị cấp giấy phép" in html


def test_public_detail_shows_the_internal_process_allowances(demo: Any) -> None:
    seed_catalog()
    html = Client().get("/thu-tuc/1.014464/").content.decode()
    assert "QT 01/STTTT" in html
    assert "1,25 ngày làm việc" in html
    assert "không tính thời gian" in html


def test_unknown_procedure_is_404() -> None:
    assert Client().get("/thu-tuc/9.999999/").status_code == 404


def test_paper_template_is_downloadable_from_the_public_page(settings: Any, tmp_path: Any) -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = str(tmp_path)
    path = default_storage.save("catalog/templates/mau-don.docx", ContentFile(b"template bytes"))
    version = published_version(
        procedure("2.001594"),
        papers=[{"name": "Đơn đề nghị", "template": path, "originals": 1, "copies": 0}],
    )
    paper = version.papers.get()
    html = Client().get("/thu-tuc/2.001594/").content.decode()
    url = f"/thu-tuc/2.001594/mau/{paper.pk}/"
    assert url in html
    response = Client().get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"template bytes"
    assert "attachment" in response["Content-Disposition"]
    assert Client().get(f"/thu-tuc/1.009374/mau/{paper.pk}/").status_code == 404
