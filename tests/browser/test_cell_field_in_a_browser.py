"""The register list's cell field in Chromium: typing part of a cell's name brings its code as a suggestion, the
code shows the cell's name beside the field, and the search lists the institutions in that cell."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from registry.extensions import db
from tests.grid.conftest import DISTRICTS, WEST_CELLS


def suggestions(browser) -> list[tuple[str, str]]:
    return [(o.get_attribute("value"), o.get_attribute("textContent"))
            for o in browser.find_elements(By.CSS_SELECTOR, "#cell-suggestions option")]


def test_typing_part_of_a_name_suggests_the_cell(users, make_institution, browser, live_server, log_in, screenshot):
    from registry.grid import importing

    for document, parent in ((DISTRICTS, None), (WEST_CELLS, "D1")):
        importing.import_cells(users["admin"], document, code_property="code", name_property="name", parent_code=parent)
    make_institution(name="西区南培训学校", latitude=28.005, longitude=120.65)  # in D1001
    make_institution(name="东区培训学校", latitude=28.005, longitude=120.67)  # in D2
    db.session.commit()

    log_in("market")
    browser.get(live_server + "/institutions")
    field = browser.find_element(By.ID, "cell-filter")
    field.send_keys("南网")
    WebDriverWait(browser, 10).until(suggestions)
    assert suggestions(browser) == [("D1001", "西区 / 西区南网格")]
    screenshot("suggested")

    field.clear()
    field.send_keys("D1001")  # what picking the suggestion types
    WebDriverWait(browser, 10).until(lambda b: b.find_element(By.ID, "cell-name").text == "西区南网格")
    field.submit()
    WebDriverWait(browser, 10).until(lambda b: "cell=D1001" in b.current_url)
    listed = browser.find_element(By.CSS_SELECTOR, "table").text
    assert "西区南培训学校" in listed and "东区培训学校" not in listed
    assert browser.find_element(By.ID, "cell-name").text == "西区南网格"
    screenshot("filtered")
