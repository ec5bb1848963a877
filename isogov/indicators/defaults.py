"""The default indicator settings (indicators.md A and B), seeded by migration 0002.

Each row: key, value, legal source, whether it is an assumption [A] to review. Pure data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

D766_FROM = dt.date(2022, 8, 1)  # Decision 766/QĐ-TTg live nationally since 1/8/2022 [S]
TT01_FROM = dt.date(2019, 1, 7)  # Circular 01/2018/TT-VPCP in force

D766 = "QĐ 766/QĐ-TTg"
TT01 = "TT 01/2018/TT-VPCP art. 13"

# (key, value, source, is_assumption)
D766_POINTS: tuple[tuple[str, str, bool], ...] = (
    # Group 1 Công khai, minh bạch: 18 points; 1.2 = 4 is known [S], the rest [A].
    ("1.1", "4", True),
    ("1.2", "4", False),
    ("1.3", "4", True),
    ("1.4", "6", True),
    # Group 2 Tiến độ, kết quả giải quyết: 20 points; 2.2 informs, scores nothing [A].
    ("2.1", "20", True),
    ("2.2", "0", True),
    # Group 3 Cung cấp dịch vụ trực tuyến: 22 points [A].
    ("3.1", "4", True),
    ("3.2", "2", True),
    ("3.3", "8", True),
    ("3.5", "4", True),
    ("3.6", "4", True),
    # Group 4 Số hóa hồ sơ: 22 points [A].
    ("4.1", "6", True),
    ("4.2", "6", True),
    ("4.3", "6", True),
    ("4.4", "2", True),
    ("4.5", "2", True),
    # Group 5 Mức độ hài lòng: 18 points; 5.4 = 6 is known [S], the rest [A].
    ("5.1", "4", True),
    ("5.2", "4", True),
    ("5.3", "4", True),
    ("5.4", "6", False),
)

# Full points at this rate (%); below it points = rate × max ÷ threshold (indicators.md A).
D766_FULL_AT: tuple[tuple[str, str], ...] = (
    ("2.1", "100"),
    ("3.1", "80"),
    ("3.3", "50"),
    ("3.5", "80"),
    ("4.2", "80"),
    ("4.3", "80"),
    ("5.4", "90"),
)


def default_settings() -> list[tuple[str, dt.date, Decimal, str, bool]]:
    """Every default setting as (key, effective_from, value, legal_source, is_assumption)."""
    rows: list[tuple[str, dt.date, Decimal, str, bool]] = []
    for code, points, assumed in D766_POINTS:
        rows.append((f"d766.{code}.max_points", D766_FROM, Decimal(points), D766, assumed))
    for code, rate in D766_FULL_AT:
        rows.append((f"d766.{code}.full_at", D766_FROM, Decimal(rate), D766, False))
    rows += [
        # Province level: the publication decision ≥ 5 working days before the legal basis
        # takes effect (1.1); made public within 5 working days of the decision (1.2).
        ("d766.1.1.working_days_before", D766_FROM, Decimal(5), D766, False),
        ("d766.1.2.within_working_days", D766_FROM, Decimal(5), D766, False),
        # Officer classification: ≥ 5 → 100 % of tasks; 3.5–<5 → 70–<100 %; < 3.5 → < 70 %.
        ("tt01.officer.full", TT01_FROM, Decimal("5"), TT01, False),
        ("tt01.officer.partial", TT01_FROM, Decimal("3.5"), TT01, False),
        # Agency classification: ≥15 Xuất sắc; 12–<15 Tốt; 9–<12 Khá; 6–<9 Trung bình; <6 Yếu.
        ("tt01.agency.excellent", TT01_FROM, Decimal(15), TT01, False),
        ("tt01.agency.good", TT01_FROM, Decimal(12), TT01, False),
        ("tt01.agency.fair", TT01_FROM, Decimal(9), TT01, False),
        ("tt01.agency.average", TT01_FROM, Decimal(6), TT01, False),
        # Indicator 9: ≥ 20 % of eligible procedures online and ≥ 30 % of dossiers online → 2;
        # 15–< 30 % of dossiers online → 1 (none late in both).
        ("tt01.9.procedures_online", TT01_FROM, Decimal(20), TT01, False),
        ("tt01.9.dossiers_online_full", TT01_FROM, Decimal(30), TT01, False),
        ("tt01.9.dossiers_online_partial", TT01_FROM, Decimal(15), TT01, False),
    ]
    return rows
