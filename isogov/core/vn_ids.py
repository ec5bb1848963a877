"""Vietnamese phone numbers, citizen ID numbers and tax codes: check and normalise. Pure, no ORM.

One home for these rules: the intake web form, the API intake serializer and the intake service
all call this module, so a number accepted at one door is accepted, and stored the same, at all.

- Phone numbers: under the national numbering plan as changed in 2017 (landline area codes
  02xx) and 2018 (11-digit mobile numbers moved to 10 digits), a mobile number has 10 digits
  starting 03, 05, 07, 08 or 09 and a landline 11 digits starting 02. ``+84 912 345 678``,
  ``0084…`` and ``84912345678`` are stored as ``0912345678``.
- Citizen ID (số định danh cá nhân, printed on the căn cước card): 12 digits.
- Tax code (mã số thuế): 10 digits for an organisation, or 13 written ``0101234567-001`` for a
  dependent unit; individuals now use their 12-digit ID number as tax code.

[A] The domain texts the project holds do not quote these rules' articles: the shapes above
are the published ones; no check digit is verified, so that no valid number is ever refused.
"""

from __future__ import annotations

import re

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PHONE_INVALID = _(
    "Enter a Vietnamese phone number: a mobile number of 10 digits starting 03, 05, 07, 08 or "
    "09, or a landline of 11 digits starting 02 (+84 is accepted)."
)
CITIZEN_ID_INVALID = _("The citizen ID number has exactly 12 digits.")
TAX_CODE_INVALID = _("The tax code has 10 digits, or 13 written as 0101234567-001.")
ID_NUMBER_INVALID = _(
    "Enter a 12-digit citizen ID number or a tax code of 10 digits (or 0101234567-001)."
)
CONTACT_REQUIRED = _(
    "Enter the applicant's phone number or e-mail: without one the dossier can be neither "
    "looked up nor notified."
)

MOBILE_PREFIXES = ("03", "05", "07", "08", "09")
LANDLINE_PREFIX = "02"

# Separators people write inside numbers: spaces, dots, dashes, slashes, brackets.
_SEPARATORS = re.compile(r"[\s.\-/()]")


class InvalidIdentifier(ValueError):
    """A value that is not a valid number of its kind; ``message`` says what is expected."""

    def __init__(self, message: Promise | str) -> None:
        super().__init__(str(message))
        self.message = message


def normalise_phone(value: str) -> str:
    """The phone number as 10 or 11 digits starting 0; ``""`` stays ``""``."""
    text = _SEPARATORS.sub("", value.strip())
    if not text:
        return ""
    if text.startswith("+84"):
        text = text[3:]
    elif text.startswith("0084"):  # the international prefix dialled from abroad
        text = text[4:]
    elif text.startswith("84") and len(text) in (11, 12):
        text = text[2:]
    else:
        text = text if text.startswith("0") else "+" + text  # not Vietnamese: refused below
    if text[:1].isdigit() and not text.startswith("0"):
        text = "0" + text
    if not text.isdigit() or not text.startswith("0"):
        raise InvalidIdentifier(PHONE_INVALID)
    if len(text) == 10 and text.startswith(MOBILE_PREFIXES):
        return text
    if len(text) == 11 and text.startswith(LANDLINE_PREFIX):
        return text
    raise InvalidIdentifier(PHONE_INVALID)


def normalise_citizen_id(value: str) -> str:
    """The 12-digit citizen ID number, separators removed."""
    text = _SEPARATORS.sub("", value.strip())
    if len(text) != 12 or not text.isdigit():
        raise InvalidIdentifier(CITIZEN_ID_INVALID)
    return text


def normalise_tax_code(value: str) -> str:
    """The tax code as ``0101234567`` or ``0101234567-001``."""
    text = re.sub(r"[\s.]", "", value.strip())
    digits = text.replace("-", "")
    if not digits.isdigit() or text.count("-") > 1:
        raise InvalidIdentifier(TAX_CODE_INVALID)
    if "-" in text and not re.fullmatch(r"\d{10}-\d{3}", text):
        raise InvalidIdentifier(TAX_CODE_INVALID)
    if len(digits) == 10:
        return digits
    if len(digits) == 13:
        return f"{digits[:10]}-{digits[10:]}"
    raise InvalidIdentifier(TAX_CODE_INVALID)


def normalise_id_number(value: str, *, organisation: bool) -> str:
    """An applicant's identifier: an organisation's tax code, or an individual's citizen ID.

    An individual may also give a tax code (a household business), and an organisation's
    representative a citizen ID; the shape tells which it is. ``""`` stays ``""``.
    """
    text = value.strip()
    if not text:
        return ""
    digits = re.sub(r"[\s.]", "", text)
    if len(digits) == 12 and digits.isdigit():
        return normalise_citizen_id(text)
    try:
        return normalise_tax_code(text)
    except InvalidIdentifier:
        raise InvalidIdentifier(TAX_CODE_INVALID if organisation else ID_NUMBER_INVALID) from None
