"""Text the system writes into records (an escrow rule's findings, an import's note), kept as message ids with their
parameters and shown in each reader's language.

Such a reason is stored as `MARK` and the JSON of `[[msgid, params], ...]`; `shown()` translates it for whoever
reads it, and leaves what a person typed (every other reason) as it is.
"""
from __future__ import annotations

import json

from registry.core.problems import Problem

MARK = "msg:"


def stored(*problems: Problem) -> str:
    """The problems as one reason to store."""
    return MARK + json.dumps([[p.msgid, p.params] for p in problems], ensure_ascii=False)


def shown(text: str | None) -> str | None:
    """A stored reason in the reader's language: system messages translated, people's words unchanged."""
    if not text or not text.startswith(MARK):
        return text
    from flask_babel import gettext

    try:
        messages = json.loads(text[len(MARK):])
        return " ".join(gettext(msgid, **params) for msgid, params in messages)
    except (ValueError, TypeError, KeyError):  # typed by a person to look like one: shown as typed
        return text
