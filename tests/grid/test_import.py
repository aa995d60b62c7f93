"""Importing cells from GeoJSON: the real boundary files, and every problem a file can have."""
import json
from pathlib import Path

import pytest

from registry.extensions import db
from registry.grid.models import Cell
from tests.conftest import page
from tests.grid.conftest import DISTRICTS, EAST, WEST, collection

GEO = Path(__file__).resolve().parents[2] / "fixtures" / "geo"  # the district boundaries of the four cities, shipped
REAL_FILES = ["210100_full.json", "330300_full.json", "350400_full.json"]


def cells():
    from sqlalchemy import select

    return {c.code: c for c in db.session.scalars(select(Cell))}


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_boundary_files_import(runner, users, name):
    result = runner.invoke(args=["import", "cells", str(GEO / name), "--code-property", "adcode", "--name-property", "name"])
    assert result.exit_code == 0, result.output
    features = json.loads((GEO / name).read_text(encoding="utf-8"))["features"]
    stored = cells()
    assert {str(f["properties"]["adcode"]) for f in features} == set(stored)
    assert all(c.level == 0 and c.area_m2 > 1e7 for c in stored.values())


def test_invalid_polygon_is_refused_then_repaired(runner, users):
    path = str(GEO / "130500_full.json")
    refused = runner.invoke(args=["import", "cells", path, "--code-property", "adcode", "--name-property", "name"])
    assert refused.exit_code == 1
    assert "130581 南宫市" in refused.output and "Self-intersection" in refused.output
    assert "--repair" in refused.output
    assert cells() == {}

    repaired = runner.invoke(args=["import", "cells", path, "--code-property", "adcode", "--name-property", "name", "--repair"])
    assert repaired.exit_code == 0, repaired.output
    assert "130581 南宫市" in repaired.output and "已修复" in repaired.output and "平方米" in repaired.output
    assert len(cells()) == 18
    from shapely import from_wkb

    assert from_wkb(cells()["130581"].geometry).is_valid


def test_coordinates_out_of_range_and_duplicates_are_named(runner, users, geojson_file):
    swapped = [[lat, lon] for lon, lat in WEST]
    shifted = [[lon + 200, lat] for lon, lat in EAST]
    document = collection(("A", "甲", swapped), ("B", "乙", EAST), ("B", "乙二", WEST), ("C", "丙", shifted))
    result = runner.invoke(args=["import", "cells", geojson_file(document), "--code-property", "code"])
    assert result.exit_code == 1
    assert "#1 A 甲" in result.output and "#4 C 丙" in result.output
    assert "#3 B 乙二: 编码 B 重复（首次出现于第 2 个要素）" in result.output
    assert cells() == {}


def test_overlapping_cells_name_the_pair_and_the_area(runner, users, geojson_file):
    over = [[120.65, 28.00], [120.67, 28.00], [120.67, 28.02], [120.65, 28.02], [120.65, 28.00]]
    result = runner.invoke(args=["import", "cells", geojson_file(collection(("A", "甲", WEST), ("B", "乙", over))),
                                 "--code-property", "code"])
    assert result.exit_code == 1
    # 0.01° × 0.02° at 28° N: about 983 m × 2,214 m
    line = next(l for l in result.output.splitlines() if "B 乙" in l and "A 甲" in l)
    area = float(line.split("重叠 ")[1].split(" 平方米")[0].replace(",", ""))
    assert 2.1e6 < area < 2.25e6
    allowed = runner.invoke(args=["import", "cells", geojson_file(collection(("A", "甲", WEST), ("B", "乙", over))),
                                  "--code-property", "code", "--allow-overlaps"])
    assert allowed.exit_code == 0, allowed.output


def test_overlap_with_a_stored_cell_of_the_same_level(grid, users):
    from registry.grid import importing

    over = [[120.65, 28.00], [120.67, 28.00], [120.67, 28.02], [120.65, 28.02], [120.65, 28.00]]
    with pytest.raises(importing.CellImportRefused) as refused:
        grid(collection(("D3", "新区", over)))
    assert any("D1 西区" in message or "D2 东区" in message for _, _, message in refused.value.report.findings)


def test_reimport_updates_by_code(grid, users):
    before = cells()["D2"]
    bigger = [[120.66, 28.00], [120.70, 28.00], [120.70, 28.02], [120.66, 28.02], [120.66, 28.00]]
    report = grid(collection(("D1", "西区", WEST), ("D2", "东区（扩）", bigger)))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    after = cells()["D2"]
    assert after.id == before.id and after.name == "东区（扩）" and after.max_lon == pytest.approx(120.70)


def test_nested_cells_carry_their_parent(grid):
    stored = cells()
    assert stored["D1001"].parent_id == stored["D1"].id and stored["D1001"].level == 1
    assert stored["D1002"].path == f"/{stored['D1'].id}/{stored['D1002'].id}/"


def test_unknown_parent_and_not_geojson(runner, users, geojson_file, tmp_path):
    result = runner.invoke(args=["import", "cells", geojson_file(DISTRICTS), "--code-property", "code", "--parent", "X9"])
    assert result.exit_code == 1 and "X9" in result.output
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = runner.invoke(args=["import", "cells", str(bad)])
    assert result.exit_code == 1 and "JSON" in result.output
    result = runner.invoke(args=["import", "cells", geojson_file({"type": "Feature"})])
    assert result.exit_code == 1 and "FeatureCollection" in result.output


def test_upload_page(as_user, users, make_institution):
    client = as_user("admin")
    from io import BytesIO

    data = {"code_property": "code", "name_property": "name",
            "file": (BytesIO(json.dumps(DISTRICTS).encode()), "districts.geojson")}
    response = client.post("/grid/cells/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "新建网格 2 个" in page(response).select_one("section.panel p").get_text()
    assert set(cells()) == {"D1", "D2"}

    over = [[120.65, 28.00], [120.67, 28.00], [120.67, 28.02], [120.65, 28.02], [120.65, 28.00]]
    data = {"code_property": "code", "name_property": "name",
            "file": (BytesIO(json.dumps(collection(("D3", "新区", over))).encode()), "new.geojson")}
    response = client.post("/grid/cells/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "平方米" in page(response).select_one("table").get_text()
    assert as_user("edu").get("/grid/cells/import").status_code == 403
