"""Timeline events share their message and data with their audit event (issue 15 §4)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
import time_machine
from django.apps import apps as django_apps

from isogov.audit.services import audit_verify_chain
from isogov.dossiers import services
from isogov.dossiers.demo import SUPPLEMENT
from isogov.dossiers.models import Dossier, DossierEvent

from .conftest import act, at, intake

pytestmark = pytest.mark.django_db

link = importlib.import_module(
    "isogov.dossiers.migrations.0015_event_share_existing_message_and_data_with_audit"
)


def worked(desk: Any) -> Dossier:
    """A dossier received, moved on twice and sent a supplement request (data and messages)."""
    with time_machine.travel(at(3, 2, 9), tick=False):
        dossier = services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    for hour in (10, 11):
        dossier = act(at(3, 2, hour), services.dossier_step_complete, dossier, None)
    return act(at(3, 2, 14), services.dossier_request_supplement, dossier, None, **SUPPLEMENT)


def timeline(dossier: Dossier) -> list[tuple[Any, ...]]:
    return [
        (e.action, e.from_status, e.to_status, e.message, e.data)
        for e in DossierEvent.objects.filter(dossier=dossier).order_by("id")
    ]


def test_an_event_keeps_no_copy_of_what_its_audit_event_holds(desk: Any) -> None:
    dossier = worked(desk)
    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("id"))
    assert [e.action for e in events][-1] == "request_supplement"
    for event in events:
        assert event.audit_event_id is not None, event.action
        assert (event.own_message, event.own_data) == ("", {})
        assert event.audit_event.action == f"dossier.{event.action}"
    supplement = events[-1]
    assert supplement.message == SUPPLEMENT["reason"]
    assert supplement.data["items"] == SUPPLEMENT["items"]
    assert "status" not in supplement.data
    assert events[0].data["due_at"]  # the receipt's appointment, read from the audit event


def test_existing_events_are_linked_without_loss_and_the_chain_still_verifies(
    desk: Any,
) -> None:
    dossier = worked(desk)
    expected = timeline(dossier)
    # Events as stored before the change: their own copy, no link.
    for event in DossierEvent.objects.filter(dossier=dossier):
        DossierEvent.objects.filter(pk=event.pk).update(
            own_message=event.message, own_data=event.data, audit_event=None
        )
    # One more whose copy differs from its audit event: it must keep its own.
    odd = DossierEvent.objects.filter(dossier=dossier).order_by("id").first()
    assert odd is not None
    DossierEvent.objects.filter(pk=odd.pk).update(own_message="written by hand")
    expected[0] = (*expected[0][:3], "written by hand", expected[0][4])

    link.link(django_apps, None)

    assert timeline(dossier) == expected
    rows = DossierEvent.objects.filter(dossier=dossier).order_by("id")
    assert [e.audit_event_id is None for e in rows] == [True] + [False] * (len(expected) - 1)
    assert audit_verify_chain().ok

    link.unlink(django_apps, None)  # and back
    assert timeline(dossier) == expected
    assert not DossierEvent.objects.filter(audit_event__isnull=False).exists()
