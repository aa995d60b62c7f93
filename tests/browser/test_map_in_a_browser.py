"""The map in Chromium: it draws the cells, and an institution's name in a tooltip is text, never markup."""
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from registry.extensions import db
from tests.holding.test_access import CELL

HOSTILE = '<img id="injected" src="x">鹿城区<b>粗体</b>艺术培训学校'


def test_the_map_draws_cells_and_shows_names_as_text(app, users, make_institution, runner, browser, live_server,
                                                      log_in, screenshot):
    from registry.grid import importing

    importing.import_cells(users["admin"], CELL, code_property="code", name_property="name")
    make_institution(name=HOSTILE, category="arts")
    db.session.commit()
    assert runner.invoke(args=["grid-worker", "grid", "C1"]).exit_code == 0

    log_in("grid")
    browser.get(live_server + "/grid/map")
    WebDriverWait(browser, 10).until(lambda b: b.find_element(By.ID, "map").get_attribute("data-markers") == "1")
    assert browser.find_element(By.ID, "map").get_attribute("data-ready") == "1"  # one cell drawn
    marker = browser.find_element(By.CSS_SELECTOR, "path.leaflet-interactive[fill='#7e22ce']")
    ActionChains(browser).move_to_element(marker).perform()
    tooltip = WebDriverWait(browser, 5).until(lambda b: b.find_element(By.CSS_SELECTOR, ".leaflet-tooltip:not(.cell-label)"))
    assert tooltip.text == HOSTILE
    assert not browser.find_elements(By.ID, "injected")
    screenshot("map-with-tooltip")
