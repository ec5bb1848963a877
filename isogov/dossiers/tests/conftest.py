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
    if user is None:  # whoever the action table names
        user = officer_for(dossier, action_of(service), **kwargs)
    with time_machine.travel(when, tick=False):
        service(actor=user, code=dossier.code, version=dossier.version, **kwargs)
    dossier.refresh_from_db()
    return dossier


# The demo officers in the order the helper below tries them.
OFFICERS = ("motcua", "truongphong", "chuyenvien", "vanthu", "vienthong", "lanhdao")


def action_of(service: Any) -> str:
    """The action table's name of a service function."""
    from isogov.dossiers.transitions import BY_NAME

    return next(action.name for action in BY_NAME.values() if action.service == service.__name__)


def officers(agency: Any) -> list[tuple[Any, Any]]:
    """The demo officers in ``OFFICERS`` order, each with the roles they hold in ``agency``."""
    from isogov.accounts.models import User
    from isogov.dossiers.permissions import held_roles

    users = User.objects.in_bulk(OFFICERS, field_name="username")
    return [
        (users[name], held_roles(user=users[name], agency=agency))
        for name in OFFICERS
        if name in users
    ]


def officer_for(
    dossier: Any, action: str, *, among: list[tuple[Any, Any]] | None = None, **data: Any
) -> Any:
    """The demo officer who may run ``action`` on ``dossier`` now (by the action table).

    ``among``: ``officers(agency)`` read once by a caller that asks many times.
    """
    from isogov.dossiers.models import Dossier, DossierStep
    from isogov.dossiers.permissions import action_refusal
    from isogov.dossiers.transitions import BY_NAME

    rule = BY_NAME[action]
    fresh = Dossier.objects.select_related("agency", "current_step").get(pk=dossier.pk)
    step = fresh.current_step
    if rule.step_field and data.get(rule.step_field):
        named = data[rule.step_field]
        step = named if isinstance(named, DossierStep) else DossierStep.objects.get(pk=named)
    for user, held in among if among is not None else officers(fresh.agency):
        if action_refusal(rule, dossier=fresh, held=held, actor=user, step=step) is None:
            return user
    raise AssertionError(f"no demo officer may {action} on {fresh.code} ({fresh.status})")


def stored_models() -> list[Any]:
    """Every table the dossier engine writes, for before/after comparisons."""
    from isogov.audit.models import AuditChainHead, AuditEvent
    from isogov.dossiers import models
    from isogov.notifications.models import OutboxMessage

    return [
        models.Dossier,
        models.DossierStep,
        models.DossierEvent,
        models.DossierPaper,
        models.DossierFee,
        models.Payment,
        models.ClockStop,
        models.Extension,
        models.CustodyIncident,
        models.DossierCounter,
        AuditEvent,
        AuditChainHead,
        OutboxMessage,
    ]


def writes() -> Any:
    """A count of the rows the test's connection has written so far, read cheaply: equal before
    and after a call, the call wrote no row at all (even one it then rolled back). The whole
    ``snapshot()`` on a database that keeps no such count."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT total_changes()")
            return cursor.fetchone()[0]
        if connection.vendor == "postgresql":  # this transaction's, per table
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                " FROM pg_stat_xact_all_tables"
            )
            return cursor.fetchone()[0]
    return snapshot()


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the dossier engine writes."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in stored_models()
    }
