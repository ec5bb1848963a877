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
