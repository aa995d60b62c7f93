"""Importing grid cells from a GeoJSON FeatureCollection, all or nothing.

Refused, with every problem named by feature: a file that is not a FeatureCollection, a feature without code,
a duplicate code, a geometry that is not a (Multi)Polygon, coordinates out of range, an invalid geometry
(unless `repair`, which makes it valid and says what changed), and cells of the same level overlapping each
other or cells already stored by more than the tolerance (unless `allow_overlaps`). The code is the key:
importing a file again updates its cells. Every institution is then re-assigned.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import shapely
from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select

from registry.core import audit, authz
from registry.core.errors import Invalid
from registry.core.problems import translate
from registry.extensions import db
from registry.grid import assignment, geo
from registry.grid.models import Cell

REFUSING = {"type", "missing", "duplicate", "range", "invalid"}


@dataclass
class CellImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    findings: list[tuple[str, str, str]] = field(default_factory=list)  # (feature, kind, message)
    written: bool = False
    assignment: assignment.AssignResult | None = None

    @property
    def errors(self) -> list[tuple[str, str, str]]:
        return [f for f in self.findings if f[1] != "repaired"]


class CellImportRefused(Invalid):
    """The file has problems and nothing was written; `report` lists them."""

    def __init__(self, report: CellImportReport):
        super().__init__(gettext("%(count)s problems in the file; no cell was imported.", count=len(report.errors)), {})
        self.report = report


def _document(data: bytes | str | dict):
    if isinstance(data, dict):
        return data
    try:
        return json.loads(data)
    except (UnicodeDecodeError, ValueError) as error:
        raise Invalid(gettext("The file is not valid JSON: %(error)s", error=str(error)),
                      {"file": [gettext("Choose a GeoJSON file (.geojson or .json).")]})
    except RecursionError:
        message = gettext("The file's JSON is nested too deeply to be GeoJSON.")
        raise Invalid(message, {"file": [message]}) from None


def _parent(code: str | None) -> Cell | None:
    if not code:
        return None
    parent = db.session.scalar(select(Cell).where(Cell.code == code))
    if parent is None:
        raise Invalid(gettext("There is no cell with code %(code)s.", code=code),
                      {"parent": [gettext("There is no cell with code %(code)s.", code=code)]})
    return parent


def _stored_neighbours(level: int, codes: set[str], features: list[geo.Feature]) -> list[tuple[str, object]]:
    """Stored cells of the same level, not in the file, whose boxes touch the file's."""
    if not features:
        return []
    min_lon, min_lat, max_lon, max_lat = shapely.total_bounds([f.geometry for f in features])
    rows = db.session.execute(select(Cell.code, Cell.name, Cell.geometry).where(
        Cell.level == level, Cell.max_lon >= min_lon, Cell.min_lon <= max_lon,
        Cell.max_lat >= min_lat, Cell.min_lat <= max_lat)).all()
    return [(f"{r.code} {r.name}", shapely.from_wkb(r.geometry)) for r in rows if r.code not in codes]


def import_cells(user, data: bytes | str | dict, *, code_property: str = "adcode", name_property: str = "name",
                 parent_code: str | None = None, repair: bool = False, allow_overlaps: bool = False,
                 source: str = "") -> CellImportReport:
    """Import (or update, by code) the cells of a GeoJSON file under `parent_code`, then re-assign institutions."""
    if user is not None:
        authz.require(user, "grid.manage")
    document = _document(data)
    parent = _parent(parent_code)
    level = parent.level + 1 if parent else 0
    read = geo.read_features(document, code_property=code_property, name_property=name_property, repair=repair)
    findings = list(read.findings)
    codes = {f.code for f in read.features}
    tolerance = current_app.config.get("REGISTRY_GRID_OVERLAP_M2", 100.0)
    findings += geo.overlaps([(f"{f.code} {f.name}", f.geometry) for f in read.features],
                             _stored_neighbours(level, codes, read.features), tolerance)
    report = CellImportReport(findings=[(f.feature, f.kind, translate(f.problem)) for f in findings])
    refusing = REFUSING | ({"overlap"} if not allow_overlaps else set())
    if any(f.kind in refusing for f in findings) or (not read.features and not findings):
        if not findings:
            report.findings.append(("", "missing", gettext("The file holds no features.")))
        raise CellImportRefused(report)
    if parent is not None and parent.code in codes:
        raise Invalid(gettext("A cell cannot be its own parent."), {"parent": [gettext("A cell cannot be its own parent.")]})

    audit.note(db.session, "cell.import", source or None)
    revision = max((db.session.scalar(select(func.max(Cell.revision))) or 0) + 1, time.time_ns() // 1000)
    existing = {c.code: c for c in db.session.scalars(select(Cell).where(Cell.code.in_(codes)))} if codes else {}
    for feature in read.features:
        wkb, digest = geo.wkb_of(feature.geometry)
        min_lon, min_lat, max_lon, max_lat = feature.geometry.bounds
        values = dict(name=feature.name, parent_id=parent.id if parent else None, level=level, geometry=wkb,
                      geometry_hash=digest, min_lon=min_lon, min_lat=min_lat, max_lon=max_lon, max_lat=max_lat)
        cell = existing.get(feature.code)
        if cell is None:
            cell = Cell(code=feature.code, area_m2=geo.area_m2(feature.geometry), source=source, revision=revision,
                        path="", **values)
            db.session.add(cell)
            report.created += 1
            continue
        if all(getattr(cell, k) == v for k, v in values.items() if k != "geometry"):
            report.unchanged += 1
            continue
        for key, value in values.items():
            setattr(cell, key, value)
        cell.area_m2, cell.source, cell.revision = geo.area_m2(feature.geometry), source, revision
        report.updated += 1
    db.session.flush()
    prefix = parent.path if parent else "/"
    for cell in db.session.scalars(select(Cell).where(Cell.code.in_(codes))):
        if cell.path != f"{prefix}{cell.id}/":
            _repath(cell, f"{prefix}{cell.id}/", revision)
    db.session.flush()
    report.written = True
    report.assignment = assignment.assign_all(db.session.connection())
    return report


def _repath(cell: Cell, path: str, revision: int) -> None:
    """Give a cell its path, and its descendants theirs (a cell moved under another parent takes its own along)."""
    old = cell.path
    cell.path = path
    if old:
        for child in db.session.scalars(select(Cell).where(Cell.path.startswith(old), Cell.id != cell.id)):
            child.path = path + child.path[len(old):]
            child.level = child.path.count("/") - 2
            child.revision = revision
