"""A city loads its cells, then its register: every imported institution lands in its cell (入格) as one registered by
hand does, by the command and by the admins' Import page, and the bulletin counts only those outside every cell."""
from __future__ import annotations

import io

from sqlalchemy import select

from registry.extensions import db
from registry.grid.models import Cell, CellAssignment
from registry.register.models import Institution
from tests.conftest import page
from tests.grid.conftest import DISTRICTS, WEST_CELLS
from tests.register.test_import import csv_text, rows
from tests.reports.test_bulletin import figure

PLACES = {"西区南": (28.005, 120.65), "西区北": (28.015, 120.65), "东区": (28.01, 120.67), "城外": (28.5, 121.5)}


def _rows(prefix: str) -> list[dict]:
    data = rows(len(PLACES))
    for row, (place, (lat, lon)) in zip(data, PLACES.items()):
        row.update(name=f"{prefix}{place}培训学校", latitude=lat, longitude=lon)
    return data


def _cells() -> dict[str, str | None]:
    found = db.session.execute(select(Institution.name, Cell.code)
                               .outerjoin(CellAssignment, CellAssignment.institution_id == Institution.id)
                               .outerjoin(Cell, Cell.id == CellAssignment.cell_id)).all()
    return dict(found)


def test_institutions_imported_after_the_cells_land_in_their_cells(runner, users, geojson_file, tmp_path, as_user):
    for document, parent in ((DISTRICTS, []), (WEST_CELLS, ["--parent", "D1"])):
        loaded = runner.invoke(args=["import", "cells", geojson_file(document), "--code-property", "code",
                                     "--name-property", "name", *parent])
        assert loaded.exit_code == 0, loaded.output

    path = tmp_path / "institutions.csv"
    path.write_text(csv_text(_rows("命令")), encoding="utf-8")
    imported = runner.invoke(args=["import", "institutions", str(path)])
    assert imported.exit_code == 0, imported.output

    client = as_user("admin")
    response = client.post("/institutions/import", data={"file": (io.BytesIO(csv_text(_rows("页面")).encode()), "list.csv")},
                           content_type="multipart/form-data")
    assert page(response).select_one(".alert-success"), response.get_data(as_text=True)

    db.session.expire_all()
    expected = {"西区南": "D1001", "西区北": "D1002", "东区": "D2", "城外": None}
    assert _cells() == {f"{how}{place}培训学校": cell for how in ("命令", "页面") for place, cell in expected.items()}
    bulletin = page(as_user("market").get("/reports/bulletin"))
    assert figure(bulletin, "unassigned") == "2"  # the two outside every cell, not all eight
