"""In a real browser (headless Chromium): the visit form with a faked position, a visit kept on the phone while the
network is down and sent once it is back, and the map drawing the cells. Skipped when Chromium is not installed."""
from __future__ import annotations

import os
import threading
import time

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.grid.models import Visit
from tests.conftest import PASSWORD

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
pytestmark = pytest.mark.skipif(not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)),
                                reason="Chromium or chromedriver is not installed (/usr/bin/chromium, /usr/bin/chromedriver)")


@pytest.fixture
def live_server(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=412,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


def wait_for(condition, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


def log_in(browser, base: str, username: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(base + "/login")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.NAME, "password").submit()
    wait_for(lambda: "/login" not in browser.current_url)


def visits() -> list[dict]:
    """The visits the server committed, as plain values; ends the test's own transaction (on SQLite every
    transaction holds the write lock the server needs)."""
    db.session.rollback()
    found = [{"client_id": v.client_id, "position_source": v.position_source, "accuracy_m": v.accuracy_m,
              "distance_m": v.distance_m, "flagged": v.flagged, "flag_reason": v.flag_reason, "notes": v.notes,
              "findings": list(v.report.findings) if v.report else None}
             for v in db.session.scalars(select(Visit).order_by(Visit.id))]
    db.session.rollback()
    return found


def answer_all_clear(browser) -> None:
    """Every checklist item answered with its good answer (the first of the two)."""
    from selenium.webdriver.common.by import By

    for answer in browser.find_elements(By.CSS_SELECTOR, ".check-row .answer:not(.problem) input"):
        answer.click()


@pytest.fixture
def site(grid, make_institution, runner):
    """The id of an institution in the `grid` worker's cell."""
    institution_id = make_institution(latitude=28.005, longitude=120.65, name="西区艺术培训学校").id
    assert runner.invoke(args=["grid-worker", "grid", "D1"]).exit_code == 0
    db.session.rollback()
    return institution_id


def test_the_visit_form_takes_the_phones_position(browser, live_server, site):
    from selenium.webdriver.common.by import By

    browser.execute_cdp_cmd("Browser.grantPermissions", {"origin": live_server, "permissions": ["geolocation"]})
    browser.execute_cdp_cmd("Emulation.setGeolocationOverride", {"latitude": 28.0051, "longitude": 120.6501, "accuracy": 12})
    log_in(browser, live_server, "grid")
    browser.get(f"{live_server}/grid/institutions/{site}/visit")
    wait_for(lambda: browser.find_element(By.ID, "latitude").get_attribute("value"))
    assert browser.find_element(By.ID, "accuracy").get_attribute("value") == "12"
    assert "12" in browser.find_element(By.ID, "geo-status").text
    # The distance shows before saving, and follows the phone as the worker walks.
    assert wait_for(lambda: browser.find_element(By.ID, "distance").text) == "您距机构约 15 米。"
    browser.execute_cdp_cmd("Emulation.setGeolocationOverride", {"latitude": 28.0085, "longitude": 120.6501, "accuracy": 12})
    far = wait_for(lambda: "超过 200 米" in browser.find_element(By.ID, "distance").text
                   and browser.find_element(By.ID, "distance"))
    assert far.text.startswith("您距机构约 389 米") and "too-far" in far.get_attribute("class")
    browser.execute_cdp_cmd("Emulation.setGeolocationOverride", {"latitude": 28.0051, "longitude": 120.6501, "accuracy": 12})
    wait_for(lambda: browser.find_element(By.ID, "distance").text == "您距机构约 15 米。")
    # Saving with an item unanswered is refused.
    browser.find_element(By.CSS_SELECTOR, "#visit-form button[type=submit]").click()
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, ".check-row.unanswered"))
    assert len(browser.find_elements(By.CSS_SELECTOR, ".check-row.unanswered")) == 6 and visits() == []
    wait_for(lambda: browser.find_element(By.ID, "latitude").get_attribute("value"))
    answer_all_clear(browser)
    browser.find_element(By.CSS_SELECTOR, "input[name=checklist-advertising][value=yes]").click()
    browser.find_element(By.ID, "notes").send_keys("门口张贴招生广告")
    browser.find_element(By.CSS_SELECTOR, "#visit-form button[type=submit]").click()
    wait_for(lambda: "/grid/visits/" in browser.current_url)
    assert wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, ".flash-success"))[0].text == "走访已保存。"
    [visit] = visits()
    assert visit["position_source"] == "gps" and visit["accuracy_m"] == 12 and 10 < visit["distance_m"] < 20
    assert not visit["flagged"] and visit["findings"] == ["advertising"]


