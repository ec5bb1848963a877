from __future__ import annotations

import pytest

from isogov.core.money import format_vnd, parse_vnd
from isogov.core.text import fold_vietnamese, search_terms


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Giấy phép Đặc biệt", "giay phep dac biet"),
        ("ĐĂNG KÝ   HỘ KINH DOANH", "dang ky ho kinh doanh"),
        ("Cấp giấy phép hoạt động in xuất bản phẩm", "cap giay phep hoat dong in xuat ban pham"),
        ("Thủ tục ưu đãi ở Hải Phòng", "thu tuc uu dai o hai phong"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_vietnamese(text: str | None, folded: str) -> None:
    assert fold_vietnamese(text) == folded


def test_fold_handles_decomposed_input() -> None:
    import unicodedata

    assert fold_vietnamese(unicodedata.normalize("NFD", "Giấy phép")) == "giay phep"


def test_search_terms_are_folded_words() -> None:
    assert search_terms("  Giấy  PHÉP in ") == ["giay", "phep", "in"]


@pytest.mark.parametrize(
    ("text", "amount"),
    [("1.500.000", 1_500_000), ("1,500,000 đ", 1_500_000), ("200000 VNĐ", 200_000), (50, 50)],
)
def test_parse_vnd(text: str | int, amount: int) -> None:
    assert parse_vnd(text) == amount


def test_parse_vnd_refuses_garbage() -> None:
    with pytest.raises(ValueError):
        parse_vnd("một triệu")


def test_format_vnd_groups_with_dots() -> None:
    assert format_vnd(1_500_000) == "1.500.000 đ"
    assert format_vnd(0) == "0 đ"
