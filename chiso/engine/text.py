"""Vietnamese text helpers: search without diacritics."""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Lower case, no diacritics, single spaces: what a search box compares.

    >>> fold("Phường Thạc Gián")
    'phuong thac gian'
    >>> fold("  ĐÀ  Nẵng ")
    'da nang'
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", bare).strip().lower()
