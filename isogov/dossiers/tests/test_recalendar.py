"""A day off shows, before it is saved, the appointments it moves; once saved they move and the
applicants hear of it (one e-mail and one SMS each)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.db.models import Q
from django.test import Client

from isogov.dossiers import services
from isogov.dossiers.models import Dossier
from isogov.dossiers.transitions import Status
from isogov.notifications.models import OutboxMessage
from isogov.workcal.models import CalendarOverride
from isogov.workcal.services import calendar_override_create

from .conftest import act, at, intake

THURSDAY = dt.date(2026, 3, 12)


def _office(desk: Any) -> dict[str, Dossier]:
    """Four dossiers received Mon 9/3/2026 08:00 at the demo department, and one elsewhere."""
    motcua = desk.user("motcua")
    with time_machine.travel(at(3, 9, 8), tick=False):
        cfs = services.dossier_receive(actor=motcua, data=intake(desk))
        stopped = services.dossier_receive(actor=motcua, data=intake(desk))
        short = services.dossier_receive(actor=motcua, data=intake(desk, procedure="2.001171"))
    act(at(3, 9, 9), services.dossier_step_complete, stopped, None)
    act(at(3, 9, 10), services.dossier_step_complete, stopped, None)
    act(
        at(3, 9, 11),
        services.dossier_request_supplement,
        stopped,
        None,
        reason="Thiếu giấy phép",
        items=["Giấy phép"],
    )
    return {"cfs": cfs, "stopped": stopped, "short": short}


def _day_off(desk: Any) -> Any:
    def change() -> CalendarOverride:
        return calendar_override_create(
            actor=desk.user("lanhdao"),
            agency=desk.department,
            date=THURSDAY,
            kind="day_off",
            name="Nghỉ bù",
            decision_number="12/QĐ-SKHCN",
        )

    return change


def test_preview_lists_only_the_open_dossiers_whose_appointment_moves(desk: Any) -> None:
    office = _office(desk)
    # Hand-worked: 3 working days (24 h) from Mon 9/3 08:00 = Mon 7.5 h + Tue 8 h + Wed 8 h +
    # Thu 07:30–08:00 → Thu 12/3 08:00. The 2-day procedure ends Wed 11/3 08:00, before Thursday.
    cfs = Dossier.objects.get(pk=office["cfs"].pk)
    assert cfs.promised_due_at == at(3, 12, 8)
    assert office["short"].promised_due_at == at(3, 11, 8)
    outbox = OutboxMessage.objects.count()
    with time_machine.travel(at(3, 10, 10), tick=False):
        moved = services.dossier_calendar_preview(
            agency=desk.department, date=THURSDAY, change=_day_off(desk)
        )
    assert [row.dossier.pk for row in moved] == [cfs.pk]
    # Thursday off: the last half hour falls on Fri 13/3 07:30–08:00.
    assert (moved[0].old_appointment, moved[0].new_appointment) == (at(3, 12, 8), at(3, 13, 8))
    # Nothing stored: no day off, the same appointment, no message.
    assert not CalendarOverride.objects.exists()
    cfs.refresh_from_db()
    assert cfs.promised_due_at == at(3, 12, 8)
    assert OutboxMessage.objects.count() == outbox


def test_recompute_moves_the_appointment_and_writes_one_notice_per_channel(desk: Any) -> None:
    office = _office(desk)
    cfs = office["cfs"]
    last = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with time_machine.travel(at(3, 10, 10), tick=False):
        _day_off(desk)()
        moved = services.dossier_calendar_recompute(
            actor=desk.user("lanhdao"), agency=desk.department, date=THURSDAY
        )
    assert [row.dossier.pk for row in moved] == [cfs.pk]
    cfs.refresh_from_db()
    assert (cfs.due_at, cfs.promised_due_at) == (at(3, 13, 8), at(3, 13, 8))
    assert cfs.events.filter(action="recalendar").count() == 1
    new = OutboxMessage.objects.filter(pk__gt=last)
    # One message per channel, only to the applicant whose appointment moved.
    assert sorted(new.values_list("object_id", "channel")) == [
        (str(cfs.pk), "email"),
        (str(cfs.pk), "sms"),
    ]
    email = new.get(channel="email")
    assert email.subject.endswith(": thay đổi ngày hẹn trả kết quả")
    assert email.body.count(cfs.code) == 1  # the code once (a notice template, item 5)
    assert "08:00 12/03/2026" in email.body and "08:00 13/03/2026" in email.body
    stopped = Dossier.objects.get(pk=office["stopped"].pk)
    assert stopped.status == Status.SUPPLEMENT_REQUESTED and stopped.due_at is None


def test_the_calendar_page_asks_first_then_saves_and_notifies(client: Client, desk: Any) -> None:
    office = _office(desk)
    client.force_login(desk.user("lanhdao"))
    day = {
        "date": "2026-03-12",
        "kind": "day_off",
        "name": "Nghỉ bù",
        "decision_number": "12/QĐ-SKHCN",
    }
    with time_machine.travel(at(3, 10, 10), tick=False):
        preview = client.post("/calendar/overrides/", day)
        assert preview.status_code == 200
        html = preview.content.decode()
        assert office["cfs"].code in html and office["short"].code not in html
        assert "08:00 13/03/2026" in html
        # The confirm form carries the day as it was typed.
        assert 'name="date" value="2026-03-12"' in html and 'name="confirm" value="1"' in html
        assert not CalendarOverride.objects.exists()
        saved = client.post("/calendar/overrides/", {**day, "confirm": "1"}, follow=True)
    assert CalendarOverride.objects.filter(date=THURSDAY).count() == 1
    assert "1 hẹn trả" in saved.content.decode()
    cfs = Dossier.objects.get(pk=office["cfs"].pk)
    assert cfs.promised_due_at == at(3, 13, 8)


# --- every other change of the calendar: removing a day, the national days, office hours -------
def _moved_notices(since: int) -> list[tuple[str, str]]:
    """The appointment-moved notices written after message ``since``: (dossier id, channel)."""
    moved = Q(channel="email", subject__endswith=": thay đổi ngày hẹn trả kết quả") | Q(
        channel="sms", body__contains="đổi ngày hẹn trả kết quả"
    )
    return sorted(
        OutboxMessage.objects.filter(moved, pk__gt=since).values_list("object_id", "channel")
    )


def _last_message() -> int:
    return OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_removing_a_day_off_moves_the_appointments_back_and_tells_the_applicants(
    client: Client, desk: Any
) -> None:
    office = _office(desk)
    cfs = office["cfs"]
    with time_machine.travel(at(3, 10, 10), tick=False):
        override = _day_off(desk)()
        services.dossier_calendar_recompute(
            actor=desk.user("lanhdao"), agency=desk.department, date=THURSDAY
        )
    cfs.refresh_from_db()
    assert cfs.promised_due_at == at(3, 13, 8)
    last = _last_message()
    client.force_login(desk.user("lanhdao"))
    with time_machine.travel(at(3, 10, 11), tick=False):
        page = client.post(
            f"/calendar/overrides/{override.pk}/delete/", {"reason": "Hủy nghỉ bù"}, follow=True
        ).content.decode()
    assert not CalendarOverride.objects.exists()
    assert "1 hẹn trả" in page
    cfs.refresh_from_db()
    assert (cfs.due_at, cfs.promised_due_at) == (at(3, 12, 8), at(3, 12, 8))
    assert _moved_notices(last) == [(str(cfs.pk), "email"), (str(cfs.pk), "sms")]
    sms = OutboxMessage.objects.get(pk__gt=last, channel="sms")
    assert "từ 08:00 13/03/2026 sang 08:00 12/03/2026" in sms.body
    assert cfs.events.filter(action="recalendar").count() == 2


def test_a_national_day_moves_every_agencys_appointments_set_and_removed(
    client: Client, desk: Any
) -> None:
    from isogov.workcal.models import NationalDayOverride

    office = _office(desk)
    cfs = office["cfs"]
    last = _last_message()
    client.force_login(desk.user("quantri"))
    holiday = {
        "version": "1",
        "date": "2026-03-12",
        "kind": "holiday",
        "name": "Nghỉ lễ theo quyết định của Thủ tướng",
        "legal_basis": "Thông báo số 1/TB-BNV",
    }
    with time_machine.travel(at(3, 10, 10), tick=False):
        page = client.post("/calendar/national/", holiday, follow=True).content.decode()
    assert "1 hẹn trả" in page
    cfs.refresh_from_db()
    assert cfs.promised_due_at == at(3, 13, 8)  # Thursday off for every agency
    assert _moved_notices(last) == [(str(cfs.pk), "email"), (str(cfs.pk), "sms")]
    # The system administrator's act is on the dossier's timeline, by name.
    event = cfs.events.get(action="recalendar")
    assert event.actor == desk.user("quantri") and "12/03/2026" in event.message

    last = _last_message()
    override = NationalDayOverride.objects.get(date=THURSDAY)
    with time_machine.travel(at(3, 10, 11), tick=False):
        client.post(f"/calendar/national/{override.pk}/delete/", {"version": "2", "reason": "Hủy"})
    cfs.refresh_from_db()
    assert cfs.promised_due_at == at(3, 12, 8)
    assert _moved_notices(last) == [(str(cfs.pk), "email"), (str(cfs.pk), "sms")]


def test_a_refused_national_day_moves_nothing(client: Client, desk: Any) -> None:
    office = _office(desk)
    last = _last_message()
    client.force_login(desk.user("lanhdao"))  # not a system administrator
    with time_machine.travel(at(3, 10, 10), tick=False):
        response = client.post(
            "/calendar/national/",
            {
                "version": "1",
                "date": "2026-03-12",
                "kind": "holiday",
                "name": "X",
                "legal_basis": "Y",
            },
        )
    assert response.status_code == 403
    assert Dossier.objects.get(pk=office["cfs"].pk).promised_due_at == at(3, 12, 8)
    assert _last_message() == last


def test_new_office_hours_move_every_open_appointment_and_tell_the_applicants(
    client: Client, desk: Any
) -> None:
    office = _office(desk)
    cfs, short = office["cfs"], office["short"]
    last = _last_message()
    client.force_login(desk.user("lanhdao"))
    hours = {
        "version": "1",
        "morning_start": "08:00",
        "morning_end": "11:30",
        "afternoon_start": "13:00",
        "afternoon_end": "17:30",
        "count_from": "next_opening",
    }
    with time_machine.travel(at(3, 10, 10), tick=False):
        page = client.post("/calendar/office-hours/", hours, follow=True).content.decode()
    assert "2 hẹn trả" in page
    # Hand-worked: the office now opens at 08:00, so a dossier received Mon 9/3 08:00 has whole
    # working days (3.5 + 4.5 h): 3 end at the close of Wed 11/3 17:30 (a due time at the end of
    # a period is that end), 2 at the close of Tue 10/3 17:30 — not Thu and Wed 08:00.
    cfs.refresh_from_db()
    short.refresh_from_db()
    assert cfs.promised_due_at == at(3, 11, 17, 30)
    assert short.promised_due_at == at(3, 10, 17, 30)
    both = [(str(dossier.pk), channel) for dossier in (cfs, short) for channel in ("email", "sms")]
    assert _moved_notices(last) == sorted(both)
    event = cfs.events.get(action="recalendar")
    assert event.message.startswith("Giờ làm việc thay đổi")
    stopped = Dossier.objects.get(pk=office["stopped"].pk)
    assert stopped.due_at is None  # its clock is stopped: nothing to move


def test_invalid_office_hours_move_nothing(client: Client, desk: Any) -> None:
    office = _office(desk)
    last = _last_message()
    client.force_login(desk.user("lanhdao"))
    with time_machine.travel(at(3, 10, 10), tick=False):
        client.post(
            "/calendar/office-hours/",
            {
                "version": "1",
                "morning_start": "11:30",
                "morning_end": "07:30",
                "afternoon_start": "13:00",
                "afternoon_end": "16:00",
                "count_from": "next_opening",
            },
        )
    assert Dossier.objects.get(pk=office["cfs"].pk).promised_due_at == at(3, 12, 8)
    assert _last_message() == last
