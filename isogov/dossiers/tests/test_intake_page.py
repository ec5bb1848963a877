"""The intake page: only the chosen procedure's channels, and each paper's template file."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from isogov.dossiers.models import Dossier

from .conftest import CFS

pytestmark = pytest.mark.django_db

FULLY_ONLINE = "1.001976"  # in person, by post, fully online (CFS: partly online)


def _options(html: str) -> list[str]:
    select = re.search(r'<select name="channel" id="id_channel"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    return re.findall(r'<option value="([a-z_]+)"', select.group(1))


def test_choosing_a_procedure_swaps_in_its_own_channels(client: Client, desk: Any) -> None:
    client.force_login(desk.user("motcua"))
    cfs = client.get("/dossiers/new/checklist/", {"procedure": CFS, "channel": "in_person"})
    html = cfs.content.decode()
    assert 'hx-swap-oob="true"' in html  # htmx replaces the channel list out of band
    assert _options(html) == ["in_person", "postal", "online_partial"]
    other = client.get(
        "/dossiers/new/checklist/", {"procedure": FULLY_ONLINE, "channel": "online_partial"}
    ).content.decode()
    # The channel asked for is not the procedure's: its first channel is chosen instead.
    assert _options(other) == ["in_person", "postal", "online_full"]
    assert re.search(r'<option value="in_person" selected>', other)
    assert 'id="appointment-preview"' in other


def test_a_channel_the_procedure_does_not_offer_is_refused_naming_the_field(
    client: Client, desk: Any
) -> None:
    client.force_login(desk.user("motcua"))
    response = client.post(
        "/dossiers/new/",
        {
            "procedure": CFS,
            "channel": "online_full",
            "applicant_kind": "individual",
            "applicant_name": "Nguyễn Thị Hồng Nhung",
            "applicant_phone": "0912345678",
            "sets_count": "1",
            "paper": ["Đơn đề nghị (theo mẫu)"],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert _options(html) == ["in_person", "postal", "online_partial"]
    assert "errorlist" in html.split('id="id_channel"', 1)[1].split("</p>", 1)[0]
    assert not Dossier.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_channel_list_follows_the_procedure_in_the_browser(
    live_server: Any, page: Any, desk: Any
) -> None:
    from isogov.accounts.demo import DEMO_PASSWORD

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "motcua")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/")
    page.goto(f"{live_server.url}/dossiers/new/")
    page.select_option("#id_procedure", FULLY_ONLINE)
    page.wait_for_function("!document.querySelector('#id_channel option[value=online_partial]')")
    values = page.eval_on_selector_all("#id_channel option", "els => els.map(e => e.value)")
    assert values == ["in_person", "postal", "online_full"]
    page.select_option("#id_procedure", CFS)
    page.wait_for_function("!document.querySelector('#id_channel option[value=online_full]')")
    values = page.eval_on_selector_all("#id_channel option", "els => els.map(e => e.value)")
    assert values == ["in_person", "postal", "online_partial"]
    # The swapped list still drives the checklist: choosing by post refreshes the appointment.
    page.select_option("#id_channel", "postal")
    page.wait_for_selector("#appointment-preview")


def test_each_paper_with_a_form_template_offers_it_at_intake(
    client: Client, desk: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from isogov.catalog.models import Paper

    settings.MEDIA_ROOT = str(tmp_path)
    path = default_storage.save("catalog/templates/don-de-nghi.docx", ContentFile(b"mau don"))
    form = Paper.objects.filter(version__procedure__code=CFS, name="Đơn đề nghị (theo mẫu)")
    assert form.update(template=path) == 1
    client.force_login(desk.user("motcua"))
    html = client.get(
        "/dossiers/new/checklist/", {"procedure": CFS, "channel": "in_person"}
    ).content.decode()
    links = re.findall(r'<a class="paper-template" href="([^"]+)"', html)
    assert links == [f"/thu-tuc/{CFS}/mau/{form.get().pk}/"]  # the other paper has none
    assert "Tải mẫu đơn" in html
    response = client.get(links[0])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"mau don"
