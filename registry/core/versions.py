"""Optimistic locking, shared by every area whose records carry a `version`: a stale edit is refused, never
silently written over someone else's."""
from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext
from sqlalchemy.orm.exc import StaleDataError

from registry.core.errors import Invalid, Stale
from registry.extensions import db


def check_version(record, version) -> None:
    """Stale unless `version` (as sent by the user) is the record's version now."""
    try:
        given = int(version)
    except (TypeError, ValueError):
        raise Invalid(gettext("Please correct the marked fields."), {"version": [gettext("Send the version you read.")]})
    if given != record.version:
        raise Stale(gettext("Someone else changed this record after you opened it. "
                            "Here it is as it is now; make your change again."), record)


def flush_versioned(record, flush: Callable[[], None] | None = None) -> None:
    """Flush (with `flush`, when the caller adds its own handling); Stale, with the record as it is now, when another
    transaction changed it in between."""
    try:
        (flush or db.session.flush)()
    except StaleDataError:
        db.session.rollback()
        current = db.session.get(type(record), record.id)
        raise Stale(gettext("Someone else changed this record while you were saving it. "
                            "Here it is as it is now; make your change again."), current)
