"""The feedback action table: every action × status × party, allowed or refused as the table
says; and the entry point's guards (version, input, consent, scope)."""

from __future__ import annotations

from typing import Any

import pytest

from isogov.core.errors import ConflictError, NotFound, PermissionDenied, ValidationFailed
from isogov.dossiers.tests.conftest import at
from isogov.feedback import services
from isogov.feedback.models import FeedbackItem, FeedbackKind
from isogov.feedback.transitions import ACTIONS, FeedbackStatus, Party

from .helpers import run, submit

# Who stands as each party on an item routed to the press unit (BCXB).
PARTY_USER = {Party.COORDINATOR: "motcua", Party.HANDLER: "chuyenvien", Party.SUBMITTER: None}


def _valid_data(action: str, demo: Any) -> dict[str, str]:
    unit = demo.department.units.get(code="BCXB")
    return {
        "classify": {"kind": FeedbackKind.CONDUCT, "unit": str(unit.pk)},
        "refuse": {"reason": "Không thuộc thẩm quyền."},
        "request_info": {"request": "Xin cho biết ngày đến nộp hồ sơ."},
        "supply_info": {"information": "Ngày 20/4."},
        "answer": {"answer": "Sở đã chấn chỉnh."},
        "publish": {},
        "rate_answer": {"rating": "satisfied"},
    }[action]


@pytest.mark.parametrize("party", list(Party))
@pytest.mark.parametrize("status", list(FeedbackStatus))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_action_in_every_status_by_every_party(
    demo: Any, action: str, status: str, party: Party
) -> None:
    item = submit(demo, at(4, 22, 10), consent_publish="1")
    unit = demo.department.units.get(code="BCXB")
    # Put the item in ``status`` as if it got there (routed to BCXB, so the handler is set).
    FeedbackItem.objects.filter(pk=item.pk).update(status=status, unit=unit, kind="procedure")
    item.refresh_from_db()
    rule = ACTIONS[action]
    allowed = status in rule.from_statuses and party in rule.parties
    username = PARTY_USER[party]
    user = demo.user(username) if username else None
    before = FeedbackItem.objects.filter(pk=item.pk).values().get()
    if allowed:
        done = run(item, at(4, 23, 9), action, user, **_valid_data(action, demo))
        assert done.status == (rule.to_status or status)
        assert done.version == item.version + 1
    else:
        with pytest.raises(PermissionDenied):
            run(item, at(4, 23, 9), action, user, **_valid_data(action, demo))
        assert FeedbackItem.objects.filter(pk=item.pk).values().get() == before


def test_an_officer_of_another_unit_or_agency_finds_nothing(demo: Any) -> None:
    item = submit(demo, at(4, 22, 10))
    unit = demo.department.units.get(code="BCXB")
    run(item, at(4, 22, 11), "classify", demo.user("motcua"), kind="procedure", unit=str(unit.pk))
    for username in ("vienthong", "tuphap", "danhgia"):
        with pytest.raises(NotFound):
            run(item, at(4, 23, 9), "answer", demo.user(username), answer="Trả lời")


def test_a_stale_version_is_refused_and_changes_nothing(demo: Any) -> None:
    item = submit(demo, at(4, 22, 10))
    unit = demo.department.units.get(code="BCXB")
    with pytest.raises(ConflictError):
        services.feedback_act(
            action="classify",
            actor=demo.user("motcua"),
            code=item.code,
            version=item.version + 1,
            data={"kind": "procedure", "unit": str(unit.pk)},
        )
    item.refresh_from_db()
    assert (item.status, item.kind) == (FeedbackStatus.RECEIVED, "")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param({"unit": "1"}, "kind", id="kind_missing"),
        pytest.param({"kind": "gossip", "unit": "1"}, "kind", id="kind_not_in_the_list"),
        pytest.param({"kind": "procedure", "unit": "999999"}, "unit", id="unit_of_no_agency"),
        pytest.param({"kind": "procedure", "unit": "abc"}, "unit", id="unit_not_a_number"),
    ],
)
def test_bad_input_names_its_field_and_stores_nothing(
    demo: Any, data: dict[str, str], field: str
) -> None:
    item = submit(demo, at(4, 22, 10))
    with pytest.raises(ValidationFailed) as error:
        run(item, at(4, 22, 11), "classify", demo.user("motcua"), **data)
    assert list(error.value.details) == [field]
    item.refresh_from_db()
    assert (item.status, item.kind, item.version) == (FeedbackStatus.RECEIVED, "", 1)


def test_an_answer_without_consent_is_not_published_and_rated_once(demo: Any) -> None:
    item = submit(demo, at(4, 22, 10))
    motcua = demo.user("motcua")
    unit = demo.department.units.get(code="BCXB")
    run(item, at(4, 22, 11), "classify", motcua, kind="procedure", unit=str(unit.pk))
    run(item, at(4, 23, 11), "answer", demo.user("chuyenvien"), answer="Đã bổ sung hướng dẫn.")
    with pytest.raises(PermissionDenied):
        run(item, at(4, 23, 12), "publish", motcua)
    item = run(item, at(4, 24, 9), "rate_answer", rating="dissatisfied")
    assert item.answer_rating == "dissatisfied"
    with pytest.raises(PermissionDenied):
        run(item, at(4, 24, 10), "rate_answer", rating="satisfied")
    item.refresh_from_db()
    assert item.answer_rating == "dissatisfied"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param({"name": ""}, "name", id="no_name"),
        pytest.param({"phone": "", "email": ""}, "phone", id="no_contact"),
        pytest.param({"email": "not-an-address"}, "email", id="bad_email"),
        pytest.param({"content": "x" * 4001}, "content", id="content_too_long"),
        pytest.param({"title": "   "}, "title", id="blank_title"),
    ],
)
def test_a_bad_submission_names_its_field_and_stores_nothing(
    demo: Any, data: dict[str, str], field: str
) -> None:
    with pytest.raises(ValidationFailed) as error:
        submit(demo, at(4, 22, 10), **data)
    assert list(error.value.details) == [field]
    assert not FeedbackItem.objects.exists()


def test_a_dossier_code_links_the_item_only_to_the_agencys_own_dossier(desk: Any) -> None:
    from isogov.dossiers import services as dossier_services
    from isogov.dossiers.tests.conftest import intake

    dossier = dossier_services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    linked = submit(desk, at(4, 22, 10), dossier_code=dossier.code)
    unknown = submit(desk, at(4, 22, 10), dossier_code="000.00.15.H26-260422-9999")
    assert linked.dossier_id == dossier.pk and unknown.dossier_id is None
    assert unknown.dossier_code == "000.00.15.H26-260422-9999"
    assert linked.code != unknown.code and linked.code.startswith("PA-260422-")
