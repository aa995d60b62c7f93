"""What the search indexes for an institution, computed from its fields (pure functions).

`search_text`: lower-cased name, credit code, permit number, address, legal representative, and the name's pinyin
in full and as initials, so that `xinhua` and `xhys` find 新华艺术培训学校. Terms of three characters or more are
matched anywhere in it (SQLite: an FTS5 trigram index; PostgreSQL: a pg_trgm index).
`name_chars`: the name one character per token, so that terms of one or two characters (too short for
trigrams) are found in the name through an FTS5 phrase query on SQLite.
"""
from __future__ import annotations

from pypinyin import Style, lazy_pinyin

SOURCE_FIELDS = ("name", "credit_code", "permit_number", "address", "legal_representative")
SHORT_TERM = 3  # terms shorter than this match the name only


def pinyin(name: str) -> tuple[str, str]:
    """The name's pinyin, full and initials, lower case without spaces: ("xinhuayishu...", "xhys...")."""
    full = "".join(lazy_pinyin(name)).lower()
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()
    return full, initials


def keys(values: dict) -> dict:
    """The two search columns for an institution's field values."""
    name = values.get("name") or ""
    full, initials = pinyin(name)
    parts = [values.get(field) or "" for field in SOURCE_FIELDS] + [full, initials]
    return {"search_text": " ".join(p for p in parts if p).lower(),
            "name_chars": " ".join(ch for ch in name.lower() if not ch.isspace())}


def terms(query: str) -> list[str]:
    """The terms of a query: words separated by spaces, lower case, at most eight of them."""
    return [t for t in query.lower().split() if t][:8]


def short_latin_terms(query: str) -> list[str]:
    """The Latin words of a query too short to be looked for beyond the name (`gq`): pinyin is found from SHORT_TERM
    letters on, so the search box says so."""
    return [t for t in terms(query) if len(t) < SHORT_TERM and t.isascii() and t.isalpha()]
