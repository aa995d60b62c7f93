"""Small grids for the grid's tests: two districts side by side, the first cut into two cells."""
from __future__ import annotations

import json

import pytest

from registry.extensions import db

# Around Wenzhou's centre (120.65, 28.01); the districts share the border at longitude 120.66.
WEST = [[120.64, 28.00], [120.66, 28.00], [120.66, 28.02], [120.64, 28.02], [120.64, 28.00]]
EAST = [[120.66, 28.00], [120.68, 28.00], [120.68, 28.02], [120.66, 28.02], [120.66, 28.00]]
WEST_SOUTH = [[120.64, 28.00], [120.66, 28.00], [120.66, 28.01], [120.64, 28.01], [120.64, 28.00]]
WEST_NORTH = [[120.64, 28.01], [120.66, 28.01], [120.66, 28.02], [120.64, 28.02], [120.64, 28.01]]


def collection(*features) -> dict:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code, "name": name},
         "geometry": {"type": "Polygon", "coordinates": [ring]}} for code, name, ring in features]}


DISTRICTS = collection(("D1", "西区", WEST), ("D2", "东区", EAST))
WEST_CELLS = collection(("D1001", "西区南网格", WEST_SOUTH), ("D1002", "西区北网格", WEST_NORTH))


@pytest.fixture
def grid(app, users):
    """The two districts, and the west one's two cells; returns the import function for more."""
    from registry.grid import importing

    def load(document, parent=None, **options):
        report = importing.import_cells(users["admin"], document, code_property="code", name_property="name",
                                        parent_code=parent, **options)
        db.session.commit()
        return report

    load(DISTRICTS)
    load(WEST_CELLS, parent="D1")
    return load


@pytest.fixture
def geojson_file(tmp_path):
    def write(document, name="cells.geojson") -> str:
        path = tmp_path / name
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        return str(path)

    return write
