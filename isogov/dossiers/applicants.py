"""The applicant's contact and identity data, checked and normalised once for every door. Pure.

The intake web form, the API intake serializer and the intake service all call
``applicant_clean``, so the rules live here only (the number shapes in ``core.vn_ids``).
A dossier needs a phone number or an e-mail: the public lookup asks for one as the second
factor, and every notice goes to them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from isogov.core.vn_ids import (
    CONTACT_REQUIRED,
    InvalidIdentifier,
    normalise_id_number,
    normalise_phone,
)

EMAIL_INVALID = _("Enter a valid e-mail address.")
NAME_REQUIRED = _("Enter the applicant's name.")


@dataclass(frozen=True)
class CleanApplicant:
    name: str
    id_number: str
    phone: str
    email: str


class ApplicantInvalid(ValueError):
    """One or more applicant fields are wrong; ``errors`` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(message for messages in errors.values() for message in messages))
        self.errors = errors


def applicant_clean(
    *, name: str, kind: str, id_number: str, phone: str, email: str
) -> CleanApplicant:
    """The applicant's fields normalised, or ``ApplicantInvalid`` naming each wrong field.

    Field names are the applicant's own: ``name``, ``id_number``, ``phone``, ``email``.
    """
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [str(NAME_REQUIRED)]
    try:
        clean_phone = normalise_phone(phone)
    except InvalidIdentifier as error:
        errors["phone"] = [str(error.message)]
        clean_phone = ""
    # The domain is case-insensitive; the local part is kept as written (RFC 5321 §2.4).
    local, at, domain = email.strip().rpartition("@")
    clean_email = f"{local}{at}{domain.lower()}" if at else email.strip()
    if clean_email:
        try:
            validate_email(clean_email)
        except ValidationError:
            errors["email"] = [str(EMAIL_INVALID)]
    try:
        clean_id = normalise_id_number(id_number, organisation=kind == "organisation")
    except InvalidIdentifier as error:
        errors["id_number"] = [str(error.message)]
        clean_id = ""
    if not phone.strip() and not email.strip():
        errors["phone"] = [str(CONTACT_REQUIRED)]
        errors["email"] = [str(CONTACT_REQUIRED)]
    if errors:
        raise ApplicantInvalid(errors)
    return CleanApplicant(
        name=name.strip(), id_number=clean_id, phone=clean_phone, email=clean_email
    )
