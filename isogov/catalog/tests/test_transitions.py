"""The action table of procedure versions, walked action × status × role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.utils import translation
from rest_framework.test import APIClient

from isogov.accounts.roles import UNIT_SCOPED_ROLES, Role
from isogov.accounts.services import role_assign, user_create
from isogov.audit.models import AuditEvent
from isogov.catalog.models import ProcedureVersion
from isogov.catalog.services import (
    NOT_ALLOWED_IN_STATE,
    agency_procedure_assign,
    version_action_begin,
    version_create_draft,
    version_retire,
)
from isogov.catalog.transitions import ACTIONS, VersionAction, VersionStatus, actions_for
from isogov.core.errors import PermissionDenied

from .factories import procedure, published_version, version_record

pytestmark = pytest.mark.django_db

CODE = "1.014464"
CHANNELS = [{"kind": "in_person", "time": {"value": 3, "unit": "working_days"}}]
STEPS = [{"order": 1, "name": "Thẩm định", "allowance": {"value": "3", "unit": "working_days"}}]


def test_the_table_reads_draft_published_retired() -> None:
    rows = {
        name: (sorted(a.from_statuses), a.to_status, a.irreversible) for name, a in ACTIONS.items()
    }
    assert rows == {
        VersionAction.EDIT: (["draft"], None, False),
        VersionAction.SET_PROCESS: (["draft"], None, False),
        VersionAction.PUBLISH: (["draft"], "published", True),
        VersionAction.RETIRE: (["published"], "retired", True),
    }


def _version_in(status: str, demo: Any) -> ProcedureVersion:
    """Version 1 of a procedure the demo department carries out, in ``status``."""
    proc = procedure(CODE)
    agency_procedure_assign(actor=None, agency=demo.department, procedure=proc)
    if status == VersionStatus.DRAFT:
        return version_create_draft(
            actor=None, procedure=proc, data=version_record(channels=CHANNELS)
        )
    version = published_version(proc, effective_from=dt.date(2025, 1, 1), channels=CHANNELS)
    if status == VersionStatus.RETIRED:
        version = version_retire(actor=None, version=version, effective_to=dt.date(2025, 12, 31))
    return version


def _run(client: APIClient, action: VersionAction, version: ProcedureVersion) -> Any:
    url = f"/api/v1/procedures/{CODE}/versions/{version.number}/"
    if action == VersionAction.EDIT:
        content = version_record(name="Tên mới", channels=CHANNELS)
        return client.put(url, {"version": version.version, "content": content}, format="json")
    if action == VersionAction.SET_PROCESS:
        process = {"code": "QT 99/STTTT", "issue_number": 1, "title": "Quy trình", "steps": STEPS}
        return client.put(f"{url}process/", process, format="json")
    if action == VersionAction.PUBLISH:
        body = {"version": version.version, "effective_from": "2027-01-01"}
        return client.post(f"{url}publish/", body, format="json")
    body = {"effective_to": "2027-12-31", "reason": "Bãi bỏ theo quyết định mới"}
    return client.post(f"{url}retire/", body, format="json")


def _catalog_rows() -> dict[str, Any]:
    """Every row of every catalogue table (through tables included), and the audit count."""
    rows: dict[str, Any] = {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("catalog").get_models(include_auto_created=True)
    }
    rows["audit"] = AuditEvent.objects.count()
    return rows


@pytest.mark.parametrize("status", list(VersionStatus))
@pytest.mark.parametrize("action", list(VersionAction))
def test_every_action_in_every_status(demo: Any, action: VersionAction, status: str) -> None:
    version = _version_in(status, demo)
    client = APIClient()
    client.force_authenticate(demo.user("thuky"))
    before = _catalog_rows()
    response = _run(client, action, version)
    row = ACTIONS[action]
    if status in row.from_statuses:
        assert response.status_code == 200, response.content
        stored = ProcedureVersion.objects.get(pk=version.pk)
        assert stored.status == (row.to_status or status)
        return
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_state"
    with translation.override("vi"):
        expected = NOT_ALLOWED_IN_STATE % {
            "action": row.label,
            "status": VersionStatus(status).label,
        }
    assert error["message"] == expected
    assert error["message"].startswith("Thao tác này không được phép ở trạng thái hiện tại")
    assert _catalog_rows() == before


def _user_with_role(demo: Any, role: str) -> Any:
    """A new account holding only ``role`` in the department carrying out the procedure."""
    user = user_create(
        actor=None, username=f"u_{role}", password="x", full_name=role, agency=demo.department
    )
    unit = demo.department.units.get(code="BCXB") if role in UNIT_SCOPED_ROLES else None
    role_assign(actor=None, user=user, role=role, agency=demo.department, unit=unit)
    return user


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(VersionAction))
def test_who_may_run_each_action(demo: Any, action: VersionAction, role: str) -> None:
    # In a status the action starts from, only the table's roles pass the entry point.
    version = _version_in(next(iter(ACTIONS[action].from_statuses)), demo)
    actor = _user_with_role(demo, role)
    expected = action in actions_for(status=version.status, roles=frozenset({role}))
    assert expected is (role in ACTIONS[action].roles)
    try:
        with transaction.atomic():
            version_action_begin(actor=actor, version=version, action=action)
        allowed = True
    except PermissionDenied:
        allowed = False
    assert allowed is expected
