"""Notices at every milestone: one message per channel, worded by the agency's templates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client, override_settings

from isogov.audit.models import AuditEvent
from isogov.core.errors import ConflictError, PermissionDenied, ValidationFailed
from isogov.dossiers import services
from isogov.dossiers.models import Dossier
from isogov.notifications.models import NoticeTemplate, OutboxMessage
from isogov.notifications.notices import (
    DEFAULTS,
    Milestone,
    TemplateInvalid,
    template_check,
    template_fields,
)

from .conftest import act, at, intake

pytestmark = pytest.mark.django_db


def _received(desk: Any) -> Dossier:
    with time_machine.travel(at(3, 9, 8), tick=False):
        return services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))


def _handed_over(desk: Any) -> Dossier:
    return act(at(3, 9, 9), services.dossier_step_complete, _received(desk), None)


def _finished(desk: Any) -> Dossier:
    dossier = _handed_over(desk)
    for minute in range(6):
        act(at(3, 10, 9, minute), services.dossier_step_complete, dossier, None)
    return act(
        at(3, 10, 10),
        services.dossier_record_result,
        dossier,
        None,
        number="15/GCN-STTTT",
        signer="Trần Thị Lãnh",
    )


def _online(desk: Any) -> Dossier:
    with time_machine.travel(at(3, 9, 8), tick=False):
        return services.dossier_submit_online(data=intake(desk, channel="online_partial"))


def _visit(service: Callable[..., Dossier], **kwargs: Any) -> Callable[[Any], Dossier]:
    def run(desk: Any) -> Dossier:
        with time_machine.travel(at(3, 9, 8), tick=False):
            return service(actor=desk.user("motcua"), data=intake(desk), **kwargs)

    return run


REASON = "Thiếu bản sao giấy phép xuất bản"
# milestone case → (make the dossier just before it, the milestone itself, its notice)
Prepare = Callable[[Any], Dossier | None]
Step = Callable[[Any, Dossier | None], Dossier]
CASES: dict[str, tuple[Prepare, Step, Milestone]] = {
    "received_at_the_desk": (
        lambda desk: None,
        lambda desk, d: _received(desk),
        Milestone.RECEIVED,
    ),
    "received_online_submission": (
        _online,
        lambda desk, d: act(at(3, 9, 9), services.dossier_accept, d, None),
        Milestone.RECEIVED,
    ),
    "supplement_requested_after_intake": (
        _handed_over,
        lambda desk, d: act(
            at(3, 10, 10),
            services.dossier_request_supplement,
            d,
            None,
            reason=REASON,
            items=["Bản sao giấy phép xuất bản"],
        ),
        Milestone.SUPPLEMENT_REQUESTED,
    ),
    "supplement_requested_online_form_02": (
        _online,
        lambda desk, d: act(
            at(3, 9, 9),
            services.dossier_return_incomplete,
            d,
            None,
            reason=REASON,
            items=["Bản sao giấy phép xuất bản"],
        ),
        Milestone.SUPPLEMENT_REQUESTED,
    ),
    "supplement_requested_at_the_desk_form_02": (
        lambda desk: None,
        lambda desk, d: _visit(
            services.dossier_intake_incomplete, reason=REASON, items=["Bản sao giấy phép"]
        )(desk),
        Milestone.SUPPLEMENT_REQUESTED,
    ),
    "received_again_after_the_supplement": (
        lambda desk: act(
            at(3, 10, 10),
            services.dossier_request_supplement,
            _handed_over(desk),
            None,
            reason=REASON,
            items=["Bản sao giấy phép xuất bản"],
        ),
        lambda desk, d: act(
            at(3, 11, 9),
            services.dossier_supplement_received,
            d,
            desk.user("motcua"),
            received_items=["Bản sao giấy phép xuất bản"],
        ),
        Milestone.RECEIVED,
    ),
    "apology_with_the_new_date": (
        _handed_over,
        lambda desk, d: act(
            at(3, 10, 9),
            services.dossier_apologise,
            d,
            None,
            new_due_at=at(3, 16, 17),
            reason="Chờ ý kiến phối hợp",
        ),
        Milestone.APOLOGY,
    ),
    "refused_at_the_desk_form_03": (
        lambda desk: None,
        lambda desk, d: _visit(services.dossier_intake_refuse, reason="Không thuộc thẩm quyền")(
            desk
        ),
        Milestone.REFUSED,
    ),
    "refused_online_submission": (
        _online,
        lambda desk, d: act(
            at(3, 9, 9), services.dossier_refuse_intake, d, None, reason="Không thuộc thẩm quyền"
        ),
        Milestone.REFUSED,
    ),
    "refused_after_appraisal": (
        _handed_over,
        lambda desk, d: act(at(3, 10, 9), services.dossier_refuse, d, None, reason=REASON),
        Milestone.REFUSED,
    ),
    "result_ready_at_approval": (
        _finished,
        lambda desk, d: act(at(3, 10, 11), services.dossier_approve_result, d, None),
        Milestone.RESULT_READY,
    ),
    "result_returned": (
        lambda desk: act(at(3, 10, 11), services.dossier_approve_result, _finished(desk), None),
        lambda desk, d: act(
            at(3, 10, 14),
            services.dossier_return_result,
            d,
            None,
            method="postal",
            tracking_number="EB123456789VN",
        ),
        Milestone.RESULT_RETURNED,
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_each_milestone_writes_exactly_one_message_per_channel(desk: Any, case: str) -> None:
    prepare, step, milestone = CASES[case]
    prepared = prepare(desk)
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    dossier = step(desk, prepared)
    new = OutboxMessage.objects.exclude(pk__in=before).filter(object_id=str(dossier.pk))
    assert sorted(new.values_list("channel", "recipient")) == [
        ("email", "nhung@example.vn"),
        ("sms", "0912345678"),
    ]
    email, sms = new.get(channel="email"), new.get(channel="sms")
    for message in (email, sms):
        text = message.subject + "\n" + message.body
        assert text.count(dossier.code) == 1, text  # not "Đã tiếp nhận hồ sơ X: X"
        assert desk.department.name in text and "/tra-cuu/" in text
        assert "/2026" in message.body  # the date of the notice
    assert sms.subject == "" and email.subject
    # The wording is the milestone's (the default template's first words).
    assert DEFAULTS[(milestone, "sms")][1].split("{code}")[0].split(": ")[-1] in sms.body


def test_result_ready_says_where_and_from_when(desk: Any) -> None:
    dossier = act(at(3, 10, 11), services.dossier_approve_result, _finished(desk), None)
    sms = OutboxMessage.objects.get(
        object_id=str(dossier.pk), channel="sms", body__contains="mời Ông/Bà"
    )
    place = f"đã có kết quả, mời Ông/Bà đến nhận tại {desk.department.name}"
    assert place in sms.body
    assert "từ 11:00 10/03/2026" in sms.body


@override_settings(ISOGOV_SUPPLEMENT_REPLY_WORKING_DAYS=5)
def test_supplement_notice_gives_reason_papers_place_and_deadline(desk: Any) -> None:
    dossier = act(
        at(3, 10, 10),
        services.dossier_request_supplement,
        _handed_over(desk),
        None,
        reason=REASON,
        items=["Bản sao giấy phép xuất bản", "Mẫu sách"],
    )
    email = OutboxMessage.objects.get(
        object_id=str(dossier.pk), channel="email", body__contains="bổ sung"
    )
    assert f"Lý do: {REASON}" in email.body
    assert "Giấy tờ cần bổ sung: Bản sao giấy phép xuất bản; Mẫu sách" in email.body
    assert f"Nơi nộp: {desk.department.name}" in email.body
    # Tuesday 10/3 10:00 + 5 working days = Tuesday 17/3 10:00.
    assert "Hạn nộp bổ sung: 10:00 17/03/2026" in email.body


def test_the_reissued_receipt_notice_gives_the_new_appointment(desk: Any) -> None:
    dossier = act(
        at(3, 10, 10),
        services.dossier_request_supplement,
        _handed_over(desk),
        None,
        reason=REASON,
        items=["Bản sao giấy phép xuất bản"],
    )
    sms = OutboxMessage.objects.filter(object_id=str(dossier.pk), channel="sms")
    assert "càng sớm càng tốt" in sms.order_by("-pk").first().body  # type: ignore[union-attr]
    act(at(3, 11, 9), services.dossier_supplement_received, dossier, desk.user("motcua"))
    # The clock restarts on Wed 11/3 09:00: 3 working days end Mon 16/3 09:00.
    assert dossier.promised_due_at is not None
    latest = sms.order_by("-pk").first()
    assert latest is not None and "hẹn trả kết quả 09:00 16/03/2026" in latest.body


def test_a_dossier_with_only_an_email_gets_only_the_email(desk: Any) -> None:
    with time_machine.travel(at(3, 9, 8), tick=False):
        dossier = services.dossier_receive(actor=desk.user("motcua"), data=intake(desk, phone=""))
    channels = OutboxMessage.objects.filter(object_id=str(dossier.pk)).values_list(
        "channel", flat=True
    )
    assert list(channels) == ["email"]


# --- templates --------------------------------------------------------------------------------
def test_every_default_template_uses_only_its_milestones_fields_and_names_the_essentials() -> None:
    assert {m for m, _c in DEFAULTS} == set(Milestone.values)
    for (milestone, channel), (subject, body) in DEFAULTS.items():
        template_check(subject, milestone=milestone)
        template_check(body, milestone=milestone)
        fields = template_fields(subject + body)
        assert fields.count("code") == 1, (milestone, channel)
        assert {"agency", "date", "link"} <= set(fields), (milestone, channel)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Hồ sơ {ma_ho_so}", "{ma_ho_so}"),
        ("{code.__class__}", "{code.__class__}"),
        ("{code[0]}", "{code[0]}"),
        ("{}", "{}"),
        ("{code!r}", "{code!r}"),
        ("{reason}", "{reason}"),  # a field of other milestones, not of "received"
    ],
)
def test_a_template_with_an_unknown_or_unsafe_field_is_refused_naming_it(
    text: str, named: str
) -> None:
    with pytest.raises(TemplateInvalid) as error:
        template_check(text, milestone=Milestone.RECEIVED)
    assert named in error.value.message


def test_unbalanced_braces_are_refused() -> None:
    with pytest.raises(TemplateInvalid):
        template_check("Hồ sơ {code", milestone=Milestone.RECEIVED)


def test_leader_rewords_a_notice_versioned_and_audited(desk: Any) -> None:
    agency = desk.department
    leader = desk.user("lanhdao")
    row = services.notice_template_update(
        actor=leader,
        agency=agency,
        milestone="received",
        channel="sms",
        subject="",
        body="{agency} nhan ho so {code}, hen {due}. Ngay {date}. {link}",
        version=0,
    )
    assert row.version == 1
    with pytest.raises(ConflictError):  # a second editor who read the default
        services.notice_template_update(
            actor=leader,
            agency=agency,
            milestone="received",
            channel="sms",
            subject="",
            body="{code}",
            version=0,
        )
    event = AuditEvent.objects.filter(action="notifications.template.update").latest("seq")
    assert event.after["body"].startswith("{agency} nhan ho so")
    dossier = _received(desk)
    sms = OutboxMessage.objects.get(object_id=str(dossier.pk), channel="sms")
    assert sms.body.startswith(f"{agency.name} nhan ho so {dossier.code}, hen ")


def test_unknown_field_is_refused_when_saved_and_nothing_changes(desk: Any) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.notice_template_update(
            actor=desk.user("lanhdao"),
            agency=desk.department,
            milestone="result_ready",
            channel="email",
            subject="Kết quả",
            body="Hồ sơ {ma_ho_so} đã có kết quả",
            version=0,
        )
    assert "{ma_ho_so}" in error.value.details["body"][0]
    assert not NoticeTemplate.objects.exists()


def test_a_specialist_may_not_reword_notices(desk: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.notice_template_update(
            actor=desk.user("chuyenvien"),
            agency=desk.department,
            milestone="received",
            channel="sms",
            subject="",
            body="{code}",
            version=0,
        )
    assert not NoticeTemplate.objects.exists()


def test_templates_page_lists_and_saves_for_the_leader(client: Client, desk: Any) -> None:
    client.force_login(desk.user("lanhdao"))
    page = client.get("/dossiers/notices/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "mời Ông/Bà đến nhận tại {place}" in html and "{ready_from}" in html
    response = client.post(
        "/dossiers/notices/",
        {
            "milestone": "received",
            "channel": "sms",
            "version": "0",
            "subject": "",
            "body": "Hồ sơ {ma_ho_so}",
        },
    )
    assert response.status_code == 400
    assert "{ma_ho_so}" in response.content.decode()
    assert not NoticeTemplate.objects.exists()
    response = client.post(
        "/dossiers/notices/",
        {
            "milestone": "received",
            "channel": "sms",
            "version": "0",
            "subject": "",
            "body": "{agency}: hồ sơ {code}. {date} {link}",
        },
    )
    assert response.status_code == 302
    assert NoticeTemplate.objects.get().version == 1


def test_templates_page_is_refused_to_a_specialist(client: Client, desk: Any) -> None:
    client.force_login(desk.user("chuyenvien"))
    response = client.post(
        "/dossiers/notices/",
        {"milestone": "received", "channel": "sms", "version": "0", "body": "{code}"},
    )
    assert response.status_code == 403
    assert not NoticeTemplate.objects.exists()


def test_rendering_substitutes_plain_text_once() -> None:
    from isogov.notifications.notices import template_render

    # An applicant's text that looks like a field stays text: it is never formatted again.
    assert template_render("Lý do: {reason}", {"reason": "{code} {{x}}"}) == "Lý do: {code} {{x}}"
    assert template_render("{{ {code} }}", {"code": "A-1"}) == "{ A-1 }"


def test_the_menu_shows_notices_to_the_leader_only(client: Client, desk: Any) -> None:
    client.force_login(desk.user("lanhdao"))
    assert 'href="/dossiers/notices/"' in client.get("/dossiers/").content.decode()
    client.force_login(desk.user("chuyenvien"))
    assert 'href="/dossiers/notices/"' not in client.get("/dossiers/").content.decode()
