"""Vietnamese phone numbers, citizen ID numbers and tax codes: each rule, by name."""

from __future__ import annotations

import pytest

from isogov.core.vn_ids import (
    CITIZEN_ID_INVALID,
    ID_NUMBER_INVALID,
    PHONE_INVALID,
    TAX_CODE_INVALID,
    InvalidIdentifier,
    normalise_citizen_id,
    normalise_id_number,
    normalise_phone,
    normalise_tax_code,
)

PHONES = {
    "mobile_as_written": ("0912345678", "0912345678"),
    "mobile_with_spaces_and_dots": ("0912 345.678", "0912345678"),
    "mobile_03_prefix_after_2018_renumbering": ("0352-123-456", "0352123456"),
    "mobile_plus_84": ("+84 912 345 678", "0912345678"),
    "mobile_84_without_plus": ("84912345678", "0912345678"),
    "mobile_0084_dialled_from_abroad": ("0084912345678", "0912345678"),
    "mobile_plus_84_with_bracketed_zero": ("+84 (0) 912 345 678", "0912345678"),
    "landline_hai_phong_0225": ("0225 3 842 111", "02253842111"),
    "landline_ha_noi_024_plus_84": ("+84 24 3825 1234", "02438251234"),
    "blank_stays_blank": ("  ", ""),
}


@pytest.mark.parametrize("rule", PHONES)
def test_phone_is_normalised(rule: str) -> None:
    given, stored = PHONES[rule]
    assert normalise_phone(given) == stored


BAD_PHONES = {
    "letters": "abc-xyz",
    "mobile_with_nine_digits": "091234567",
    "mobile_with_eleven_digits_old_plan": "01912345678",
    "mobile_prefix_01_retired_in_2018": "0123456789",
    "mobile_prefix_04_not_allocated": "0412345678",
    "landline_with_ten_digits": "0225384211",
    "no_leading_zero": "912345678",
    "foreign_number": "+33 1 23 45 67 89",
}


@pytest.mark.parametrize("rule", BAD_PHONES)
def test_phone_is_refused(rule: str) -> None:
    with pytest.raises(InvalidIdentifier) as error:
        normalise_phone(BAD_PHONES[rule])
    assert error.value.message == PHONE_INVALID


def test_citizen_id_has_twelve_digits() -> None:
    assert normalise_citizen_id("031 190 001 234") == "031190001234"
    for bad in ("031190001", "0311900012345", "03119000123A"):
        with pytest.raises(InvalidIdentifier) as error:
            normalise_citizen_id(bad)
        assert error.value.message == CITIZEN_ID_INVALID


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("0101234567", "0101234567"),
        ("0101234567-001", "0101234567-001"),
        ("0101234567001", "0101234567-001"),
        ("0101 234 567 - 001", "0101234567-001"),
    ],
)
def test_tax_code_ten_or_thirteen_digits(given: str, stored: str) -> None:
    assert normalise_tax_code(given) == stored


@pytest.mark.parametrize("bad", ["010123456", "0101234567-01", "01012345-67001", "MST0101234567"])
def test_tax_code_of_another_shape_is_refused(bad: str) -> None:
    with pytest.raises(InvalidIdentifier) as error:
        normalise_tax_code(bad)
    assert error.value.message == TAX_CODE_INVALID


def test_id_number_by_shape_and_by_applicant_kind() -> None:
    assert normalise_id_number("031190001234", organisation=False) == "031190001234"
    assert normalise_id_number("0101234567001", organisation=True) == "0101234567-001"
    # A household business gives its tax code; a company's representative a citizen ID.
    assert normalise_id_number("0101234567", organisation=False) == "0101234567"
    assert normalise_id_number("031190001234", organisation=True) == "031190001234"
    assert normalise_id_number("", organisation=False) == ""
    with pytest.raises(InvalidIdentifier) as person:
        normalise_id_number("123456789", organisation=False)  # the retired 9-digit ID card
    assert person.value.message == ID_NUMBER_INVALID
    with pytest.raises(InvalidIdentifier) as company:
        normalise_id_number("0101234567-01", organisation=True)
    assert company.value.message == TAX_CODE_INVALID
