"""Text the system writes into records (an escrow rule's findings, an import's note, a conversion's reason, a grid
report's findings, a penalty decision's step), kept as message ids with their parameters and shown in each reader's
language.

Such a text is stored as `MARK` and the JSON of its parts: `[msgid, params]` for a message, a plain string for words
a person typed that belong with it (a grid worker's notes). A parameter may itself be given in each language,
`{"zh": ..., "en": ...}` (a violation type's name). `shown()` translates it for whoever reads it, and leaves what a
person typed (every other text) as it is.
"""
from __future__ import annotations

import json

from registry.core.problems import Problem

MARK = "msg:"
LANGUAGES = frozenset({"zh", "en"})


def stored(*parts: Problem | str) -> str:
    """The messages (and any typed words among them, as plain strings) as one text to store."""
    return MARK + json.dumps([part if isinstance(part, str) else [part.msgid, part.params] for part in parts],
                             ensure_ascii=False)


def in_each_language(*, zh: str, en: str) -> dict:
    """A parameter given in each language, picked by the reader's."""
    return {"zh": zh, "en": en}


def shown(text: str | None) -> str | None:
    """A stored text in the reader's language: system messages translated, people's words unchanged."""
    if not text or not text.startswith(MARK):
        return text
    from flask_babel import get_locale, gettext

    language = "en" if str(get_locale() or "zh").startswith("en") else "zh"

    def value(param):
        return param[language] if isinstance(param, dict) and set(param) == LANGUAGES else param

    try:
        parts = json.loads(text[len(MARK):])
        return " ".join(part if isinstance(part, str) else
                        gettext(part[0], **{name: value(param) for name, param in part[1].items()}) for part in parts)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError):  # typed by a person to look like one
        return text
