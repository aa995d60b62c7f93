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

    def place(self, longitude: float, latitude: float, chosen: str) -> Placement:
        """Where the point lies for the chosen district; within the border margin of the chosen one counts as in it."""
        margin_m = float(current_app.config.get("REGISTRY_GRID_BORDER_M", DEFAULT_BORDER_M))
        point = shapely.Point(longitude, latitude)
        mine = self.position.get(chosen)
        # A boundary is drawn, a door is not: a point just outside the chosen district's is taken as in it.
        if mine is not None and shapely.dwithin(self.geometries[mine], point, degrees_within(margin_m, abs(latitude))):
            return Placement(found=chosen, chosen_bounded=True)
        holding = sorted(self.codes[i] for i in self.tree.query(point, predicate="intersects"))
        return Placement(found=holding[0] if holding else None, chosen_bounded=mine is not None)


def boundaries() -> Boundaries | None:
    """The districts' boundaries as they are now (the register's `places` hook); None when none is loaded."""
    connection = db.session.connection()
    key = _index_key(connection)
    url = str(connection.engine.url)
    cached = _cache.get(url)
    if cached is not None and cached[0] == key:
        return cached[1]
    rows = connection.execute(select(Cell.code, Cell.geometry).where(Cell.code.in_(select(District.code)))
                              .order_by(Cell.code)).all()
    found = Boundaries([r.code for r in rows], shapely.from_wkb([r.geometry for r in rows])) if rows else None
    with _cache_lock:
        _cache[url] = (key, found)
    return found
