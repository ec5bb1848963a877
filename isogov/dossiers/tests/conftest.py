from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from isogov.dossiers.services import ApplicantInput, IntakeInput, PaperInput

VN = dt.timezone(dt.timedelta(hours=7))
CFS = "1.014464"


def intake(
    demo: Any, *, procedure: str = CFS, channel: str = "in_person", **applicant: str
) -> IntakeInput:
    return IntakeInput(
        agency=demo.department,
        procedure_code=procedure,
        channel_kind=channel,
        applicant=ApplicantInput(
            name=applicant.get("name", "Nguyễn Thị Hồng Nhung"),
            phone=applicant.get("phone", "0912345678"),
            email=applicant.get("email", "nhung@example.vn"),
            id_number=applicant.get("id_number", "031190001234"),
            address="Số 5 Lạch Tray, Ngô Quyền, Hải Phòng",
        ),
        papers=[PaperInput("Đơn đề nghị (theo mẫu)", originals=1)],
        request_summary="Cấp giấy chứng nhận CFS cho lô sách xuất khẩu",
    )


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> dt.datetime:
    """A Vietnam local time (2026 unless told)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


def act(when: dt.datetime, service: Any, dossier: Any, user: Any, **kwargs: Any) -> Any:
    """Run ``service`` on ``dossier`` at ``when`` with its current version; reload it."""
    dossier.refresh_from_db()
    with time_machine.travel(when, tick=False):
        service(actor=user, code=dossier.code, version=dossier.version, **kwargs)
    dossier.refresh_from_db()
    return dossier
