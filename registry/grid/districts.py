"""Which district a point lies in, from the district-level cells (cells whose code is a district's code, as the
districts' GeoJSON is imported): the answer the register asks for through `registry.register.places`.

The boundaries are cached per process beside the cells' index and rebuilt when the cells change (the same key)."""
from __future__ import annotations

import threading

import shapely
from flask import current_app
from sqlalchemy import select

from registry.extensions import db
from registry.grid.assignment import DEFAULT_BORDER_M, _index_key
from registry.grid.geo import degrees_within
from registry.grid.models import Cell
from registry.register.models import District
from registry.register.places import Placement

_cache: dict = {}
_cache_lock = threading.Lock()


class Boundaries:
    """The districts' boundaries, ready to place a point: an STRtree over prepared polygons."""

    def __init__(self, codes: list[str], geometries):
        self.codes = codes
        self.position = {code: i for i, code in enumerate(codes)}
        self.geometries = geometries
        shapely.prepare(geometries)
        self.tree = shapely.STRtree(geometries)

    def place(self, longitude: float, latitude: float, chosen: str, margin_m: float) -> Placement:
        point = shapely.Point(longitude, latitude)
        mine = self.position.get(chosen)
        # Within the margin of the chosen district's border counts as in it: a boundary is drawn, a door is not.
        if mine is not None and shapely.dwithin(self.geometries[mine], point, degrees_within(margin_m, abs(latitude))):
            return Placement(found=chosen, chosen_bounded=True)
        holding = sorted(self.codes[i] for i in self.tree.query(point, predicate="intersects"))
        return Placement(found=holding[0] if holding else None, chosen_bounded=mine is not None)


def _boundaries() -> Boundaries | None:
    connection = db.session.connection()
    key = _index_key(connection)
    url = str(connection.engine.url)
    cached = _cache.get(url)
    if cached is not None and cached[0] == key:
        return cached[1]
    rows = connection.execute(select(Cell.code, Cell.geometry).where(Cell.code.in_(select(District.code)))
                              .order_by(Cell.code)).all()
    boundaries = Boundaries([r.code for r in rows], shapely.from_wkb([r.geometry for r in rows])) if rows else None
    with _cache_lock:
        _cache[url] = (key, boundaries)
    return boundaries


def locate(longitude: float, latitude: float, chosen: str) -> Placement | None:
    """Where the point lies for the chosen district; None when no district's boundary is loaded."""
    boundaries = _boundaries()
    if boundaries is None:
        return None
    return boundaries.place(longitude, latitude, chosen, float(current_app.config.get("REGISTRY_GRID_BORDER_M", DEFAULT_BORDER_M)))
