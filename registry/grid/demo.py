"""The grid's demo: Wenzhou's districts as the top cells, two districts split into street cells (generated, the
same every time), the `grid` account answering for some of them (leading one), and a month of visits."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import shapely
from sqlalchemy import select

from registry.core.models import utcnow
from registry.extensions import db
from registry.grid import importing, rules, services
from registry.grid.models import CellAssignment
from registry.register.models import Institution

SPLIT = {"330302": "鹿城区", "330304": "瓯海区"}  # districts cut into a 3 × 3 grid of street cells
GRID_CELLS = ("330302001", "330302002", "330302004", "330302005", "330304001")  # the `grid` account's, not all
LED_CELL = "330302005"


def street_cells(district_code: str, name: str, geometry, rows: int = 3, columns: int = 3) -> dict:
    """The district cut by a rows × columns grid over its extent: a FeatureCollection of the non-empty pieces."""
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    width, height = (max_lon - min_lon) / columns, (max_lat - min_lat) / rows
    features = []
    for r in range(rows):
        for c in range(columns):
            box = shapely.box(min_lon + c * width, min_lat + r * height, min_lon + (c + 1) * width, min_lat + (r + 1) * height)
            piece = shapely.intersection(geometry, box)
            piece = shapely.MultiPolygon([p for p in shapely.get_parts(piece) if p.geom_type == "Polygon"]) \
                if piece.geom_type not in ("Polygon", "MultiPolygon") else piece
            if piece.is_empty or piece.area < 1e-6:
                continue
            serial = len(features) + 1
            features.append({"type": "Feature", "geometry": shapely.geometry.mapping(piece),
                             "properties": {"code": f"{district_code}{serial:03d}", "name": f"{name}第{serial}网格"}})
    return {"type": "FeatureCollection", "features": features}


def load_grid_demo(admin, fixtures: Path) -> None:
    districts = json.loads((fixtures / "geo" / "330300_full.json").read_text(encoding="utf-8"))
    importing.import_cells(admin, districts, code_property="adcode", name_property="name", source="330300_full.json")
    for feature in districts["features"]:
        code = str(feature["properties"]["adcode"])
        if code in SPLIT:
            cells = street_cells(code, SPLIT[code], shapely.geometry.shape(feature["geometry"]))
            importing.import_cells(admin, cells, code_property="code", name_property="name", parent_code=code,
                                   source=f"{code}-streets")
    db.session.commit()
    for code in GRID_CELLS:
        services.add_worker(admin, code, "grid", leader=code == LED_CELL)
    db.session.commit()
    _visits()


def _visits() -> None:
    """Visits by the `grid` account in the last weeks, through the visit service: a quarter of its institutions
    never visited (overdue), one check-in about 400 m away (flagged), one with advertising found (reported), one found
    closed (still due)."""
    from registry.accounts.models import User
    from registry.core.audit import set_actor

    worker = db.session.scalar(select(User).where(User.username == "grid"))
    set_actor(db.session, worker)
    own = services.worker_cell_ids(worker.id)
    ids = db.session.scalars(select(CellAssignment.institution_id).where(CellAssignment.cell_id.in_(own))
                             .order_by(CellAssignment.institution_id)).all()
    now = utcnow()
    for n, institution_id in enumerate(ids):
        if n % 4 == 3:
            continue
        institution = db.session.get(Institution, institution_id)
        checklist = dict(rules.ALL_CLEAR)
        if n == 2:
            checklist["advertising"] = True
        # One found closed: kept with its reason, and the institution still due a visit.
        outcome = {"outcome": rules.CLOSED, "outcome_reason": "卷帘门紧闭，门口张贴暂停营业通知"} if n == 5 else \
            {"checklist": checklist}
        offset = 0.0036 if n == 1 else 0.00005 * (1 + n % 6)
        services.record_visit(worker, {
            "institution_id": institution_id, "latitude": institution.latitude + offset,
            "longitude": institution.longitude, "accuracy": 8 + n % 15,
            "visited_at": (now - timedelta(days=2 + (n * 7) % 26, hours=n % 8)).isoformat() + "Z",
            **outcome, "notes": "张贴招生广告，已拍照" if n == 2 else "",
            "client_id": f"demo-visit-{institution_id:06d}"})
    db.session.commit()