def test_position_refused_means_typing_it(browser, live_server, site):
    from selenium.webdriver.common.by import By

    browser.execute_cdp_cmd("Browser.setPermission", {"permission": {"name": "geolocation"}, "setting": "denied",
                                                      "origin": live_server})
    log_in(browser, live_server, "grid")
    browser.get(f"{live_server}/grid/institutions/{site}/visit")
    wait_for(lambda: browser.find_element(By.ID, "geo-status").get_attribute("data-located") == "0")
    assert browser.find_element(By.ID, "position_source").get_attribute("value") == "manual"
    browser.find_element(By.ID, "latitude").send_keys("28.0050")
    browser.find_element(By.ID, "longitude").send_keys("120.6500")
    answer_all_clear(browser)
    browser.find_element(By.CSS_SELECTOR, "#visit-form button[type=submit]").click()
    wait_for(lambda: "/grid/visits/" in browser.current_url)
    [visit] = visits()
    assert visit["flagged"] and visit["flag_reason"] == "manual"


def test_a_visit_typed_offline_is_kept_and_sent_once(browser, live_server, site):
    from selenium.webdriver.common.by import By

    browser.execute_cdp_cmd("Browser.grantPermissions", {"origin": live_server, "permissions": ["geolocation"]})
    browser.execute_cdp_cmd("Emulation.setGeolocationOverride", {"latitude": 28.0050, "longitude": 120.6500, "accuracy": 9})
    log_in(browser, live_server, "grid")
    form_url = f"{live_server}/grid/institutions/{site}/visit"
    browser.get(form_url)
    wait_for(lambda: browser.find_element(By.ID, "latitude").get_attribute("value"))
    browser.find_element(By.ID, "notes").send_keys("地下室无信号")
    answer_all_clear(browser)
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": True, "latency": 0,
                                                                 "downloadThroughput": -1, "uploadThroughput": -1})
    browser.find_element(By.CSS_SELECTOR, "#visit-form button[type=submit]").click()
    status = wait_for(lambda: browser.find_element(By.ID, "draft-status").is_displayed()
                      and "网络不可用" in browser.find_element(By.ID, "draft-status").text)
    assert status and visits() == []
    # Back online: the kept draft is sent by itself.
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": False, "latency": 0,
                                                                 "downloadThroughput": -1, "uploadThroughput": -1})
    browser.execute_script("window.dispatchEvent(new Event('online'))")
    wait_for(lambda: "/grid/visits/" in browser.current_url)
    [visit] = visits()
    # Opening the form again finds no draft left, and sending the same draft twice never makes two visits.
    browser.get(form_url)
    wait_for(lambda: browser.find_element(By.ID, "latitude").get_attribute("value"))
    client_id = visit["client_id"]
    result = browser.execute_async_script("""
        var done = arguments[arguments.length - 1], form = document.getElementById('visit-form');
        var data = new FormData(form); data.set('client_id', arguments[0]);
        fetch(form.action || location.href, {method: 'POST', body: data, credentials: 'same-origin'})
          .then(function (r) { done(r.url); });
    """, client_id)
    assert "/grid/visits/" in result
    [visit] = visits()
    assert visit["notes"] == "地下室无信号"


def test_the_map_draws_the_cells(browser, live_server, grid, make_institution):
    from selenium.webdriver.common.by import By

    make_institution(latitude=28.005, longitude=120.65)
    make_institution(latitude=28.005, longitude=120.67, category="sports")
    db.session.rollback()
    log_in(browser, live_server, "admin")
    browser.get(f"{live_server}/grid/map")
    element = wait_for(lambda: browser.find_element(By.ID, "map").get_attribute("data-ready"))
    assert element == "4"  # D1, D2 and the two cells of D1
    assert browser.find_element(By.ID, "map").get_attribute("data-markers") == "2"
    shapes = browser.find_elements(By.CSS_SELECTOR, "#map path.leaflet-interactive")
    assert len(shapes) == 6  # four cells, two institutions
    scripts = browser.find_elements(By.CSS_SELECTOR, "script")
    assert all(s.get_attribute("src") for s in scripts)
    assert "/static/vendor/leaflet/leaflet.js" in [s.get_attribute("src").replace(live_server, "") for s in scripts]
    # The legend says what each colour counts; the cells are named; the chosen one stands out.
    legend = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#cell-legend li")]
    assert legend[0] == "网格颜色：网格内机构数" and legend[1:] == ["0", "1"]
    labels = sorted(t.text for t in browser.find_elements(By.CSS_SELECTOR, ".leaflet-tooltip.cell-label"))
    assert labels == ["东区", "西区北网格", "西区南网格"]  # the finest cells; 西区 is an outline around its two
    assert not browser.find_elements(By.CSS_SELECTOR, "#map path.chosen-cell")
    browser.get(f"{live_server}/grid/map?cell=D2")
    wait_for(lambda: browser.find_element(By.ID, "map").get_attribute("data-ready"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#map path.chosen-cell")) == 1
    assert "东区" in [t.text for t in browser.find_elements(By.CSS_SELECTOR, ".leaflet-tooltip.cell-label")]
    browser.find_element(By.CSS_SELECTOR, "#map-colour input[value=overdue]").click()
    assert browser.find_element(By.CSS_SELECTOR, "#cell-legend li").text == "网格颜色：待走访机构数"
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE" and "favicon" not in e["message"]]
    assert errors == []
