"""Webhooks: events read from the dossiers' timeline, signed deliveries through the outbox to a
receiver on loopback, retries, the delivery log, replays, and the documented verification."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from isogov.audit.models import AuditEvent
from isogov.core import clock
from isogov.core.errors import PermissionDenied, ValidationFailed
from isogov.dossiers import services as dossier_services
from isogov.dossiers.models import DossierEvent
from isogov.dossiers.tests.conftest import intake
from isogov.integrations.webhooks import services
from isogov.integrations.webhooks.events import event_types_for
from isogov.integrations.webhooks.models import (
    WebhookAttempt,
    WebhookCursor,
    WebhookDelivery,
    WebhookEventType,
    WebhookSubscription,
)
from isogov.integrations.webhooks.signing import HEADER
from isogov.notifications.models import OutboxMessage, OutboxStatus
from isogov.notifications.services import outbox_deliver_one

DOCS = Path(__file__).resolve().parents[3] / "docs" / "webhooks.md"
ALL_EVENTS = list(WebhookEventType.values)


def documented_verifier() -> Any:
    """The receiver's snippet, taken from docs/webhooks.md and run as a receiver would."""
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(r"<!-- verify-snippet -->\s*```python\n(.*?)```", text, re.S)
    assert match, "docs/webhooks.md has lost its verification snippet"
    namespace: dict[str, Any] = {}
    exec(compile(match.group(1), str(DOCS), "exec"), namespace)  # noqa: S102
    return namespace["verify_isogov_signature"]


class Receiver:
    """An HTTP receiver on loopback that answers the statuses it is given, then 200."""

    def __init__(self) -> None:
        self.answers: list[int] = []
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.answers.pop(0) if receiver.answers else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def subscribe(desk: Any, url: str, events: list[str] | None = None, agency: Any = None) -> Any:
    subscription, secret = services.webhook_subscription_create(
        actor=desk.user("lanhdao") if agency is None else desk.user("quantri"),
        agency=agency or desk.department,
        name="Kho dữ liệu tỉnh",
        url=url,
        events=events or ALL_EVENTS,
    )
    return subscription, secret


@pytest.mark.parametrize(
    ("action", "from_status", "to_status", "expected"),
    [
        ("receive", "", "received", ["dossier.status_changed"]),
        ("handover", "", "", ["dossier.step"]),
        ("transfer", "received", "in_process", ["dossier.status_changed", "dossier.step"]),
        (
            "return_result",
            "finished",
            "returned",
            ["dossier.status_changed", "dossier.result_returned"],
        ),
        ("payment", "", "", []),
    ],
    ids=["status", "step", "step-with-status", "result-returned", "nothing"],
)
def test_event_types_of_a_timeline_line(
    action: str, from_status: str, to_status: str, expected: list[str]
) -> None:
    assert event_types_for(action=action, from_status=from_status, to_status=to_status) == expected


def test_delivery_is_signed_retried_logged_and_verified_with_the_documented_snippet(
    desk: Any, receiver: Receiver
) -> None:
    subscription, secret = subscribe(desk, receiver.url)
    subscribe(desk, receiver.url, agency=desk.other)  # another agency's receiver: gets nothing
    dossier = dossier_services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    queued = services.webhook_events_collect()
    deliveries = list(WebhookDelivery.objects.filter(subscription=subscription).order_by("pk"))
    assert queued == len(deliveries) >= 1
    assert not WebhookDelivery.objects.exclude(subscription=subscription).exists()
    delivery = deliveries[0]
    assert delivery.event_type == WebhookEventType.DOSSIER_STATUS_CHANGED
    payload = json.loads(delivery.body)
    assert payload["dossier"]["code"] == dossier.code
    assert payload["id"] == delivery.event_id
    assert "Nguyễn" not in delivery.body  # no applicant's personal data in the body

    # The receiver fails first (500): the outbox keeps the message and logs the attempt.
    receiver.answers = [500]
    assert outbox_deliver_one(message_id=delivery.outbox_message_id) is False
    message = OutboxMessage.objects.get(pk=delivery.outbox_message_id)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert "HTTP 500" in message.last_error
    assert message.next_attempt_at > clock.now()
    # The retry succeeds.
    assert outbox_deliver_one(message_id=delivery.outbox_message_id) is True
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 2)
    log = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("pk"))
    assert [a.status_code for a in log] == [500, 200]
    assert len(receiver.received) == 2

    verify = documented_verifier()
    headers, body = receiver.received[-1]
    signature = headers[HEADER]
    sent_at = int(dict(p.split("=", 1) for p in signature.split(","))["t"])
    assert body == delivery.body.encode()
    assert headers["Isogov-Event-Id"] == delivery.event_id
    assert verify(secret, signature, body) is True
    assert verify(secret + "x", signature, body) is False  # a wrong secret is refused
    assert verify("whsec_another", signature, body) is False
    assert verify(secret, signature, body.replace(b"received", b"returned")) is False
    # The same message captured and sent again ten minutes later: refused.
    assert verify(secret, signature, body, now=sent_at + 600) is False
    assert verify(secret, "t=abc,v1=00", body) is False


