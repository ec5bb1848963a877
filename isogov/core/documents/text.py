"""Dates, times, amounts and numbers as Vietnamese official documents print them."""

from __future__ import annotations

import datetime as dt
import unicodedata

from isogov.core.clock import to_local
from isogov.core.money import format_vnd


def nfc(text: str) -> str:
    """Text typed on some keyboards arrives decomposed (NFD); print the precomposed glyphs."""
    return unicodedata.normalize("NFC", text)


def _day_month(day: int, month: int) -> str:
    # Decree 30/2020/NĐ-CP appendix I: days below 10 and the months 1 and 2 take a leading zero.
    month_text = f"{month:02d}" if month <= 2 else str(month)
    return f"ngày {day:02d} tháng {month_text}"


def vn_date(value: dt.date | dt.datetime) -> str:
    """``2026-02-13`` → ``"ngày 13 tháng 02 năm 2026"`` (a datetime is taken in Vietnam time)."""
    if isinstance(value, dt.datetime):
        value = to_local(value).date()
    return f"{_day_month(value.day, value.month)} năm {value.year}"


def place_and_date(place: str, value: dt.date | dt.datetime) -> str:
    """``("Hải Phòng", 2026-02-13)`` → ``"Hải Phòng, ngày 13 tháng 02 năm 2026"``.

    Decree 30/2020/NĐ-CP appendix I: the place name comes before the date; without a place the
    date stands alone.
    """
    date_text = vn_date(value)
    return f"{place}, {date_text}" if place else date_text


def vn_datetime(value: dt.datetime) -> str:
    """An instant as ``"16 giờ 00 phút, ngày 13 tháng 02 năm 2026"`` in Vietnam time."""
    local = to_local(value)
    return f"{local.hour:02d} giờ {local.minute:02d} phút, {vn_date(local)}"


def vn_short_date(value: dt.date | dt.datetime) -> str:
    """``"13/02/2026"`` (a datetime is taken in Vietnam time)."""
    if isinstance(value, dt.datetime):
        value = to_local(value).date()
    return f"{value:%d/%m/%Y}"


def vn_short_datetime(value: dt.datetime) -> str:
    """``"16:00 13/02/2026"`` in Vietnam time, for narrow table columns."""
    return f"{to_local(value):%H:%M %d/%m/%Y}"


def vnd_text(amount: int) -> str:
    """``1500000`` → ``"1.500.000 đồng"``."""
    return format_vnd(amount, unit="đồng")


_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_GROUPS = ("", "nghìn", "triệu")


def _hundreds(value: int, *, leading: bool) -> list[str]:
    """Words for 0–999; ``leading`` is False inside a bigger number ("không trăm linh năm")."""
    hundreds, tens, units = value // 100, value // 10 % 10, value % 10
    words: list[str] = []
    if hundreds or not leading:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 4 and tens >= 2:
            words.append("tư")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        else:
            words.append(_DIGITS[units])
    return words


def _number_words(value: int) -> list[str]:
    if value >= 1_000_000_000:
        billions, rest = divmod(value, 1_000_000_000)
        words = [*_number_words(billions), "tỷ"]
        if rest:
            words += _below_billion(rest, leading=False)
        return words
    return _below_billion(value, leading=True)


def _below_billion(value: int, *, leading: bool) -> list[str]:
    groups = [value // 1_000_000, value // 1000 % 1000, value % 1000]
    words: list[str] = []
    for index, group in enumerate(groups):
        if group == 0:
            continue
        words += _hundreds(group, leading=leading and not words)
        if _GROUPS[2 - index]:
            words.append(_GROUPS[2 - index])
    return words


def number_in_words(value: int) -> str:
    """``1500000`` → ``"Một triệu năm trăm nghìn"``; ``105`` → ``"Một trăm linh năm"``."""
    if value == 0:
        return "Không"
    words = _number_words(abs(value))
    text = " ".join(words)
    if value < 0:
        text = f"âm {text}"
    return text[0].upper() + text[1:]


def vnd_in_words(amount: int) -> str:
    """``1500000`` → ``"Một triệu năm trăm nghìn đồng"`` (the "Bằng chữ" line of a receipt)."""
    return f"{number_in_words(amount)} đồng"
