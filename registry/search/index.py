"""Keeping the search columns in step with the institution: on every ORM insert and update here, and in the
bulk import through `keys()`. The database's own indexes (FTS5 triggers, pg_trgm) follow those columns."""
from __future__ import annotations

from sqlalchemy import event, inspect

from registry.register.models import Institution
from registry.register.search_keys import SOURCE_FIELDS, keys


def _values(institution: Institution) -> dict:
    return {field: getattr(institution, field) for field in SOURCE_FIELDS}


@event.listens_for(Institution, "before_insert")
def _on_insert(mapper, connection, institution: Institution) -> None:
    for column, value in keys(_values(institution)).items():
        setattr(institution, column, value)


@event.listens_for(Institution, "before_update")
def _on_update(mapper, connection, institution: Institution) -> None:
    state = inspect(institution)
    if any(state.attrs[field].history.has_changes() for field in SOURCE_FIELDS):
        for column, value in keys(_values(institution)).items():
            setattr(institution, column, value)