def test_a_receiver_that_is_down_is_retried_and_a_replay_resends_the_same_event(
    desk: Any, receiver: Receiver
) -> None:
    subscription, secret = subscribe(desk, receiver.url, events=["dossier.status_changed"])
    dossier_services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    services.webhook_events_collect()
    delivery = WebhookDelivery.objects.filter(subscription=subscription).first()
    assert delivery is not None
    # Nobody listens on the address: a connection error, kept for the next try.
    receiver.__exit__()
    assert outbox_deliver_one(message_id=delivery.outbox_message_id) is False
    failed = WebhookAttempt.objects.get(delivery=delivery)
    assert failed.status_code is None and failed.error

    with Receiver() as back:
        subscription.url = back.url
        subscription.save(update_fields=["url"])
        first = delivery.outbox_message_id
        replayed = services.webhook_delivery_replay(actor=desk.user("lanhdao"), delivery=delivery)
        assert replayed.outbox_message_id != first and replayed.replays == 1
        message = OutboxMessage.objects.get(pk=replayed.outbox_message_id)
        message.recipient = back.url
        message.save(update_fields=["recipient"])
        assert outbox_deliver_one(message_id=replayed.outbox_message_id) is True
        headers, body = back.received[0]
        assert headers["Isogov-Event-Id"] == delivery.event_id
        assert documented_verifier()(secret, headers[HEADER], body) is True
    assert AuditEvent.objects.filter(action="webhook_delivery.replay").count() == 1
    with pytest.raises(PermissionDenied):
        services.webhook_delivery_replay(actor=desk.user("motcua"), delivery=delivery)


def test_only_wanted_events_of_active_subscriptions_are_queued(desk: Any) -> None:
    steps, _secret = subscribe(desk, "https://kho.example.vn/a", events=["dossier.step"])
    paused, _secret = subscribe(desk, "https://kho.example.vn/b")
    services.webhook_subscription_set_active(
        actor=desk.user("lanhdao"), subscription=paused, is_active=False, version=paused.version
    )
    officer = desk.user("motcua")
    dossier = dossier_services.dossier_receive(actor=officer, data=intake(desk))
    dossier_services.dossier_step_complete(
        actor=officer, code=dossier.code, version=dossier.version
    )
    services.webhook_events_collect()
    assert not WebhookDelivery.objects.filter(subscription=paused).exists()
    types = set(
        WebhookDelivery.objects.filter(subscription=steps).values_list("event_type", flat=True)
    )
    assert types == {"dossier.step"}
    # Reading again queues nothing twice.
    assert services.webhook_events_collect() == 0


