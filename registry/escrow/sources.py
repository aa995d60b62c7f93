"""Where a statement or a charge came from ("typed in", "imported from FILE"): the system's words, kept as a message
and read in each reader's language (registry.core.messages)."""
from __future__ import annotations

from registry.core.messages import stored
from registry.core.problems import N_, Problem

SOURCE_LIMIT = 200  # the column's length
FILE_NAME_LIMIT = 120  # of a file's name within it, leaving room for the message


def typed_in() -> str:
    return stored(Problem(N_("typed in")))


def imported_from(source: str | None) -> str:
    return stored(Problem(N_("imported from %(source)s"), {"source": (source or "CSV")[:FILE_NAME_LIMIT]}))


def source_of(given: str | None) -> str:
    """A source a caller names ("API"), or typed in; within the column."""
    return given[:SOURCE_LIMIT] if given else typed_in()
