"""``core.inserts.insert_rows`` stores exactly what Django's ``bulk_create`` stores."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import models
from django.utils.translation import gettext_lazy

from isogov.audit.models import AuditEvent
from isogov.core.inserts import insert_rows
from isogov.dossiers.models import Dossier, DossierEvent, DossierFee, DossierStep
from isogov.dossiers.services import dossier_receive
from isogov.dossiers.transitions import Status
from isogov.notifications.models import Channel, OutboxMessage

from .conftest import VN, intake

pytestmark = pytest.mark.django_db

AUTO = {"id", "created_at", "updated_at"}
# Unique random values each object draws for itself: not copied, not compared.
DRAWN = {"access_token", "rating_token"}


def _copy(obj: models.Model, **changes: Any) -> models.Model:
    fields = {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in AUTO | DRAWN
    }
    return type(obj)(**{**fields, **changes})


def _stored(obj: models.Model, *skip: str) -> dict[str, Any]:
    row = type(obj).objects.filter(pk=obj.pk).values().get()
    return {key: value for key, value in row.items() if key not in AUTO | DRAWN | set(skip)}


def _both(make: Any, *skip: str) -> tuple[models.Model, models.Model]:
    """The same objects stored once by ``bulk_create`` and once by ``insert_rows``."""
    by_django, ours = make(1), make(2)
    type(by_django).objects.bulk_create([by_django])
    insert_rows([ours])
    assert ours.pk is not None and ours.pk != by_django.pk
    assert ours._state.adding is False
    assert _stored(ours, *skip) == _stored(by_django, *skip)
    return by_django, ours


def test_a_received_dossier_and_its_steps_are_stored_alike(desk: Any) -> None:
    received = dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    received.current_step = None
    _both(
        lambda n: _copy(
            received,
            code=f"X-{n}",
            status=Status.RECEIVED,  # a str enum
            applicant_address=gettext_lazy("address"),  # a lazy string
            time_value=Decimal("1.25"),
            received_at=dt.datetime(2026, 2, 13, 16, 0, tzinfo=VN),  # not UTC
        ),
        "code",
    )
    step = received.steps.order_by("order").first()
    assert step is not None
    _both(lambda n: _copy(step, allowance_value=Decimal("0.5"), note=f"ghi chú {n}"), "note")


def test_a_step_of_a_dossier_saved_after_it_was_built_gets_its_key(desk: Any) -> None:
    received = dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    dossier = _copy(received, code="X-late", current_step_id=None)
    step = DossierStep(dossier=dossier, order=1, name="Bước", allowance_value=Decimal(1))
    insert_rows([dossier])
    insert_rows([step])
    assert DossierStep.objects.get(pk=step.pk).dossier_id == dossier.pk


def test_several_rows_get_their_own_keys_in_order(desk: Any) -> None:
    received = dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    fees = [
        DossierFee(dossier=received, name=f"Phí {n}", amount_vnd=None if n == 2 else n * 1000)
        for n in range(1, 6)
    ]
    insert_rows(fees)
    assert [DossierFee.objects.get(pk=fee.pk).name for fee in fees] == [
        f"Phí {n}" for n in range(1, 6)
    ]
    assert DossierFee.objects.get(pk=fees[1].pk).amount_vnd is None


def test_json_enums_and_nulls_are_stored_alike(desk: Any) -> None:
    received = dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    _both(
        lambda n: DossierEvent(
            dossier=received,
            at=dt.datetime(2026, 2, 13, 16, 0, tzinfo=dt.UTC),
            actor=None,
            action="receive",
            message=f"Đã tiếp nhận {n}",
            data={"due_at": "2026-02-25T16:00:00+07:00", "list": [1, "hai", None], "n": 1.5},
        ),
        "own_message",
    )
    _both(
        lambda n: AuditEvent(
            seq=10_000 + n,
            occurred_at=dt.datetime(2026, 2, 13, 9, 0, tzinfo=dt.UTC),
            actor_id=None,
            actor_label="system",
            action="test.insert",
            before=None,
            after={"status": "received"},
            hash=f"{n:064d}",
        ),
        "seq",
        "hash",
    )
    _both(
        lambda n: OutboxMessage(
            channel=Channel.SMS,
            recipient=f"09000000{n:02d}",
            body="Hồ sơ đã được tiếp nhận",
            next_attempt_at=dt.datetime(2026, 2, 13, 9, 0, tzinfo=dt.UTC),
        ),
        "recipient",
    )


def test_auto_timestamps_are_set_and_one_model_only() -> None:
    before = dt.datetime.now(dt.UTC)
    message = OutboxMessage(
        channel=Channel.EMAIL, recipient="a@example.vn", body="x", next_attempt_at=before
    )
    insert_rows([message])
    stored = OutboxMessage.objects.get(pk=message.pk)
    assert stored.created_at >= before - dt.timedelta(seconds=1)
    # The object gets the same instant (auto_now and auto_now_add take one path).
    assert message.created_at == stored.created_at
    with pytest.raises(TypeError):
        insert_rows([OutboxMessage(channel=Channel.EMAIL, recipient="b", body="y"), Dossier()])


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2026, 2, 13, 16, 0, tzinfo=VN),
        dt.datetime(2026, 2, 13, 9, 0, 0, 123456, tzinfo=dt.UTC),
        dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    ],
)
def test_datetimes_are_converted_as_the_backend_converts_them(value: dt.datetime) -> None:
    from django.db import connection

    from isogov.core.inserts import _datetime_adapter

    assert _datetime_adapter(connection)(value) == connection.ops.adapt_datetimefield_value(value)
