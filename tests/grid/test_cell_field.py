"""The register list's cell filter: a text field taking a cell's code, its name shown beside it, and suggestions
asked of the server as the user types. The page no longer carries every cell (a province's grid is thousands)."""
from registry.grid import services
from tests.conftest import page
from tests.grid.conftest import collection

CELL_NAMES = ["西区南网格", "西区北网格"]  # (the districts' names 西区, 东区 are in real districts' names too)


def _field(response):
    soup = page(response)
    return soup.select_one("form.filters"), soup.find(id="cell-name")


def test_the_list_carries_no_cell_but_the_chosen_one(grid, as_user):
    response = as_user("market").get("/institutions")
    form, name = _field(response)
    assert form.find("input", attrs={"name": "cell"})["value"] == ""
    assert not form.find("datalist").find_all("option")  # filled as the user types
    assert not [n for n in CELL_NAMES if n in response.get_data(as_text=True)]
    assert name.get_text() == ""

    response = as_user("market").get("/institutions?cell=D1001")
    form, name = _field(response)
    assert form.find("input", attrs={"name": "cell"})["value"] == "D1001"
    assert name.get_text() == "西区南网格"
    assert not [n for n in CELL_NAMES if n != "西区南网格" and n in response.get_data(as_text=True)]


def test_the_chosen_cell_filters_with_the_cells_under_it(grid, as_user, make_institution):
    make_institution(name="西区南培训学校", latitude=28.005, longitude=120.65)  # in D1001, under D1
    make_institution(name="东区培训学校", latitude=28.005, longitude=120.67)  # in D2
    listed = lambda cell: page(as_user("market").get(f"/institutions?cell={cell}")).select_one("table").get_text()
    assert "西区南培训学校" in listed("D1") and "东区培训学校" not in listed("D1")
    assert "东区培训学校" in listed("D2") and "西区南培训学校" not in listed("D2")


def test_an_unknown_code_says_so(grid, as_user):
    response = as_user("market").get("/institutions?cell=NOPE")
    assert response.status_code == 200
    assert _field(response)[1].get_text() == "无此网格"
    assert page(response).find(class_="empty")  # filtered by a cell that does not exist: nothing


def test_a_grid_worker_names_only_their_cells(grid, as_user, runner):
    assert runner.invoke(args=["grid-worker", "grid", "D1001"]).exit_code == 0
    assert _field(as_user("grid").get("/institutions?cell=D1001"))[1].get_text() == "西区南网格"
    response = as_user("grid").get("/institutions?cell=D2")  # exists, but not theirs
    assert _field(response)[1].get_text() == "无此网格"


def test_a_grid_worker_of_no_cell_is_offered_no_field(grid, as_user):
    assert page(as_user("grid").get("/institutions")).find("input", attrs={"name": "cell"}) is None


# --- suggestions --------------------------------------------------------------------------------------------------

def suggest(client, q: str) -> list[str]:
    response = client.get("/grid/cells/suggest", query_string={"q": q})
    assert response.status_code == 200 and response.is_json
    return [c["code"] for c in response.json["cells"]]


def test_suggestions_match_a_code_prefix_or_a_part_of_the_name(grid, as_user):
    client = as_user("market")
    assert suggest(client, "D100") == ["D1001", "D1002"]
    assert suggest(client, "d1") == ["D1", "D1001", "D1002"]  # by level, then code; any case
    assert suggest(client, "南网") == ["D1001"]
    assert suggest(client, "区") == ["D1", "D2", "D1001", "D1002"]
    assert suggest(client, "1001") == []  # a code matches from its start
    assert suggest(client, "  ") == []


def test_a_suggestion_is_code_name_level_and_the_names_above(grid, as_user):
    response = as_user("market").get("/grid/cells/suggest?q=D1001")
    assert response.json == {"cells": [{"code": "D1001", "name": "西区南网格", "level": 1, "path": ["西区"]}]}


def test_the_exact_code_comes_first(grid, as_user):
    grid(collection(("网格", "东区网格", [[120.66, 28.00], [120.68, 28.00], [120.68, 28.01], [120.66, 28.01],
                                        [120.66, 28.00]])), parent="D2")
    assert suggest(as_user("market"), "网格") == ["网格", "D1001", "D1002"]


def _squares(count: int) -> dict:
    """`count` small cells side by side inside the east district, named 东区第N网格."""
    side = 0.02 / count
    return collection(*[(f"D2{n:03d}", f"东区第{n}网格", [[120.66 + n * side, 28.0], [120.66 + (n + 1) * side, 28.0],
                                                        [120.66 + (n + 1) * side, 28.01], [120.66 + n * side, 28.01],
                                                        [120.66 + n * side, 28.0]]) for n in range(count)])


def test_suggestions_are_few_and_wildcards_match_themselves(grid, as_user):
    grid(_squares(services.SUGGESTIONS + 5), parent="D2")
    client = as_user("market")
    found = suggest(client, "东区第")
    assert found == [f"D2{n:03d}" for n in range(services.SUGGESTIONS)]
    assert suggest(client, "%") == [] and suggest(client, "_") == [] and suggest(client, "D2%1") == []
    assert suggest(client, "东区第1_") == []


def test_a_grid_worker_is_suggested_only_their_cells(grid, as_user, runner):
    assert runner.invoke(args=["grid-worker", "grid", "D1001"]).exit_code == 0
    response = as_user("grid").get("/grid/cells/suggest?q=区")
    assert response.json == {"cells": [{"code": "D1001", "name": "西区南网格", "level": 1, "path": []}]}
    assert suggest(as_user("grid"), "D") == ["D1001"]


def test_suggestions_need_a_login(grid, client):
    response = client.get("/grid/cells/suggest?q=D")
    assert response.status_code in (302, 401)
    assert response.status_code == 401 or "/login" in response.headers["Location"]
    assert "西区" not in response.get_data(as_text=True)
