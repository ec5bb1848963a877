"""Benchmark: external dossiers imported per second (target ≥ 500/s on SQLite, with history).

Run with ``.venv/bin/python bench/integrations_import.py [N]``. Prints its figures; not a timed
test. Builds a temporary file SQLite database, migrates it, seeds the demo agencies and
catalogue, writes a feed file of N dossiers (default 10,000) with five history entries each (one
with its step times), reads it back and imports it in one batch through ``inbound_import`` (the
service behind the API), then imports it again (every record an update, every entry skipped).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="isogov-bench-inbound-"))
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isogov.settings")
os.environ["ISOGOV_DATA_DIR"] = str(TMP)
os.environ["ISOGOV_SQLITE_PATH"] = str(TMP / "bench.sqlite3")
os.environ.setdefault("ISOGOV_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from isogov.accounts.demo import seed_demo  # noqa: E402
from isogov.accounts.models import Agency  # noqa: E402
from isogov.catalog.demo import seed_catalog  # noqa: E402
from isogov.integrations.inbound import inbound_import  # noqa: E402

CFS = "1.014464"


def feed(count: int) -> dict[str, list[dict[str, str]]]:
    records, history = [], []
    for n in range(count):
        code = f"EXT-{n:06d}"
        day = 4 + n % 20
        records.append(
            {
                "MaHoSo": code,
                "MaTTHC": CFS,
                "ChuHoSo": f"Người nộp {n}",
                "KenhThucHien": "1",
                "TrangThaiHoSo": "10",
                "NgayTiepNhan": f"202605{day:02d}080000",
                "NgayHenTra": f"202606{day:02d}170000",
                "NgayKetThucXuLy": f"202606{day:02d}100000",
                "NgayTra": f"202606{day:02d}150000",
                "SoDienThoai": "0912345678",
            }
        )
        for minute, status, text in (
            (0, "2", "Tiếp nhận"),
            (5, "4", "Chuyển xử lý"),
            (10, "4", "Thẩm định"),
            (20, "9", "Ký duyệt"),
            (30, "10", "Trả kết quả"),
        ):
            entry = {
                "MaHoSo": code,
                "ThoiDiemXuLy": f"202606{day:02d}09{minute:02d}00",
                "TrangThai": status,
                "NoiDungXuLy": text,
                "NguoiXuLy": "Trần Văn Bình",
            }
            if text == "Thẩm định":
                entry |= {
                    "PhongBanXuLy": "Phòng Xuất bản",
                    "NgayBatDau": f"202605{day:02d}090000",
                    "NgayKetThucTheoQuyDinh": f"202606{day:02d}170000",
                }
            history.append(entry)
    return {"records": records, "history": history}


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    try:
        call_command("migrate", verbosity=0)
        seed_demo()
        seed_catalog()
        agency = Agency.objects.get(code="000.00.15.H26")
        path = TMP / "feed.json"
        path.write_text(json.dumps(feed(count), ensure_ascii=False))
        for label in ("first import", "re-sent"):
            started = time.perf_counter()
            data = json.loads(path.read_text())
            result = inbound_import(
                agency=agency, source="BENCH", records=data["records"], history=data["history"]
            )
            seconds = time.perf_counter() - started
            print(
                f"{label}: {count} dossiers, {len(data['history'])} history entries in "
                f"{seconds:.2f} s = {count / seconds:.0f} dossiers/s "
                f"(created {result.created}, updated {result.updated}, history {result.history})"
            )
        print(f"load average: {Path('/proc/loadavg').read_text().strip()}")
    finally:
        shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
