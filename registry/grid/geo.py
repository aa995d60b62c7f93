"""Geometry of the grid, with no Flask or database: reading GeoJSON cells, checking them, and finding the cell of
many points at once (shapely, vectorized), with geodesic metres from geographiclib/geopy.

The border rule (documented in README.md): a point belongs to every cell whose closed area (inside or on the
border) holds it; of these the finest level wins, and among cells of the same level the smallest code. So a
point on the border shared by cells 330302001 and 330302002 goes to 330302001.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from geographiclib.geodesic import Geodesic
from geopy.distance import geodesic
from shapely.geometry import shape

from registry.core.problems import N_, Problem

# Metres per degree of latitude at its shortest (the equator); longitude is shorter by cos(latitude).
METRES_PER_DEGREE = 110_574.0


# --- areas and distances in metres ------------------------------------------------------------------------

def _ring_area(coords) -> float:
    polygon = Geodesic.WGS84.Polygon()
    for lon, lat in coords[:-1]:
        polygon.AddPoint(lat, lon)
    return abs(polygon.Compute(False, True)[2])


def area_m2(geometry) -> float:
    """The geodesic area of a (multi)polygon on the WGS-84 ellipsoid, in square metres."""
    total = 0.0
    for part in shapely.get_parts(geometry):
        if part.geom_type == "Polygon":
            total += _ring_area(part.exterior.coords) - sum(_ring_area(r.coords) for r in part.interiors)
        elif part.geom_type in ("MultiPolygon", "GeometryCollection"):
            total += area_m2(part)
    return total


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance in metres (WGS-84)."""
    return geodesic((lat1, lon1), (lat2, lon2)).meters


def degrees_within(metres: float, max_abs_lat: float) -> float:
    """A distance in degrees that is at least `metres` anywhere up to `max_abs_lat`: for a cheap first filter."""
    return metres / (METRES_PER_DEGREE * math.cos(math.radians(min(max_abs_lat + 0.5, 89.0))))


# --- reading a GeoJSON file --------------------------------------------------------------------------------

@dataclass
class Feature:
    number: int  # 1-based position in the file
    code: str
    name: str
    geometry: object  # shapely (Multi)Polygon
    repaired: str = ""  # what repairing changed, when it did


@dataclass
class Finding:
    """Something wrong with the file: `feature` names it (code or number); `refuses` unless repaired or allowed."""

    feature: str
    problem: Problem
    kind: str  # invalid | repaired | range | duplicate | overlap | missing | type


@dataclass
class ReadResult:
    features: list[Feature] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _label(number: int, code: str, name: str) -> str:
    return f"#{number} {code} {name}".strip()


def _polygonal(geometry):
    """The polygons of what make_valid returned (it may add lines or points where a ring touched itself)."""
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in ("Polygon", "MultiPolygon")]
    polygons = []
    for part in parts:
        polygons.extend(shapely.get_parts(part))
    if not polygons:
        return None
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def _in_range(geometry) -> bool:
    coords = shapely.get_coordinates(geometry)
    return bool(len(coords)) and bool(np.all((coords[:, 0] >= -180) & (coords[:, 0] <= 180)
                                             & (coords[:, 1] >= -90) & (coords[:, 1] <= 90)))


def _object(value) -> dict:
    """A JSON object as it should be, or an empty one in place of anything else (a file's member may be anything)."""
    return value if isinstance(value, dict) else {}


