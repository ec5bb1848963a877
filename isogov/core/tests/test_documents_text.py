"""Vietnamese dates, amounts and numbers in words, as official documents print them."""

from __future__ import annotations

import datetime as dt

import pytest

from isogov.core.documents.text import (
    number_in_words,
    place_and_date,
    vn_date,
    vn_short_date,
    vnd_in_words,
    vnd_text,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "Không"),
        (5, "Năm"),
        (10, "Mười"),
        (11, "Mười một"),
        (15, "Mười lăm"),
        (21, "Hai mươi mốt"),
        (24, "Hai mươi tư"),
        (25, "Hai mươi lăm"),
        (105, "Một trăm linh năm"),
        (110, "Một trăm mười"),
        (1_000, "Một nghìn"),
        (1_005, "Một nghìn không trăm linh năm"),
        (1_500_000, "Một triệu năm trăm nghìn"),
        (2_050_000, "Hai triệu không trăm năm mươi nghìn"),
        (1_000_000_000, "Một tỷ"),
        (5_000_001_000, "Năm tỷ không trăm linh một nghìn"),
        (1_000_000_000_000, "Một nghìn tỷ"),
        (-7, "Âm bảy"),
    ],
    ids=[
        "zero",
        "unit",
        "ten-is-muoi",
        "eleven-keeps-mot",
        "five-after-ten-is-lam",
        "one-after-twenty-is-mot",
        "four-after-twenty-is-tu",
        "five-after-twenty-is-lam",
        "empty-tens-read-linh",
        "hundred-and-ten",
        "thousand",
        "inner-group-reads-its-zero-hundreds",
        "million-and-a-half",
        "inner-group-below-a-hundred",
        "billion",
        "billions-then-inner-thousands",
        "thousand-billion",
        "negative",
    ],
)
def test_number_in_words_follows_vietnamese_reading(value: int, expected: str) -> None:
    assert number_in_words(value) == expected


def test_amount_in_words_ends_in_dong() -> None:
    assert vnd_in_words(1_500_000) == "Một triệu năm trăm nghìn đồng"
    assert vnd_text(1_500_000) == "1.500.000 đồng"


def test_place_comes_before_the_date() -> None:
    # Decree 30/2020/NĐ-CP appendix I: "Hải Phòng, ngày 05 tháng 3 năm 2026".
    assert place_and_date("Hải Phòng", dt.date(2026, 3, 5)) == "Hải Phòng, ngày 05 tháng 3 năm 2026"
    assert place_and_date("", dt.date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"


def test_datetimes_are_dated_in_vietnam_time() -> None:
    # 18:30 UTC on 28 February is 01:30 on 1 March in Vietnam.
    late = dt.datetime(2026, 2, 28, 18, 30, tzinfo=dt.UTC)
    assert vn_date(late) == "ngày 01 tháng 3 năm 2026"
    assert vn_short_date(late) == "01/03/2026"
