"""What every escrow action shares: its problems as an Invalid, a reason cleaned, a flush that turns a race into
a Conflict."""
from __future__ import annotations

from flask_babel import gettext
from sqlalchemy.exc import IntegrityError

from registry.core.errors import Conflict, Invalid
from registry.core.problems import Problem, translate
from registry.extensions import db


def invalid_fields(problems: dict) -> Invalid:
    return Invalid(gettext("Please correct the marked fields."),
                   {name: [translate(p) if isinstance(p, Problem) else p] for name, p in problems.items()})


def clean_reason(text) -> str:
    return " ".join(text.split()) if isinstance(text, str) else ""


def flush_or_conflict() -> None:
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(gettext("Another change was saved at the same time. Nothing was saved; please try again."))