def read_features(document, *, code_property: str, name_property: str, repair: bool) -> ReadResult:
    """The cells of a GeoJSON FeatureCollection, and every problem found (by feature)."""
    result = ReadResult()
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" \
            or not isinstance(document.get("features"), list):
        result.findings.append(Finding("", Problem(N_("The file is not a GeoJSON FeatureCollection.")), "type"))
        return result
    seen: dict[str, int] = {}
    for number, raw in enumerate(document["features"], start=1):
        raw = _object(raw)
        properties = _object(raw.get("properties"))
        code = str(properties.get(code_property) or "").strip()
        name = str(properties.get(name_property) or "").strip()
        label = _label(number, code, name)
        if not code:
            result.findings.append(Finding(label, Problem(N_("No “%(property)s” property: the cell has no code."),
                                                          {"property": code_property}), "missing"))
            continue
        if not name:
            name = code
        if code in seen:
            result.findings.append(Finding(label, Problem(N_("Code %(code)s is used again (first by feature #%(first)s)."),
                                                          {"code": code, "first": seen[code]}), "duplicate"))
            continue
        seen[code] = number
        geometry_json = _object(raw.get("geometry"))
        if geometry_json.get("type") not in ("Polygon", "MultiPolygon"):
            result.findings.append(Finding(label, Problem(N_("The geometry is %(type)s; a cell is a Polygon or MultiPolygon."),
                                                          {"type": geometry_json.get("type") or "none"}), "type"))
            continue
        try:
            geometry = shape(geometry_json)
        except (ValueError, TypeError, AttributeError, IndexError, KeyError, shapely.errors.GEOSException) as error:
            result.findings.append(Finding(label, Problem(N_("The geometry cannot be read: %(reason)s."),
                                                          {"reason": str(error)}), "invalid"))
            continue
        if not _in_range(geometry):
            result.findings.append(Finding(label, Problem(N_(
                "Coordinates outside longitude −180…180 / latitude −90…90 (are longitude and latitude swapped?).")), "range"))
            continue
        feature = Feature(number, code, name, geometry)
        if not shapely.is_valid(geometry):
            reason = shapely.is_valid_reason(geometry)
            if not repair:
                result.findings.append(Finding(label, Problem(N_("Invalid geometry: %(reason)s."), {"reason": reason}), "invalid"))
                continue
            repaired = _polygonal(shapely.make_valid(geometry))
            if repaired is None or repaired.is_empty:
                result.findings.append(Finding(label, Problem(N_("Invalid geometry that cannot be repaired: %(reason)s."),
                                                              {"reason": reason}), "invalid"))
                continue
            before, after = area_m2(shapely.buffer(geometry, 0)), area_m2(repaired)
            feature.geometry = repaired
            feature.repaired = reason
            result.findings.append(Finding(label, Problem(N_(
                "Repaired (%(reason)s): now %(parts)s polygon(s), area %(before)s m² → %(after)s m²."),
                {"reason": reason, "parts": len(shapely.get_parts(repaired)),
                 "before": f"{before:,.0f}", "after": f"{after:,.0f}"}), "repaired"))
        result.features.append(feature)
    return result


def overlaps(named: list[tuple[str, object]], others: list[tuple[str, object]], tolerance_m2: float) -> list[Finding]:
    """Pairs of cells that overlap by more than `tolerance_m2`: within `named`, and between `named` and `others`."""
    if not named:
        return []
    everything = named + others
    geometries = np.array([g for _, g in everything], dtype=object)
    tree = shapely.STRtree(geometries)
    left, right = tree.query(geometries[:len(named)], predicate="intersects")
    findings = []
    for i, j in zip(left.tolist(), right.tolist()):
        if i == j or (j < len(named) and j < i):
            continue  # itself, or a pair within the file already seen the other way round
        shared = shapely.intersection(geometries[i], geometries[j])
        area = area_m2(shared) if not shared.is_empty else 0.0
        if area > tolerance_m2:
            findings.append(Finding(everything[i][0], Problem(N_("Overlaps %(other)s by %(area)s m²."),
                                                              {"other": everything[j][0], "area": f"{area:,.0f}"}), "overlap"))
    return findings


def wkb_of(geometry) -> tuple[bytes, str]:
    data = shapely.to_wkb(geometry)
    return data, hashlib.sha256(data).hexdigest()


# --- locating points ----------------------------------------------------------------------------------------

