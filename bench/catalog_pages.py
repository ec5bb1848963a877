"""Server time of the public catalogue pages with 2,000 procedures (not a timed test).

    .venv/bin/python bench/catalog_pages.py [N]

Creates 2,000 published procedures in a temporary SQLite database, then renders the list
page (plain, with a search, with a filter) and a detail page through Django's test client
N times each (default 50) and prints the median and 95th percentile in milliseconds.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DATA_DIR = tempfile.mkdtemp(prefix="isogov-bench-catalog-")
os.environ.pop("DATABASE_URL", None)  # always the temporary SQLite file below
os.environ["ISOGOV_DATA_DIR"] = DATA_DIR
os.environ["ISOGOV_SQLITE_PATH"] = str(Path(DATA_DIR) / "bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isogov.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

PROCEDURES = 2000
WORDS = [
    "Cấp",
    "giấy phép",
    "hoạt động",
    "in",
    "xuất bản phẩm",
    "đăng ký",
    "sửa đổi",
    "bổ sung",
    "gia hạn",
    "thu hồi",
    "báo chí",
    "trò chơi điện tử",
    "trang thông tin",
    "bưu chính",
    "viễn thông",
    "tần số",
    "phát thanh",
    "truyền hình",
    "quảng cáo",
    "họp báo",
]


def build_catalog() -> None:
    from isogov.catalog.exchange import catalog_import

    sectors = [{"code": f"S{i:02d}", "name": f"Lĩnh vực số {i}"} for i in range(20)]
    procedures = []
    for i in range(PROCEDURES):
        name = " ".join(WORDS[(i * k) % len(WORDS)] for k in (1, 3, 7, 11)) + f" số {i}"
        channels = [
            {
                "kind": kind,
                "time": {"value": 5 + i % 20, "unit": "working_days"},
                "fees": [{"name": "Lệ phí", "amount_vnd": 50000 * (i % 4), "note": ""}],
            }
            for kind in ("in_person", "postal", "online_full" if i % 2 else "online_partial")
        ]
        procedures.append(
            {
                "code": f"{1 + i % 2}.{100000 + i:06d}",
                "level": "province",
                "sector": sectors[i % 20]["code"],
                "versions": [
                    {
                        "number": 1,
                        "status": "published",
                        "effective_from": "2025-01-01",
                        "name": name,
                        "online_level": "full" if i % 2 else "partial",
                        "steps_text": "Bước 1 …\nBước 2 …",
                        "channels": channels,
                        "fees": [
                            {"name": "Phí thẩm định", "amount_vnd": None, "note": "Theo quy định"}
                        ],
                        "papers": [
                            {"name": f"Giấy tờ {k}", "originals": 1, "copies": 1} for k in range(5)
                        ],
                        "legal_bases": [
                            {"number": f"{k}/2024/NĐ-CP", "summary": "Nghị định"} for k in range(3)
                        ],
                    }
                ],
            }
        )
    catalog_import(actor=None, data={"sectors": sectors, "procedures": procedures})


def measure(client: Client, url: str, runs: int) -> tuple[float, float]:
    client.get(url)  # warm up (template loading, translations)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    build_catalog()
    print(f"catalogue: {PROCEDURES} procedures imported in {time.perf_counter() - started:.1f} s")
    setup_test_environment()
    client = Client()
    pages = {
        "list (page 1)": "/thu-tuc/",
        "list, search 'giay phep in'": "/thu-tuc/?q=giay+phep+in",
        "list, sector + channel": "/thu-tuc/?sector=S03&channel=online_full",
        "list, page 20": "/thu-tuc/?page=20",
        "detail": "/thu-tuc/1.101000/",
        "API list, search": "/api/v1/procedures/?q=giay+phep",
        "API detail": "/api/v1/procedures/1.101000/",
    }
    print(f"{'page':32} {'median ms':>10} {'p95 ms':>8}   ({runs} runs, SQLite)")
    for label, url in pages.items():
        median, p95 = measure(client, url, runs)
        print(f"{label:32} {median:10.1f} {p95:8.1f}")


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        shutil.rmtree(DATA_DIR, ignore_errors=True)
