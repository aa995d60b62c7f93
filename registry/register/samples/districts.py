"""The districts institutions are placed in (from a GeoJSON of a city), and points drawn inside one."""
from __future__ import annotations

import json
import random
from collections import deque
from dataclasses import dataclass
from pathlib import Path
import shapely

from shapely.geometry import shape


@dataclass(frozen=True)
class District:
    code: str  # 6-digit administrative division code (adcode)
    name: str
    geometry: object  # shapely (Multi)Polygon in WGS-84 lon/lat


def load_districts(geojson_path: str | Path) -> list[District]:
    """Districts of a GeoJSON FeatureCollection whose features carry `adcode` and `name`.

    An invalid polygon (real boundary files have them) is repaired with make_valid so that
    point-in-polygon tests are well defined.
    """
    with open(geojson_path, encoding="utf-8") as f:
        collection = json.load(f)
    districts = []
    for feature in collection["features"]:
        geometry = shape(feature["geometry"])
        if not geometry.is_valid:
            geometry = shapely.make_valid(geometry, method="structure", keep_collapsed=False)
        props = feature["properties"]
        districts.append(District(code=str(props["adcode"]), name=props["name"], geometry=geometry))
    return districts


class PointSampler:
    """Random points strictly inside one district, found by rejection sampling in batches.

    Candidates are drawn in the bounding box and tested together with one vectorised
    `shapely.contains_xy` call on the prepared geometry; rounding to 6 decimals comes before the
    test so the published coordinates themselves lie inside.
    """

    BATCH = 256

    def __init__(self, geometry, rng: random.Random):
        shapely.prepare(geometry)
        self.geometry = geometry
        self.bounds = geometry.bounds
        self.rng = rng
        self.pool: deque[tuple[float, float]] = deque()

    def next_point(self) -> tuple[float, float]:
        while not self.pool:
            self._refill()
        return self.pool.popleft()

    def _refill(self) -> None:
        minx, miny, maxx, maxy = self.bounds
        uniform = self.rng.uniform
        xs = [round(uniform(minx, maxx), 6) for _ in range(self.BATCH)]
        ys = [round(uniform(miny, maxy), 6) for _ in range(self.BATCH)]
        inside = shapely.contains_xy(self.geometry, xs, ys)
        self.pool.extend((x, y) for x, y, ok in zip(xs, ys, inside) if ok)
