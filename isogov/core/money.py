"""Money is an integer number of đồng (VND has no minor unit in practice)."""

from __future__ import annotations

from decimal import Decimal


def parse_vnd(value: str | int | Decimal) -> int:
    """Read an amount such as ``"1.500.000"``, ``"1,500,000 đ"`` or ``1500000`` as đồng."""
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise ValueError("an amount in đồng has no fractional part")
        return int(value)
    text = value.strip().lower()
    for token in ("vnđ", "vnd", "đồng", "đ", " "):
        text = text.replace(token, "")
    text = text.replace(".", "").replace(",", "")
    if not text.isdigit():
        raise ValueError(f"not an amount in đồng: {value!r}")
    return int(text)


def format_vnd(amount: int, *, unit: str = "đ") -> str:
    """``1500000`` → ``"1.500.000 đ"`` (Vietnamese digit grouping); forms write ``unit="đồng"``."""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,} {unit}".replace(",", ".")
