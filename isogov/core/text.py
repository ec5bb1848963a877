"""Vietnamese text folding, used by every search in the system.

People type without diacritics ("giay phep"), so every searchable text is stored folded and
every query is folded the same way: lower case, no combining marks, đ → d.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold_vietnamese(text: str | None) -> str:
    """``"Giấy phép Đặc biệt"`` → ``"giay phep dac biet"``."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def search_terms(query: str | None) -> list[str]:
    """The folded words of a search query; a record matches when it contains them all."""
    return [term for term in fold_vietnamese(query).split(" ") if term]


def grouped(number: int) -> str:
    """A whole number with the active language's thousands separator: 9.999 in Vietnamese,
    9,999 in English (the Vietnamese formats group nothing by default)."""
    from django.utils import numberformat
    from django.utils.formats import get_format

    return numberformat.format(
        number,
        decimal_sep=get_format("DECIMAL_SEPARATOR"),
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )
