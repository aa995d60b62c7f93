"""Entering the grid: each institution in the finest cell holding it, kept up to date."""
from sqlalchemy import select

from registry.extensions import db
from registry.grid.models import Cell, CellAssignment
from tests.conftest import page
from tests.grid.conftest import collection


def cell_of(institution) -> str | None:
    record = db.session.get(CellAssignment, institution.id)
    return record.cell.code if record and record.cell else None


def test_assigned_on_create_at_the_finest_level(grid, make_institution):
    south = make_institution(latitude=28.005, longitude=120.65)
    east = make_institution(latitude=28.005, longitude=120.67)
    assert cell_of(south) == "D1001"
    assert cell_of(east) == "D2"


def test_a_point_in_no_cell_stays_unassigned_and_is_listed(grid, make_institution, as_user):
    outside = make_institution(latitude=27.5, longitude=120.0, name="城外培训学校")
    assert cell_of(outside) is None
    listed = page(as_user("admin").get("/grid/unassigned"))
    assert "城外培训学校" in listed.get_text()


def test_border_rule_smallest_code_wins(grid, make_institution):
    on_border = make_institution(latitude=28.005, longitude=120.66)  # D1001 (level 1) touches D2 (level 0)
    assert cell_of(on_border) == "D1001"  # the finer level wins
    between = make_institution(latitude=28.01, longitude=120.65)  # on the border of D1001 and D1002
    assert cell_of(between) == "D1001"  # same level: the smaller code


def test_moving_an_institution_reassigns_it(grid, make_institution, users):
    from registry.register import services as register

    institution = make_institution(latitude=28.005, longitude=120.65)
    register.update_institution(users["admin"], institution.id, {"latitude": 28.015}, version=institution.version)
    db.session.commit()
    assert cell_of(institution) == "D1002"


def test_importing_cells_reassigns_institutions(app, users, make_institution, grid):
    institution = make_institution(latitude=28.005, longitude=120.67)
    assert cell_of(institution) == "D2"
    grid(collection(("D2001", "东区网格", [[120.665, 28.0], [120.68, 28.0], [120.68, 28.02], [120.665, 28.02], [120.665, 28.0]])),
         parent="D2")
    assert cell_of(institution) == "D2001"


def test_near_border_marked_for_the_grid_leader(grid, make_institution, users, as_user, runner):
    near = make_institution(latitude=28.005, longitude=120.6599, name="近界培训学校")  # about 10 m west of 120.66
    far = make_institution(latitude=28.005, longitude=120.65)
    record = db.session.get(CellAssignment, near.id)
    assert record.near_border and 5 < record.border_m < 15
    assert not db.session.get(CellAssignment, far.id).near_border

    runner.invoke(args=["grid-worker", "grid", "D1", "--leader"])
    client = as_user("grid")
    listed = page(client.get("/grid/border"))
    assert "近界培训学校" in listed.get_text()
    options = [o["value"] for o in listed.select("select[name=cell] option")]
    assert options[0] == "D1001" and "D2" in options
    response = client.post(f"/grid/border/{near.id}", data={"cell": "D1001"})
    assert response.status_code == 302
    record = db.session.get(CellAssignment, near.id)
    assert record.confirmed_by_id == users["grid"].id
    # A confirmation holds through re-assignment until the institution moves.
    assert runner.invoke(args=["assign-cells"]).exit_code == 0
    assert db.session.get(CellAssignment, near.id).confirmed_by_id == users["grid"].id
    assert "近界培训学校" not in page(client.get("/grid/border")).get_text()


def test_only_leaders_confirm(grid, make_institution, users, as_user, runner):
    near = make_institution(latitude=28.005, longitude=120.6599)
    runner.invoke(args=["grid-worker", "grid", "D1"])  # answers for the cell, does not lead it
    response = as_user("grid").post(f"/grid/border/{near.id}", data={"cell": "D1001"})
    assert response.status_code == 403
    assert db.session.get(CellAssignment, near.id).confirmed_by_id is None


def test_assign_cells_command(grid, make_institution, runner):
    institution = make_institution(latitude=28.015, longitude=120.65)
    db.session.execute(CellAssignment.__table__.delete())
    db.session.commit()
    result = runner.invoke(args=["assign-cells"])
    assert result.exit_code == 0, result.output
    assert "1 in a cell" in result.output
    assert cell_of(institution) == "D1002"


def test_institution_page_and_api_show_the_cell_and_its_parents(grid, make_institution, as_user, token_for):
    institution = make_institution(latitude=28.005, longitude=120.65)
    client = as_user("admin")
    panel = page(client.get(f"/institutions/{institution.id}")).select_one("#grid")
    assert "西区" in panel.get_text() and "西区南网格" in panel.get_text()
    record = client.get(f"/api/v1/institutions/{institution.id}").json
    assert record["cell"] == "D1001"
    assert [c["code"] for c in record["cell_path"]] == ["D1", "D1001"]


def test_cells_api(grid, make_institution, token_for, client):
    make_institution(latitude=28.005, longitude=120.65)
    headers = token_for("market")
    top = client.get("/api/v1/cells", headers=headers).json
    assert top["type"] == "FeatureCollection" and len(top["features"]) == 4
    children = client.get("/api/v1/cells?parent=D1", headers=headers).json
    assert [f["id"] for f in children["features"]] == ["D1001", "D1002"]
    one = client.get("/api/v1/cells/D1001", headers=headers).json
    assert one["geometry"]["type"] == "Polygon" and [c["code"] for c in one["properties"]["path"]] == ["D1", "D1001"]
    listed = client.get("/api/v1/cells/D1/institutions", headers=headers).json
    assert listed["total"] == 1
    assert client.get("/api/v1/cells/NOPE", headers=headers).status_code == 404


def test_index_follows_cell_changes(grid, make_institution):
    """A process's cached index is rebuilt when cells change, so a new institution lands in a new cell."""
    first = make_institution(latitude=28.005, longitude=120.67)
    assert cell_of(first) == "D2"
    grid(collection(("D2009", "东区新网格", [[120.66, 28.0], [120.68, 28.0], [120.68, 28.02], [120.66, 28.02], [120.66, 28.0]])),
         parent="D2")
    second = make_institution(latitude=28.005, longitude=120.67)
    assert cell_of(second) == "D2009"
    assert db.session.scalar(select(Cell.level).where(Cell.code == "D2009")) == 1


def test_a_process_with_an_old_index_notices_new_cells(grid, make_institution):
    """Another process imported cells: this one's cached index is stale, and the save's guarded write sees it."""
    from registry.grid import assignment

    make_institution(latitude=28.005, longitude=120.67)
    stale = dict(assignment._cache)
    grid(collection(("D2009", "东区新网格", [[120.66, 28.0], [120.68, 28.0], [120.68, 28.02], [120.66, 28.02], [120.66, 28.0]])),
         parent="D2")
    assignment._cache.update(stale)  # as if the import had run elsewhere
    institution = make_institution(latitude=28.005, longitude=120.67)
    assert cell_of(institution) == "D2009"