class CellIndex:
    """The cells, ready to locate many points at once: an STRtree over prepared polygons.

    `locate` finds each point's cell by the border rule: candidates by bounding box from the tree, then one
    vectorized `intersects_xy` over all (point, cell) candidate pairs on prepared geometries, then the best
    cell per point by (level descending, code ascending) with a sort. No Python loop over cells or points.
    """

    def __init__(self, ids, codes, levels, geometries):
        self.ids = np.asarray(ids, dtype=np.int64)
        self.codes = list(codes)
        self.geometries = np.asarray(geometries, dtype=object)
        if len(self.ids):
            shapely.prepare(self.geometries)
        order = sorted(range(len(self.ids)), key=lambda i: (-levels[i], self.codes[i]))
        self.rank = np.empty(len(self.ids), dtype=np.int64)
        self.rank[order] = np.arange(len(self.ids))
        self.tree = shapely.STRtree(self.geometries)
        self._boundaries = None

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def boundaries(self):
        if self._boundaries is None:
            self._boundaries = shapely.boundary(self.geometries)
            shapely.prepare(self._boundaries)
        return self._boundaries

    def locate(self, lon, lat, points=None) -> np.ndarray:
        """Each point's cell position in this index (-1: in no cell); `points` may pass shapely.points(lon, lat)."""
        lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        found = np.full(len(lon), -1, dtype=np.int64)
        if not len(self.ids) or not len(lon):
            return found
        points, cells = self.tree.query(shapely.points(lon, lat) if points is None else points)
        inside = shapely.intersects_xy(self.geometries[cells], lon[points], lat[points])
        points, cells = points[inside], cells[inside]
        # Most points lie in one cell; only those in several (nested cells, borders) need the rule's sort.
        several = np.bincount(points, minlength=len(lon))[points] > 1
        found[points[~several]] = cells[~several]
        points, cells = points[several], cells[several]
        if len(points):
            order = np.lexsort((self.rank[cells], points))
            points, cells = points[order], cells[order]
            first = np.ones(len(points), dtype=bool)
            first[1:] = points[1:] != points[:-1]
            found[points[first]] = cells[first]
        return found

    def border_distances(self, lon, lat, found, metres: float, points=None) -> np.ndarray:
        """Metres from each point to the nearest cell border when closer than `metres` (NaN otherwise).

        For a point in a cell, the border of its own cell; for a point in none, the nearest cell's edge. A cheap
        test in degrees picks the candidates; their distances are then measured on the ellipsoid.
        """
        lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        result = np.full(len(lon), np.nan)
        if not len(self.ids) or not len(lon) or metres <= 0:
            return result
        reach = degrees_within(metres, float(np.max(np.abs(lat))))
        points = shapely.points(lon, lat) if points is None else points
        inside = np.flatnonzero(found >= 0)
        near = inside[shapely.dwithin(self.boundaries[found[inside]], points[inside], reach)]
        outside = np.flatnonzero(found < 0)
        hits, cells = self.tree.query(points[outside], predicate="dwithin", distance=reach) if len(outside) \
            else (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
        which = np.concatenate([near, outside[hits]])
        edges = np.concatenate([self.boundaries[found[near]], self.boundaries[cells]])
        if not len(which):
            return result
        nearest = shapely.get_coordinates(shapely.shortest_line(edges, points[which])).reshape(-1, 2, 2)[:, 0, :]
        d = short_distances_m(lat[which], lon[which], nearest[:, 1], nearest[:, 0])
        keep = d <= metres
        np.fmin.at(result, which[keep], d[keep])
        return result


def short_distances_m(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Metres between nearby points (up to a few km) on the WGS-84 ellipsoid, vectorized: the local radii of
    curvature at the mean latitude, exact to well under a millimetre at the tens of metres of a border check."""
    a, e2 = 6_378_137.0, 6.694_379_990_14e-3
    phi = np.radians((np.asarray(lat1) + np.asarray(lat2)) / 2)
    w = np.sqrt(1 - e2 * np.sin(phi) ** 2)
    meridian, normal = a * (1 - e2) / w ** 3, a / w
    dy = np.radians(np.asarray(lat2) - np.asarray(lat1)) * meridian
    dx = np.radians(np.asarray(lon2) - np.asarray(lon1)) * normal * np.cos(phi)
    return np.hypot(dx, dy)
