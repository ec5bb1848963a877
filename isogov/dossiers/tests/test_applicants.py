"""Applicant data that works later: every intake door normalises and refuses the same way."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from isogov.core.errors import NotFound, ValidationFailed
from isogov.core.vn_ids import CONTACT_REQUIRED, PHONE_INVALID
from isogov.dossiers import selectors, services
from isogov.dossiers.applicants import ApplicantInvalid, applicant_clean
from isogov.dossiers.models import Dossier

from .apiclient import at, client_for, post_intake
from .conftest import CFS, VN, intake

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 3, 9, 8, tzinfo=VN)


def test_clean_names_every_wrong_field_at_once() -> None:
    with pytest.raises(ApplicantInvalid) as error:
        applicant_clean(name=" ", kind="individual", id_number="12", phone="abc-xyz", email="x@")
    assert set(error.value.errors) == {"name", "id_number", "phone", "email"}
    assert error.value.errors["phone"] == [str(PHONE_INVALID)]


def test_clean_needs_a_phone_or_an_email() -> None:
    with pytest.raises(ApplicantInvalid) as error:
        applicant_clean(name="An", kind="individual", id_number="", phone=" ", email="")
    assert error.value.errors == {
        "phone": [str(CONTACT_REQUIRED)],
        "email": [str(CONTACT_REQUIRED)],
    }
    only_email = applicant_clean(
        name="An", kind="individual", id_number="", phone="", email="a@B.VN"
    )
    assert (only_email.phone, only_email.email) == ("", "a@b.vn")


def test_service_stores_the_normalised_numbers(desk: Any) -> None:
    data = intake(desk, phone="+84 912 345 678", id_number="031 190 001 234")
    with time_machine.travel(MONDAY, tick=False):
        dossier = services.dossier_receive(actor=desk.user("motcua"), data=data)
    dossier.refresh_from_db()
    assert (dossier.applicant_phone, dossier.applicant_id_number) == ("0912345678", "031190001234")


def test_service_refuses_a_dossier_that_could_never_be_looked_up(desk: Any) -> None:
    data = intake(desk, phone="abc-xyz", email="")
    with time_machine.travel(MONDAY, tick=False), pytest.raises(ValidationFailed) as error:
        services.dossier_receive(actor=desk.user("motcua"), data=data)
    assert error.value.details == {"applicant.phone": [str(PHONE_INVALID)]}
    assert not Dossier.objects.exists()


def test_api_intake_with_a_bad_phone_is_400_naming_the_field(desk: Any) -> None:
    response = post_intake(
        client_for(desk, "motcua"), at(3, 9, 8), applicant={"name": "An", "phone": "abc-xyz"}
    )
    assert response.status_code == 400
    details = response.json()["error"]["details"]
    assert details["applicant"]["phone"] == [str(PHONE_INVALID)]
    assert not Dossier.objects.exists()


def test_api_intake_without_phone_or_email_is_400(desk: Any) -> None:
    response = post_intake(client_for(desk, "motcua"), at(3, 9, 8), applicant={"name": "An"})
    assert response.status_code == 400
    details = response.json()["error"]["details"]["applicant"]
    assert details["phone"] == details["email"] == [str(CONTACT_REQUIRED)]


def test_api_intake_stores_the_normalised_tax_code(desk: Any) -> None:
    applicant = {
        "name": "Công ty TNHH Sách Hải Phòng",
        "kind": "organisation",
        "id_number": "0201234567001",
        "phone": "84225 3842111",
    }
    response = post_intake(client_for(desk, "motcua"), at(3, 9, 8), applicant=applicant)
    assert response.status_code == 201
    dossier = Dossier.objects.get()
    assert (dossier.applicant_id_number, dossier.applicant_phone) == (
        "0201234567-001",
        "02253842111",
    )


def _post(client: Client, **extra: str) -> Any:
    data = {
        "procedure": CFS,
        "channel": "in_person",
        "applicant_kind": "individual",
        "applicant_name": "Nguyễn Thị Hồng Nhung",
        "sets_count": "1",
        "paper": ["Đơn đề nghị (theo mẫu)"],
        "originals::Đơn đề nghị (theo mẫu)": "1",
        **extra,
    }
    return client.post("/dossiers/new/", data)


def test_intake_form_shows_the_error_beside_the_phone_field(client: Client, desk: Any) -> None:
    client.force_login(desk.user("motcua"))
    with time_machine.travel(MONDAY, tick=False):
        response = _post(client, applicant_phone="abc-xyz")
    assert response.status_code == 200
    assert response.context["form"].errors["applicant_phone"] == [str(PHONE_INVALID)]
    assert not Dossier.objects.exists()


def test_intake_form_stores_the_normalised_phone(client: Client, desk: Any) -> None:
    client.force_login(desk.user("motcua"))
    with time_machine.travel(MONDAY, tick=False):
        response = _post(client, applicant_phone="+84 912 345 678")
    assert response.status_code == 302
    assert Dossier.objects.get().applicant_phone == "0912345678"


def test_codes_are_matched_whatever_the_letter_case(desk: Any) -> None:
    with time_machine.travel(MONDAY, tick=False):
        dossier = services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    typed = dossier.code.lower()
    assert typed != dossier.code
    assert selectors.dossier_get(user=desk.user("motcua"), code=typed) == dossier
    assert selectors.dossier_lookup_public(code=typed, phone="0912 345 678") == dossier
    with pytest.raises(NotFound):
        selectors.dossier_lookup_public(code=typed, phone="0987 654 321")


def test_public_lookup_by_email_when_there_is_no_phone(desk: Any) -> None:
    with time_machine.travel(MONDAY, tick=False):
        dossier = services.dossier_receive(
            actor=desk.user("motcua"), data=intake(desk, phone="", email="nhung@example.vn")
        )
    assert selectors.dossier_lookup_public(code=dossier.code, phone="Nhung@Example.VN") == dossier
    with pytest.raises(NotFound):
        selectors.dossier_lookup_public(code=dossier.code, phone="khac@example.vn")
    with pytest.raises(NotFound):
        selectors.dossier_lookup_public(code=dossier.code, phone="0912345678")


def test_public_lookup_page_finds_a_lowercase_code_with_the_email(
    client: Client, desk: Any
) -> None:
    with time_machine.travel(MONDAY, tick=False):
        dossier = services.dossier_receive(
            actor=desk.user("motcua"), data=intake(desk, phone="", email="nhung@example.vn")
        )
    found = client.post("/tra-cuu/", {"ma": dossier.code.lower(), "thong_tin": "nhung@example.vn"})
    assert found.context["found"].dossier == dossier
    missed = client.post("/tra-cuu/", {"ma": dossier.code, "thong_tin": "0912345678"})
    assert "found" not in missed.context and missed.context["error"]
