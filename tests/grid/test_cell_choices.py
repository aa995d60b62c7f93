"""The register list's cell filter: the cells a user may filter by, read as rows (no geometry), in the same scope as
the cells page."""
import re

from registry.grid import services
from registry.grid.models import Cell


def _options(html: str) -> list[str]:
    select = re.search(r'<select name="cell">(.*?)</select>', html, re.S)
    return re.findall(r'<option value="([^"]+)"', select.group(1)) if select else []


def test_the_filter_offers_every_cell_to_market_staff(grid, as_user, users):
    assert [(c.code, c.name, c.level) for c in services.cell_choices(users["market"])] == [
        (c.code, c.name, c.level) for c in services.cells(users["market"])]
    html = as_user("market").get("/institutions").get_data(as_text=True)
    assert _options(html) == ["D1", "D2", "D1001", "D1002"]  # by level, then code
    assert "西区南网格" in html


def test_a_grid_worker_is_offered_only_their_cells(grid, as_user, users, runner):
    assert runner.invoke(args=["grid-worker", "grid", "D1001"]).exit_code == 0
    assert [c.code for c in services.cell_choices(users["grid"])] == ["D1001"]
    assert _options(as_user("grid").get("/institutions").get_data(as_text=True)) == ["D1001"]


def test_no_cell_object_is_kept_in_the_session(grid, users):
    from registry.extensions import db

    user = users["market"]
    for held in [o for o in db.session.identity_map.values() if isinstance(o, Cell)]:
        db.session.expunge(held)
    services.cell_choices(user)
    assert not [o for o in db.session.identity_map.values() if isinstance(o, Cell)]
