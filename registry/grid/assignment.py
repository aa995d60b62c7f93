"""Entering the grid (入格): which cell each institution stands in, kept up to date.

- `assign_all` re-computes every institution at once (after a cell import, and `registry assign-cells`), writing
  only the rows that change: on PostgreSQL through COPY into a temporary table and one INSERT ... ON CONFLICT,
  on SQLite through one executemany (in-process, already fast).
- An institution created, or whose coordinates change, is assigned in the same flush by a session hook; one written in
  bulk past the session (an import) is assigned with its batch when the register says so (`institutions_placed`), in
  the same transaction: no path that writes institutions (form, API, import) can forget it.
- A grid leader's confirmation of a border case holds while the institution stays where it was confirmed.

The cells' index is cached per process and rebuilt when the cells change (their highest revision and id).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from flask import current_app, has_app_context
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from registry.grid.geo import CellIndex
from registry.grid.models import Cell
from registry.register.signals import institutions_placed

DEFAULT_BORDER_M = 30.0
_cache: dict = {}
_cache_lock = threading.Lock()


def _border_setting() -> float:
    if has_app_context():
        return float(current_app.config.get("REGISTRY_GRID_BORDER_M", DEFAULT_BORDER_M))
    return DEFAULT_BORDER_M


def _index_key(connection) -> tuple:
    return tuple(connection.execute(select(func.coalesce(func.max(Cell.revision), 0),
                                           func.coalesce(func.max(Cell.id), 0))).one())


def current_index(connection, *, key: tuple | None = None) -> CellIndex:
    """The cells' index, from the cache unless the cells changed since it was built."""
    key = key or _index_key(connection)
    cached = _cache.get(str(connection.engine.url))
    if cached is not None and cached[0] == key:
        return cached[1]
    import shapely

    rows = connection.execute(select(Cell.id, Cell.code, Cell.level, Cell.geometry).order_by(Cell.id)).all()
    index = CellIndex([r.id for r in rows], [r.code for r in rows], [r.level for r in rows],
                      shapely.from_wkb([r.geometry for r in rows]) if rows else [])
    with _cache_lock:
        _cache[str(connection.engine.url)] = (key, index)
    return index


@dataclass
class Located:
    cell_ids: np.ndarray  # 0 where in no cell
    border_m: np.ndarray  # NaN where not near a border


def locate(connection, lon, lat, *, index: CellIndex | None = None) -> Located:
    import shapely

    index = index or current_index(connection)
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    points = shapely.points(lon, lat)
    found = index.locate(lon, lat, points)
    cell_ids = np.where(found >= 0, index.ids[np.maximum(found, 0)] if len(index) else 0, 0)
    return Located(cell_ids, index.border_distances(lon, lat, found, _border_setting(), points))


def _rows(institution_ids, located: Located) -> list[tuple]:
    """(institution_id, cell_id or None, border_m or None, near_border) rows, built column by column."""
    cells = located.cell_ids.astype(object)
    cells[located.cell_ids == 0] = None
    near = ~np.isnan(located.border_m)
    border = np.round(located.border_m, 1).astype(object)
    border[~near] = None
    return list(zip(np.asarray(institution_ids).tolist(), cells.tolist(), border.tolist(), near.tolist()))


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


def _column(rows, position: int, dtype, missing) -> np.ndarray:
    return np.fromiter((missing if r[position] is None else r[position] for r in rows), dtype=dtype, count=len(rows))


