"""Benchmark: peak memory of a streamed XLSX (and CSV) export of 1,000,000 rows.

``.venv/bin/python bench/export.py [N] [--db PATH] [--kinds xlsx,csv,db-xlsx]``. Each export
runs in a child process that prints its own peak resident memory (``resource.getrusage(
RUSAGE_SELF).ru_maxrss``), the wall time and the CPU time (the machine may be shared: compare
the CPU); the parent prints them.
Target: under 200 MB for 1,000,000 rows.

- ``register``: N rows (default 1,000,000) of the register's fifteen columns, built in the child
  as the view builds them, through ``register_xlsx_stream`` and ``register_csv_stream`` (the
  same writer the register page streams), chunks read and dropped as a response would send them.
- ``--db PATH`` (a database left by ``bench/generate.py --keep``): every dossier of it through
  the dossier-list export (``exports.dossier_rows``: ``QuerySet.iterator(chunk_size=2000)``)
  into ``xlsx_stream``, as ``/dossiers/search/?format=xlsx`` does.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path


def child(kind: str, size: int, db: str) -> None:
    if db:
        os.environ["ISOGOV_SQLITE_PATH"] = db
        os.environ["ISOGOV_DATA_DIR"] = str(Path(db).parent)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isogov.settings")
    os.environ.setdefault("ISOGOV_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from isogov.dossiers.register import RegisterRow, register_csv_stream, register_xlsx_stream

    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    cpu = time.process_time()
    total = 0
    rows_count = size
    if kind in ("xlsx", "csv"):
        at = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)

        def rows() -> Iterator[RegisterRow]:
            for line in range(1, size + 1):
                yield RegisterRow(
                    line=line,
                    dossier_code=f"000.00.15.H26-260302-{line % 10000:04d}",
                    procedure="Cấp giấy chứng nhận lưu hành tự do (CFS) đối với sản phẩm",
                    sets=1,
                    applicant="=1+1" if line % 1000 == 0 else f"Nguyễn Thị Hồng Nhung {line}",
                    address_phone="Số 5 Lạch Tray, Ngô Quyền · 0912345678",
                    lead_agency="Phòng Báo chí – Xuất bản",
                    received_at=at,
                    appointment_at=at + dt.timedelta(days=5),
                    transferred_at=at + dt.timedelta(hours=1),
                    result_back_at=at + dt.timedelta(days=4),
                    returned_at=at + dt.timedelta(days=4, hours=2),
                    how_collected="Tại bộ phận một cửa: Nguyễn Thị Hồng Nhung",
                    note="",
                )

        body = (
            register_xlsx_stream(agency_name="Sở Khoa học và Công nghệ", year=2026, rows=rows())
            if kind == "xlsx"
            else register_csv_stream(rows=rows())
        )
    else:
        from isogov.core.documents.xlsx import xlsx_stream
        from isogov.dossiers.exports import dossier_rows, list_headings
        from isogov.dossiers.models import Dossier

        rows_count = Dossier.objects.count()
        body = xlsx_stream(
            sheet_title="Hồ sơ",
            headings=list_headings(),
            rows=dossier_rows(Dossier.objects.order_by("id")),
        )
    for chunk in body:
        total += len(chunk)
    seconds = time.monotonic() - started
    cpu = time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"{kind}\t{rows_count}\t{total}\t{seconds:.1f}\t{cpu:.1f}\t{base / 1024:.0f}\t"
        f"{peak / 1024:.0f}"
    )


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else "")
        return
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    db = ""
    if "--db" in sys.argv:
        db = sys.argv[sys.argv.index("--db") + 1]
        args.remove(db)
    kinds = ["xlsx", "csv"] + (["db-xlsx"] if db else [])
    if "--kinds" in sys.argv:
        value = sys.argv[sys.argv.index("--kinds") + 1]
        kinds = value.split(",")
        args.remove(value)
    size = int(args[0]) if args else 1_000_000
    print(f"load average {os.getloadavg()[0]:.1f}")
    for kind in kinds:
        output = (
            subprocess.run(
                [sys.executable, __file__, "--child", kind, str(size), db],
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        kind, rows, size_bytes, seconds, cpu, base, peak = output.split("\t")
        print(
            f"{kind:8} {int(rows):>9,} rows: {int(size_bytes) / 2**20:,.1f} MB file in "
            f"{float(seconds):,.1f} s ({float(cpu):,.1f} s CPU, "
            f"{int(rows) / max(float(cpu), 1e-9):,.0f} rows/s of CPU); "
            f"peak RSS {peak} MB (after start-up {base} MB); "
            f"target < 200 MB: {'met' if int(peak) < 200 else 'NOT met'}"
        )
        sys.stdout.flush()
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