def test_an_event_committed_late_is_still_sent_and_a_lost_one_is_forgotten(desk: Any) -> None:
    officer = desk.user("motcua")
    # The cursor starts at the last event stored. On PostgreSQL the id sequence has run ahead
    # of the rows (earlier tests' rolled-back inserts), and a gap wider than the reader tracks
    # would hide the one made here: an event of this test's own first puts the two together.
    dossier_services.dossier_receive(actor=officer, data=intake(desk, name="Lê Văn Đầu"))
    subscription, _secret = subscribe(desk, "https://kho.example.vn/hooks")
    first = dossier_services.dossier_receive(actor=officer, data=intake(desk))
    dossier_services.dossier_receive(actor=officer, data=intake(desk, name="Trần Văn An"))
    cursor = WebhookCursor.objects.get()
    missing = list(DossierEvent.objects.filter(pk__gt=cursor.last_id, dossier=first))
    assert missing
    DossierEvent.objects.filter(pk__in=[e.pk for e in missing]).delete()  # not committed yet

    def codes() -> set[str]:
        return {
            json.loads(d.body)["dossier"]["code"]
            for d in WebhookDelivery.objects.filter(subscription=subscription)
        }

    # The later dossier's events are sent at once; the missing ids are remembered.
    assert services.webhook_events_collect() >= 1
    assert first.code not in codes() and len(codes()) == 1
    assert set(WebhookCursor.objects.get().pending) >= {str(e.pk) for e in missing}
    # The missing event commits: the next reading sends it.
    DossierEvent.objects.bulk_create(missing[:1])
    assert services.webhook_events_collect() >= 1
    assert first.code in codes()
    # One that never comes is forgotten after ISOGOV_WEBHOOK_GAP_SECONDS.
    later = clock.now() + dt.timedelta(seconds=settings.ISOGOV_WEBHOOK_GAP_SECONDS + 1)
    with clock.as_of(later):
        services.webhook_events_collect()
    assert WebhookCursor.objects.get().pending == {}


def test_subscription_input_is_checked_and_nothing_is_stored(desk: Any, settings: Any) -> None:
    settings.ISOGOV_WEBHOOK_ALLOW_HTTP = False
    cases = [
        ({"url": "http://kho.example.vn/hooks"}, "url"),
        ({"url": "ftp://kho.example.vn"}, "url"),
        ({"events": []}, "events"),
        ({"events": ["dossier.deleted"]}, "events"),
        ({"name": "  "}, "name"),
    ]
    for change, field in cases:
        data = {"name": "Kho", "url": "https://kho.example.vn/hooks", "events": ALL_EVENTS}
        data.update(change)
        with pytest.raises(ValidationFailed) as error:
            services.webhook_subscription_create(
                actor=desk.user("lanhdao"), agency=desk.department, **data
            )
        assert field in error.value.details
    assert not WebhookCursor.objects.exists()
    with pytest.raises(PermissionDenied):
        services.webhook_subscription_create(
            actor=desk.user("lanhdao"),
            agency=desk.other,
            name="Kho",
            url="https://kho.example.vn/hooks",
            events=ALL_EVENTS,
        )


def test_pages_register_show_the_secret_once_and_replay(desk: Any, receiver: Receiver) -> None:
    client = Client()
    client.force_login(desk.user("lanhdao"))
    answer = client.post(
        "/integrations/webhooks/tao/",
        {
            "name": "Kho dữ liệu",
            "agency": desk.department.pk,
            "url": receiver.url,
            "events": ["dossier.status_changed"],
        },
    )
    assert answer.status_code == 200
    subscription = WebhookSubscription.objects.get(name="Kho dữ liệu")
    assert subscription.secret in answer.content.decode()
    assert "no-store" in answer.get("Cache-Control", "")
    page = client.get(f"/integrations/webhooks/{subscription.pk}/").content.decode()
    assert subscription.secret not in page
    dossier_services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    services.webhook_events_collect()
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    outbox_deliver_one(message_id=delivery.outbox_message_id)
    page = client.get(f"/integrations/webhooks/{subscription.pk}/").content.decode()
    assert delivery.event_id in page and "HTTP 200" in page
    replay = client.post(f"/integrations/webhooks/lan-gui/{delivery.pk}/gui-lai/")
    assert replay.status_code == 302
    delivery.refresh_from_db()
    assert delivery.replays == 1
    # An officer without the role gets 403, on the pages and on the forms.
    client.force_login(desk.user("motcua"))
    assert client.get("/integrations/webhooks/").status_code == 403
    bad = client.post(
        "/integrations/webhooks/tao/",
        {"name": "", "agency": desk.department.pk, "url": "x", "events": []},
    )
    assert bad.status_code == 403