def assign_all(connection, *, method: str = "batched") -> AssignResult:
    """Re-compute the cell of every institution and write the rows that change (compared column by column)."""
    cursor = connection.connection.cursor()
    cursor.execute("SELECT id, longitude, latitude FROM institutions ORDER BY id")
    data = cursor.fetchall()
    ids, lon, lat = (_column(data, i, t, 0) for i, t in ((0, np.int64), (1, float), (2, float)))
    located = locate(connection, lon, lat)

    cursor.execute("SELECT institution_id, cell_id, border_m, confirmed_by_id, confirmed_lon, confirmed_lat "
                   "FROM grid_assignments ORDER BY institution_id")
    stored = cursor.fetchall()
    at = np.searchsorted(ids, _column(stored, 0, np.int64, 0))
    present = np.zeros(len(ids), dtype=bool)
    present[at] = True
    cell, border = np.zeros(len(ids), dtype=np.int64), np.full(len(ids), np.nan)
    cell[at], border[at] = _column(stored, 1, np.int64, 0), _column(stored, 2, float, np.nan)
    confirmed = np.zeros(len(ids), dtype=bool)
    confirmed[at] = _column(stored, 3, np.int64, 0) > 0
    where_confirmed = np.full((len(ids), 2), np.nan)
    where_confirmed[at, 0], where_confirmed[at, 1] = _column(stored, 4, float, np.nan), _column(stored, 5, float, np.nan)
    # A grid leader's confirmation holds while the institution has not moved since.
    kept = confirmed & (cell > 0) & (where_confirmed[:, 0] == lon) & (where_confirmed[:, 1] == lat)
    new_border = np.round(located.border_m, 1)
    same_border = (border == new_border) | (np.isnan(border) & np.isnan(new_border))
    changed = ~kept & (~present | (cell != located.cell_ids) | ~same_border)
    rows = _rows(ids[changed], Located(located.cell_ids[changed], located.border_m[changed]))
    write(connection, rows, method=method)
    assigned = int(np.count_nonzero(located.cell_ids))
    return AssignResult(len(ids), assigned, len(ids) - assigned, int(np.count_nonzero(~np.isnan(located.border_m))),
                        len(rows), int(np.count_nonzero(kept)))


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
    assign_institutions(session.connection(), [o.id for o in moved], [o.longitude for o in moved],
                        [o.latitude for o in moved])


def _assign_placed(sender, connection, ids, longitudes, latitudes, **extra) -> None:
    """A batch of institutions the register wrote in bulk (an import): assigned together, in its transaction."""
    assign_institutions(connection, ids, longitudes, latitudes)


institutions_placed.connect(_assign_placed)


GUARDED = ("INSERT INTO grid_assignments (institution_id, cell_id, border_m, near_border) SELECT * FROM ({values}) AS v "
           "WHERE (SELECT COALESCE(MAX(revision), 0) FROM grid_cells) = {p} AND (SELECT COALESCE(MAX(id), 0) FROM grid_cells) = {p} "
           "ON CONFLICT (institution_id) DO UPDATE SET cell_id = excluded.cell_id, border_m = excluded.border_m, "
           "near_border = excluded.near_border, confirmed_by_id = NULL, confirmed_at = NULL, confirmed_lat = NULL, "
           "confirmed_lon = NULL")


def assign_institutions(connection, ids, lon, lat) -> None:
    """Assign a few institutions as they are saved, in one round trip: located with the cached index, written on
    condition that the cells are still those the index was built from (else rebuilt, and written again)."""
    cached = _cache.get(str(connection.engine.url))
    if cached is None:
        current_index(connection)
        cached = _cache[str(connection.engine.url)]
    key, index = cached
    rows = _rows(ids, locate(connection, lon, lat, index=index))
    p = "%s" if connection.dialect.name == "postgresql" else "?"
    value = f"(CAST({p} AS INTEGER), CAST({p} AS INTEGER), CAST({p} AS DOUBLE PRECISION), CAST({p} AS BOOLEAN))"
    for start in range(0, len(rows), 500):
        chunk = rows[start:start + 500]
        statement = GUARDED.format(values="VALUES " + ", ".join([value] * len(chunk)), p=p)
        written = connection.exec_driver_sql(statement, tuple(v for row in chunk for v in row) + tuple(key)).rowcount
        if written != len(chunk):  # the cells changed since the index was built
            write(connection, _rows(ids, locate(connection, lon, lat)))
            return


def _changed(obj, name: str) -> bool:
    from sqlalchemy import inspect

    history = inspect(obj).attrs[name].history
    return bool(history.added or history.deleted) and history.added != history.deleted
