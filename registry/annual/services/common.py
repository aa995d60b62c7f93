"""What the annual inspection's actions share: the standard and thresholds in force, reading input, scoping lists."""
from __future__ import annotations

from datetime import date
from functools import lru_cache

from flask import current_app
from flask_babel import gettext

from registry.annual import rules
from registry.config import PROJECT_ROOT
from registry.core import authz
from registry.core.dates import parse_day
from registry.core.errors import Invalid
from registry.core.problems import Problem, translate

STANDARD_FILE = PROJECT_ROOT / "fixtures" / "annual_standard.csv"
TEXT_LIMIT = 2000


@lru_cache(maxsize=1)
def _standard_from(path: str, mtime: float) -> tuple[rules.Item, ...]:
    with open(path, encoding="utf-8-sig") as handle:
        return rules.read_standard(handle.read())


def standard() -> tuple[rules.Item, ...]:
    """The scored standard in force (fixtures/annual_standard.csv, read again when the file changes)."""
    path = current_app.config.get("REGISTRY_ANNUAL_STANDARD") or STANDARD_FILE
    return _standard_from(str(path), path.stat().st_mtime if hasattr(path, "stat") else 0.0)


def thresholds() -> rules.Thresholds:
    return rules.Thresholds(passed=current_app.config.get("REGISTRY_ANNUAL_PASS_POINTS", 70),
                            basic=current_app.config.get("REGISTRY_ANNUAL_BASIC_POINTS", 60))


def invalid(problems: dict) -> Invalid:
    return Invalid(gettext("Please correct the marked fields."),
                   {name: [translate(p) if isinstance(p, Problem) else p] for name, p in problems.items()})


def day(raw: dict, name: str, problems: dict, *, required: bool = False, not_after: date | None = None) -> date | None:
    try:
        value = parse_day(raw.get(name))
    except (ValueError, TypeError):
        problems[name] = gettext("Enter a date as YYYY-MM-DD.")
        return None
    if value is None and required:
        problems[name] = gettext("Give the date.")
    elif value is not None and not_after is not None and value > not_after:
        problems[name] = gettext("The date cannot be in the future.")
    return value


def text(raw: dict, name: str, problems: dict, *, required: str | None = None, limit: int = TEXT_LIMIT) -> str:
    value = raw.get(name)
    value = " ".join(value.split()) if isinstance(value, str) else ""
    if not value and required:
        problems[name] = required
    elif len(value) > limit:
        problems[name] = gettext("At most %(limit)s characters.", limit=limit)
    return value


def department_condition(user, column):
    """The WHERE clause of the records of the departments `user` may read (None: all). An office's scope (issue 16)
    will narrow this by its districts."""
    scope = authz.institution_scope(user)
    if scope.all:
        return None
    return column.in_(scope.departments) if scope.departments else column.is_(None)
