"""The webhook API for machine clients: an API key's scope and its agency's boundary."""

from __future__ import annotations

from typing import Any

from isogov.accounts.models import ApiKeyScope
from isogov.accounts.tests.test_api_keys import client_with, issue
from isogov.integrations.webhooks.models import WebhookDelivery

from .test_webhooks import subscribe

DELIVERIES = "/api/v1/integrations/webhooks/deliveries/"


def test_scopes_and_the_agency_boundary(demo: Any) -> None:
    _reader, reader_credentials = issue(demo, scopes=[ApiKeyScope.READ])
    _key, receiver_credentials = issue(demo, scopes=[ApiKeyScope.RECEIVE_WEBHOOKS])
    _other, other_credentials = issue(
        demo, scopes=[ApiKeyScope.RECEIVE_WEBHOOKS], agency=demo.other
    )
    subscription, _secret = subscribe(demo, "https://kho.example.vn/hooks")
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event_id="1.dossier.step", event_type="dossier.step", body="{}"
    )
    # Without the scope: 403.
    assert client_with(reader_credentials).get(DELIVERIES).status_code == 403
    listed = client_with(receiver_credentials).get(DELIVERIES)
    assert listed.status_code == 200
    assert [row["event_id"] for row in listed.json()["results"]] == ["1.dossier.step"]
    # Another agency's key sees none of it, and its replay is a 404.
    assert client_with(other_credentials).get(DELIVERIES).json()["results"] == []
    replay = f"{DELIVERIES}{delivery.pk}/replay/"
    assert client_with(other_credentials).post(replay).status_code == 404
    assert client_with(receiver_credentials).post(replay).status_code == 202
    delivery.refresh_from_db()
    assert delivery.replays == 1
