"""The officer journey of issue 9's "Done when", in real Chromium, each person signed in alone.

One browser, one context per person (their own cookies, all signed in at once), the demo seeded
once: the desk receives through the intake form and hands over → the unit head opens the dossier
from his queue and assigns the specialist from the staff list → the specialist asks for a
supplement → the desk ticks what came in (a new receipt) → the specialist records the result and
finishes → the unit head reviews → the leader approves after confirming → Văn phòng and the
specialist bring the result to the desk → the desk returns it after confirming. At each step the
person acting sees exactly one primary button, and none of the actions that belong to the
others; the outbox then holds the applicant's messages, one per channel and milestone.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from pypdf import PdfReader

from isogov.accounts.demo import DEMO_PASSWORD
from isogov.core.documents.text import vn_datetime
from isogov.dossiers.models import Dossier
from isogov.dossiers.transitions import Status
from isogov.notifications.models import OutboxMessage

from .conftest import CFS

PEOPLE = ("motcua", "truongphong", "chuyenvien", "lanhdao", "vanthu")
APPLICANT = "Công ty TNHH Sách Cảng Biển"
PHONE, EMAIL, TAX_CODE = "0912345678", "sachcangbien@example.vn", "0200123456"
SUPPLEMENT = "Danh mục sách xuất khẩu có xác nhận"

# Whose actions are whose (the action table's authorities, by name).
DESK = {"accept", "return_result", "record_payment", "request_withdrawal", "cancel_withdrawal"}
HEAD = {"assign", "assign_handover"}
SIGNER = {"approve_result", "refuse"}
LEADER = {"apologise"}
HANDLER = {"request_supplement", "send_back", "request_opinion", "request_payment", "record_result"}


class Person:
    """One officer in a browser context of their own, signed in once."""

    def __init__(self, browser: Any, base: str, username: str) -> None:
        self.base, self.username = base, username
        self.context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.page.goto(f"{base}/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", DEMO_PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url("**/dashboard/")

    def open(self, code: str) -> None:
        self.page.goto(f"{self.base}/dossiers/{code}/")

    def open_from_queue(self, code: str) -> None:
        """My work lists the dossier; its code leads to the dossier page."""
        self.page.goto(f"{self.base}/dossiers/")
        self.page.click(f"#queue tbody a:text-is('{code}')")
        self.page.wait_for_url(f"**/dossiers/{code}/")

    def actions(self) -> set[str]:
        """The names of the action forms shown (``action-<name>`` or ``action-<name>-<step>``)."""
        ids = self.page.eval_on_selector_all("#actions form", "forms => forms.map(f => f.id)")
        return {form_id.split("-")[1] for form_id in ids}

    def primary(self, code: str, *, not_theirs: set[str]) -> str:
        """Open the dossier; exactly one primary button, none of the others' actions: its words."""
        self.open(code)
        assert self.page.locator(".primary-action").count() == 1, self.username
        shown = self.actions() & not_theirs
        assert not shown, f"{self.username} sees {sorted(shown)}"
        return str(self.page.inner_text("#primary-action"))

    def sees_no_primary(self, code: str) -> None:
        self.open(code)
        assert self.page.locator(".primary-action").count() == 0, self.username

    def submit(self, selector: str, *, confirm: bool | None = None) -> str:
        """Press a button (answering the confirmation when one is asked); the dialog's words."""
        asked: list[str] = []
        if confirm is not None:

            def answer(dialog: Any) -> None:
                asked.append(dialog.message)
                dialog.accept() if confirm else dialog.dismiss()

            self.page.once("dialog", answer)
        if confirm is False:
            self.page.click(selector)
            assert asked, "no confirmation was asked"
            return asked[0]
        with self.page.expect_navigation():
            self.page.click(selector)
        errors = self.page.locator(".alert-error").all_inner_texts()
        assert not errors, errors
        assert self.page.locator(".alert-success").count() == 1
        assert confirm is None or asked, "no confirmation was asked"
        return asked[0] if asked else ""

    def receipt_text(self, code: str) -> str:
        response = self.page.request.get(f"{self.base}/dossiers/{code}/forms/receipt.pdf")
        assert response.ok and response.headers["content-type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(response.body()))
        return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def people(browser: Any, live_server: Any) -> Iterator[dict[str, Person]]:
    signed_in: dict[str, Person] = {}
    try:
        for username in PEOPLE:
            signed_in[username] = Person(browser, live_server.url, username)
        yield signed_in
    finally:
        for person in signed_in.values():
            person.context.close()


def _intake(desk: Person) -> str:
    """The desk receives a dossier through the intake form; its code."""
    page = desk.page
    page.goto(f"{desk.base}/dossiers/new/")
    page.select_option("#id_procedure", CFS)
    page.wait_for_selector("#appointment-preview")
    page.check("input[name=paper][value='Đơn đề nghị (theo mẫu)']")
    page.select_option("#id_applicant_kind", "organisation")
    page.fill("#id_applicant_name", APPLICANT)
    page.fill("#id_applicant_id_number", TAX_CODE)
    page.fill("#id_applicant_phone", PHONE)
    page.fill("#id_applicant_email", EMAIL)
    page.fill("#id_representative_name", "Nguyễn Văn An")
    with page.expect_navigation():
        page.click("#receive")
    match = re.search(r"/dossiers/([^/]+)/$", page.url)
    assert match, page.url
    assert page.inner_text("#status") == "Đã tiếp nhận"
    return match.group(1)


def _dossier(code: str) -> Dossier:
    return Dossier.objects.select_related("current_step").get(code=code)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_four_officers_walk_a_dossier_each_with_one_primary_action(
    desk: Any, people: dict[str, Person]
) -> None:
    motcua, head, specialist = people["motcua"], people["truongphong"], people["chuyenvien"]
    leader, office = people["lanhdao"], people["vanthu"]

    # 1. The desk receives through the web form and hands the dossier to the unit.
    code = _intake(motcua)
    steps = {step.order: step.name for step in _dossier(code).steps.all()}
    words = motcua.primary(code, not_theirs=HEAD | SIGNER | LEADER | HANDLER)
    assert words == f"Hoàn thành “{steps[1]}”, chuyển “{steps[2]}”"
    motcua.submit("#primary-action")
    assert motcua.page.inner_text("#status") == "Đang xử lý"
    for other in (specialist, leader, motcua):
        other.sees_no_primary(code)

    # 2. The unit head finds it in his queue and assigns the specialist from the staff list.
    head.open_from_queue(code)
    words = head.primary(code, not_theirs=DESK | SIGNER | LEADER)
    assert words == f"Phân công và chuyển “{steps[3]}”"
    form = "#action-assign_handover"
    assert f"Phân công cán bộ thụ lý bước 3: {steps[3]}" in head.page.inner_text(form)
    staff = head.page.locator(f"{form} select[name=assignee] option").all_text_contents()
    assert staff == ["—", "Hoàng Văn Chuyên"]
    head.page.select_option(f"{form} select[name=assignee]", label="Hoàng Văn Chuyên")
    head.page.fill(f"{form} textarea[name=note]", "Kiểm tra kỹ danh mục sách")
    head.submit("#primary-action")
    assert _dossier(code).current_step.assignee.username == "chuyenvien"  # type: ignore[union-attr]
    for other in (head, motcua, leader):
        other.sees_no_primary(code)  # reassigning stays with the head, under "Other actions"

    # 3. The specialist sees the head's note and asks for a supplement (a reason is required).
    specialist.open_from_queue(code)
    words = specialist.primary(code, not_theirs=DESK | HEAD | SIGNER | LEADER)
    assert words == f"Hoàn thành “{steps[3]}”, chuyển “{steps[4]}”"
    assert "Kiểm tra kỹ danh mục sách" in specialist.page.inner_text("#steps")
    specialist.page.click("#other-actions > summary")
    specialist.page.click("#other-actions summary:text-is('Yêu cầu bổ sung hồ sơ (mẫu 02)')")
    request = "#action-request_supplement"
    assert specialist.page.get_attribute(f"{request} textarea[name=reason]", "required") == ""
    specialist.page.fill(f"{request} textarea[name=reason]", "Thiếu danh mục sách xuất khẩu")
    specialist.page.fill(f"{request} textarea[name=items]", SUPPLEMENT)
    specialist.submit(f"{request} button[type=submit]")
    before = _dossier(code)
    assert before.status == Status.SUPPLEMENT_REQUESTED
    first_receipt = motcua.receipt_text(code)
    assert "Cấp lại" not in first_receipt
    for other in (head, leader):
        other.sees_no_primary(code)

    # 4. The desk ticks what came in: the clock restarts and a new receipt is issued.
    words = motcua.primary(code, not_theirs=HEAD | SIGNER | LEADER | HANDLER)
    assert words == "Đã nhận đủ hồ sơ bổ sung"
    motcua.page.check(f"#action-supplement_received input[value='{SUPPLEMENT}']")
    motcua.submit("#primary-action")
    after = _dossier(code)
    assert after.status == Status.IN_PROCESS
    assert after.clock_stops.get().received_items == [SUPPLEMENT]
    assert after.promised_due_at is not None and before.received_at is not None
    receipt = motcua.receipt_text(code)
    assert "Cấp lại lúc" in receipt and "sau khi nhận đủ hồ sơ bổ sung" in receipt
    assert f"Thời gian trả kết quả giải quyết hồ sơ: {vn_datetime(after.promised_due_at)}" in (
        receipt
    )
    assert receipt != first_receipt

    # 5. The specialist records the draft result and finishes the appraisal.
    specialist.primary(code, not_theirs=DESK | HEAD | SIGNER | LEADER)
    specialist.page.click("#other-actions > summary")
    specialist.page.click("#other-actions summary:text-is('Nhập kết quả giải quyết')")
    specialist.page.fill("#action-record_result input[name=number]", "15/GCN-SKHCN")
    specialist.page.fill("#action-record_result input[name=signer]", "Trần Thị Lãnh")
    specialist.submit("#action-record_result button[type=submit]")
    assert specialist.page.locator(".primary-action").count() == 1
    specialist.submit("#primary-action")

    # 6. The unit head reviews and hands over to the leader.
    words = head.primary(code, not_theirs=DESK | SIGNER | LEADER)
    assert words == f"Hoàn thành “{steps[4]}”, chuyển “{steps[5]}”"
    head.submit("#primary-action")
    specialist.sees_no_primary(code)

    # 7. The leader approves after confirming; dismissing the question does nothing.
    words = leader.primary(code, not_theirs=DESK | {"assign_handover"})
    assert words == "Phê duyệt kết quả"
    asked = leader.submit("#primary-action", confirm=False)
    assert APPLICANT in asked and "không thể hoàn tác" in asked.lower()
    assert _dossier(code).result_approved_at is None
    leader.submit("#primary-action", confirm=True)
    approved = _dossier(code)
    assert approved.result_approved_at is not None
    assert approved.result_approved_by is not None
    assert approved.result_approved_by.username == "lanhdao"
    for other in (leader, head):
        other.sees_no_primary(code)

    # 8. Văn phòng registers it, the specialist brings it to the desk.
    for person, order in ((office, 6), (specialist, 7)):
        words = person.primary(code, not_theirs=DESK | HEAD | SIGNER | LEADER)
        assert words.startswith(f"Hoàn thành “{steps[order]}”")
        person.submit("#primary-action")
    assert _dossier(code).status == Status.FINISHED

    # 9. The desk returns the result after confirming, to the applicant in person.
    words = motcua.primary(code, not_theirs=HEAD | SIGNER | LEADER | HANDLER)
    assert words == "Trả kết quả"
    asked = motcua.submit("#primary-action", confirm=True)
    assert APPLICANT in asked and "không thể hoàn tác" in asked.lower()
    assert motcua.page.inner_text("#status") == "Đã trả kết quả"
    assert TAX_CODE in motcua.page.inner_text("#collection")
    for person in people.values():
        person.sees_no_primary(code)

    # The outbox: one e-mail and one SMS per milestone, in order, each naming the code once.
    dossier = _dossier(code)
    outbox = OutboxMessage.objects.filter(
        object_type="dossiers.dossier", object_id=str(dossier.pk)
    ).order_by("pk")
    agency = desk.department.name
    subjects = [
        subject.removeprefix(f"{agency}: ").removesuffix(" trước hạn")
        for subject in outbox.filter(channel="email").values_list("subject", flat=True)
    ]
    assert subjects == [
        "thông báo tiếp nhận hồ sơ",  # received, with the appointment
        "đề nghị bổ sung hồ sơ",  # supplement requested: reason, papers, where
        "thông báo tiếp nhận hồ sơ",  # the re-issued receipt, with the new appointment
        "hồ sơ đã có kết quả",  # result ready, once approved and at the desk
        "đã trả kết quả hồ sơ",  # result returned
    ]
    assert {message.recipient for message in outbox.filter(channel="email")} == {EMAIL}
    sms = list(outbox.filter(channel="sms").values_list("body", flat=True))
    assert len(sms) == 5
    assert "đã tiếp nhận hồ sơ" in sms[0] and SUPPLEMENT in sms[1]
    assert "hẹn trả kết quả" in sms[2] and "đã có kết quả, mời Ông/Bà đến nhận" in sms[3]
    assert "đã trả kết quả" in sms[4]
    for message in outbox:
        assert (message.subject + message.body).count(code) == 1, message.body
        assert agency in message.body and "/tra-cuu/" in message.body
