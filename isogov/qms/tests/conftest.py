"""Helpers of the QMS tests: documents, revisions and an auditor who works in a unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from isogov.accounts.models import Unit, User


def unit(demo: Any, code: str) -> Unit:
    return demo.department.units.get(code=code)


def make_auditor(demo: Any, username: str, unit_code: str) -> User:
    """An internal auditor who also works as a specialist in ``unit_code``."""
    from isogov.accounts.roles import Role
    from isogov.accounts.services import role_assign, user_create

    user = user_create(
        actor=None,
        username=username,
        password="x-secret-123",
        full_name=f"Kiểm Toán {username}",
        agency=demo.department,
        email=f"{username}@demo.isogov.vn",
    )
    role_assign(actor=None, user=user, role=Role.INTERNAL_AUDITOR, agency=demo.department)
    role_assign(
        actor=None,
        user=user,
        role=Role.SPECIALIST,
        agency=demo.department,
        unit=unit(demo, unit_code),
    )
    return user


def new_document(demo: Any, code: str = "QT-KS-01", **kwargs: Any) -> Any:
    from isogov.qms.services.documents import document_create

    kwargs.setdefault("title", "Quy trình kiểm soát tài liệu")
    kwargs.setdefault("doc_type", "instruction")
    return document_create(
        actor=demo.user("thuky"),
        agency=demo.department,
        code=code,
        owner_unit=unit(demo, "VP"),
        **kwargs,
    )


def draft(demo: Any, document: Any, **kwargs: Any) -> Any:
    from isogov.qms.services.documents import revision_draft

    kwargs.setdefault("change_summary", "Ban hành lần đầu")
    kwargs.setdefault("reviewer", demo.user("truongphong"))
    kwargs.setdefault("approver", demo.user("lanhdao"))
    return revision_draft(actor=demo.user("thuky"), document=document, content="Mục đích", **kwargs)


def act(demo: Any, username: str, revision: Any, action: str, **kwargs: Any) -> Any:
    from isogov.qms.services.documents import revision_act

    revision.refresh_from_db()
    return revision_act(
        actor=demo.user(username),
        revision_id=revision.pk,
        action=action,
        version=revision.version,
        **kwargs,
    )


def publish(demo: Any, document: Any, **kwargs: Any) -> Any:
    revision = draft(demo, document, **kwargs)
    act(demo, "thuky", revision, "submit")
    act(demo, "lanhdao", revision, "approve")
    return act(demo, "thuky", revision, "publish", effective_on=dt.date(2026, 3, 1))


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    """Frozen PDFs go to a temporary folder, not the developer's media."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
