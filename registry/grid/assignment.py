"""Entering the grid (入格): which cell each institution stands in, kept up to date.

- `assign_all` re-computes every institution at once (after a cell import, and `registry assign-cells`), writing
  only the rows that change: on PostgreSQL through COPY into a temporary table and one INSERT ... ON CONFLICT,
  on SQLite through one executemany (in-process, already fast).
- An institution created, or whose coordinates change, is assigned in the same flush by a session hook, so no
  path that writes institutions (form, API, import) can forget it.
- A grid leader's confirmation of a border case holds while the institution stays where it was confirmed.

The cells' index is cached per process and rebuilt when the cells change (their count and highest revision).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from flask import current_app, has_app_context
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from registry.grid.geo import CellIndex
from registry.grid.models import Cell, CellAssignment

DEFAULT_BORDER_M = 30.0
_cache: dict = {}
_cache_lock = threading.Lock()


def _border_setting() -> float:
    if has_app_context():
        return float(current_app.config.get("REGISTRY_GRID_BORDER_M", DEFAULT_BORDER_M))
    return DEFAULT_BORDER_M


def current_index(connection) -> CellIndex:
    """The cells' index, from the cache unless the cells changed since it was built."""
    key = tuple(connection.execute(select(func.count(Cell.id), func.coalesce(func.max(Cell.revision), 0))).one())
    cache_key = str(connection.engine.url)
    cached = _cache.get(cache_key)
    if cached is not None and cached[0] == key:
        return cached[1]
    import shapely

    rows = connection.execute(select(Cell.id, Cell.code, Cell.level, Cell.geometry).order_by(Cell.id)).all()
    index = CellIndex([r.id for r in rows], [r.code for r in rows], [r.level for r in rows],
                      shapely.from_wkb([r.geometry for r in rows]) if rows else [])
    with _cache_lock:
        _cache[cache_key] = (key, index)
    return index


@dataclass
class Located:
    cell_ids: np.ndarray  # 0 where in no cell
    border_m: np.ndarray  # NaN where not near a border


def locate(connection, lon, lat) -> Located:
    index = current_index(connection)
    found = index.locate(lon, lat)
    cell_ids = np.where(found >= 0, index.ids[np.maximum(found, 0)] if len(index) else 0, 0)
    return Located(cell_ids, index.border_distances(lon, lat, found, _border_setting()))


def _rows(institution_ids, located: Located) -> list[tuple]:
    border = located.border_m
    return [(int(i), int(c) or None, None if np.isnan(b) else round(float(b), 1), not np.isnan(b))
            for i, c, b in zip(institution_ids, located.cell_ids.tolist(), border.tolist())]


# --- writing ------------------------------------------------------------------------------------------------

UPSERT = ("INSERT INTO grid_assignments (institution_id, cell_id, border_m, near_border, confirmed_by_id, confirmed_at, "
          "confirmed_lat, confirmed_lon) {source} ON CONFLICT (institution_id) DO UPDATE SET cell_id = excluded.cell_id, "
          "border_m = excluded.border_m, near_border = excluded.near_border, confirmed_by_id = NULL, "
          "confirmed_at = NULL, confirmed_lat = NULL, confirmed_lon = NULL")


def write(connection, rows: list[tuple], *, method: str = "batched") -> None:
    """Store (institution_id, cell_id, border_m, near_border) rows, clearing any confirmation they replace.

    `method="plain"` is one upsert per row (the benchmark's baseline); "batched" on PostgreSQL copies the rows
    into a temporary table and upserts from it in one statement.
    """
    if not rows:
        return
    if connection.dialect.name == "postgresql" and method == "batched":
        connection.exec_driver_sql(
            "CREATE TEMP TABLE IF NOT EXISTS grid_assignments_in (institution_id integer, cell_id integer, "
            "border_m double precision, near_border boolean) ON COMMIT DROP")
        connection.exec_driver_sql("TRUNCATE grid_assignments_in")
        cursor = connection.connection.cursor()
        with cursor.copy("COPY grid_assignments_in (institution_id, cell_id, border_m, near_border) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        connection.exec_driver_sql(UPSERT.format(
            source="SELECT institution_id, cell_id, border_m, near_border, NULL, NULL, NULL, NULL FROM grid_assignments_in"))
        return
    marker = "%s" if connection.dialect.name == "postgresql" else "?"
    statement = UPSERT.format(source=f"VALUES ({marker}, {marker}, {marker}, {marker}, NULL, NULL, NULL, NULL)")
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.cursor()
        for row in rows:  # the baseline: a round trip per row
            cursor.execute(statement, row)
    else:
        connection.exec_driver_sql(statement, rows)


# --- all institutions ------------------------------------------------------------------------------------------

@dataclass
class AssignResult:
    institutions: int
    assigned: int
    unassigned: int
    near_border: int
    changed: int
    kept_confirmed: int


def assign_all(connection, *, method: str = "batched") -> AssignResult:
    """Re-compute the cell of every institution and write the rows that change."""
    from registry.register.models import Institution

    data = connection.execute(select(Institution.id, Institution.longitude, Institution.latitude)
                              .order_by(Institution.id)).all()
    ids = np.fromiter((r[0] for r in data), dtype=np.int64, count=len(data))
    lon = np.fromiter((r[1] for r in data), dtype=float, count=len(data))
    lat = np.fromiter((r[2] for r in data), dtype=float, count=len(data))
    located = locate(connection, lon, lat)
    current = {r[0]: r[1:] for r in connection.execute(select(
        CellAssignment.institution_id, CellAssignment.cell_id, CellAssignment.border_m, CellAssignment.near_border,
        CellAssignment.confirmed_by_id, CellAssignment.confirmed_lon, CellAssignment.confirmed_lat))}
    changed, kept = [], 0
    for row, x, y in zip(_rows(ids.tolist(), located), lon.tolist(), lat.tolist()):
        before = current.get(row[0])
        if before is not None and before[3] is not None and before[0] is not None and (before[4], before[5]) == (x, y):
            kept += 1  # confirmed by a grid leader, and the institution has not moved since
            continue
        if before is None or tuple(before[:3]) != row[1:]:
            changed.append(row)
    write(connection, changed, method=method)
    assigned = int(np.count_nonzero(located.cell_ids))
    return AssignResult(len(ids), assigned, len(ids) - assigned, int(np.count_nonzero(~np.isnan(located.border_m))),
                        len(changed), kept)


# --- one institution, as it is saved ----------------------------------------------------------------------------

@event.listens_for(Session, "after_flush")
def _assign_saved_institutions(session: Session, flush_context) -> None:
    from registry.register.models import Institution

    moved = [obj for obj in session.new if isinstance(obj, Institution)]
    for obj in session.dirty:
        if isinstance(obj, Institution) and any(_changed(obj, name) for name in ("latitude", "longitude")):
            moved.append(obj)
    if not moved:
        return
    connection = session.connection()
    located = locate(connection, [o.longitude for o in moved], [o.latitude for o in moved])
    write(connection, _rows([o.id for o in moved], located))


def _changed(obj, name: str) -> bool:
    from sqlalchemy import inspect

    history = inspect(obj).attrs[name].history
    return bool(history.added or history.deleted) and history.added != history.deleted
