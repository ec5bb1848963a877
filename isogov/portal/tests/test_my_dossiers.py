"""“Hồ sơ của tôi”: a one-time link by e-mail or SMS, then the dossiers of the last 12 months;
and the agency's own status texts on the lookup."""

from __future__ import annotations

import re
from typing import Any

import time_machine
from django.test import Client

from isogov.dossiers import services
from isogov.dossiers.models import Dossier
from isogov.dossiers.tests.conftest import at, intake
from isogov.notifications.models import OutboxMessage


def _receive(desk: Any, when: Any, **applicant: str) -> Dossier:
    with time_machine.travel(when, tick=False):
        return services.dossier_receive(actor=desk.user("motcua"), data=intake(desk, **applicant))


def _link(message: OutboxMessage) -> str:
    return re.search(r"https?://\S+(/ho-so-cua-toi/l/[^/\s]+/)", message.body)[1]


def test_a_one_time_link_shows_the_applicants_dossiers_of_the_last_year(
    client: Client, desk: Any
) -> None:
    old = _receive(desk, at(3, 9, 9), phone="0912345678")
    recent = _receive(desk, at(11, 2, 9), phone="0912345678")
    someone_else = _receive(desk, at(11, 2, 10), phone="0987654321", email="khac@example.vn")
    with time_machine.travel(at(5, 3, 9, year=2027), tick=False):
        before = OutboxMessage.objects.count()
        sent = client.post("/ho-so-cua-toi/", {"lien_he": "+84 912 345 678"})
        assert sent.status_code == 200 and 'id="link-sent"' in sent.content.decode()
        message = OutboxMessage.objects.order_by("-id").first()
        assert OutboxMessage.objects.count() == before + 1
        assert message.channel == "sms" and message.recipient == "0912345678"
        # A contact with no dossier gets the same answer and no message.
        unknown = client.post("/ho-so-cua-toi/", {"lien_he": "0933333333"})
        assert unknown.content.decode().count('id="link-sent"') == 1
        assert OutboxMessage.objects.count() == before + 1
        opened = client.get(_link(message), follow=True)
        html = opened.content.decode()
        assert recent.code in html and old.code not in html and someone_else.code not in html
        assert f'href="/tra-cuu/h/{recent.access_token}/"' in html
        # The link works once.
        assert Client().get(_link(message)).status_code == 404
        # Closing forgets the contact on this device.
        client.post("/ho-so-cua-toi/", {"forget": "1"})
        assert recent.code not in client.get("/ho-so-cua-toi/").content.decode()


def test_a_wrong_contact_names_its_field(client: Client, db: Any) -> None:
    response = client.post("/ho-so-cua-toi/", {"lien_he": "không phải số"})
    assert response.status_code == 400 and "lien_he" in response.context["form"].errors


def test_link_requests_are_throttled(client: Client, desk: Any, settings: Any) -> None:
    codes = [
        client.post("/ho-so-cua-toi/", {"lien_he": "0912345678"}).status_code for _ in range(8)
    ]
    limit = settings.ISOGOV_LOOKUP_CODE_FAILURES
    assert codes == [200] * limit + [429] * (8 - limit)


def test_the_agency_administrator_words_the_lookups_statuses(client: Client, desk: Any) -> None:
    dossier = _receive(desk, at(3, 9, 9))
    page = "/quan-tri/van-ban-tra-cuu/"
    client.force_login(desk.user("motcua"))
    denied = client.post(page, {"status": "received", "text": "Không", "version": 0})
    assert denied.status_code == 403
    client.force_login(desk.user("quantri"))
    assert 'id="status-received"' in client.get(page).content.decode()
    saved = client.post(page, {"status": "received", "text": "Sở đã nhận hồ sơ.", "version": 0})
    assert saved.status_code == 302
    stale = client.post(page, {"status": "received", "text": "Khác", "version": 0})
    assert stale.status_code == 400
    too_long = client.post(page, {"status": "received", "text": "x" * 501, "version": 1})
    assert too_long.status_code == 400
    client.logout()
    html = client.get(f"/tra-cuu/h/{dossier.access_token}/").content.decode()
    assert "Sở đã nhận hồ sơ." in html
