"""Every page of every role, in headless Chromium at a phone's width (390 px) and a desktop's (1366 px), on the demo
data: nothing scrolls sideways (a list reads as cards on a phone; only a grid of figures scrolls inside its box) and
no table cell is narrower than two characters of its text. The pages are those
the menu reaches and, from every page seen, the first record of each kind (institution, cell, visit, inspection,
lead, case, fine, escrow, figure ...); each role is one browser session. Screenshots of every page at both widths
go to test-artifacts/every-page/ for a person to look at."""
from __future__ import annotations

import base64
import re
import shutil
import threading
from urllib.parse import urljoin, urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select
from werkzeug.serving import make_server

from registry.commands import DEMO_PASSWORD, load_demo
from registry.extensions import db
from tests.browser.conftest import ARTIFACTS, CHROMEDRIVER, CHROMIUM, NO_CHROMIUM
from tests.conftest import make_test_app

WIDTHS = (390, 1366)
ROLES = ("admin", "edu", "market", "grid", None)  # None: the public, not logged in
MAX_PAGES = 60  # a role's pages at most: the menu's and one record of each kind

# A page of each kind is opened once per role: the first link to it found on the pages already seen.
KINDS = [(name, re.compile(pattern)) for name, pattern in (
    ("institution", r"^/institutions/\d+$"),
    ("institution form", r"^/institutions/\d+/edit$"),
    ("transition", r"^/institutions/\d+/transition/\w+$"),
    ("escrow", r"^/institutions/\d+/escrow$"),
    ("escrow form", r"^/institutions/\d+/escrow/(account|statements/new|charges/new)$"),
    ("visit form", r"^/grid/institutions/\d+/visit$"),
    ("inspection form", r"^/enforcement/institutions/\d+/inspect$"),
    ("cell", r"^/grid/cells/(?!import$|suggest$)[^/]+$"),
    ("visit", r"^/grid/visits/\d+$"),
    ("inspection", r"^/enforcement/inspections/\d+$"),
    ("lead", r"^/enforcement/leads/\d+$"),
    ("case", r"^/enforcement/cases/\d+$"),
    ("fine", r"^/enforcement/fines/\d+$"),
    ("checklist item", r"^/enforcement/checklists/\d+$"),
    ("figure's records", r"^/(enforcement/indicators|reports/records)/\w+$"),
    ("user", r"^/users/\d+$"),
    ("staff roster", r"^/institutions/\d+/staff(/new)?$"),
    ("staff member", r"^/staff/\d+$"),
    ("staff form", r"^/staff/\d+/(edit|end)$"),
    ("campaign", r"^/annual/campaigns/\d+$"),
    ("campaign list", r"^/annual/campaigns/\d+/institutions$"),
    ("annual inspection", r"^/annual/inspections/\d+$"),
)]
# Pages without an id: each is a kind of its own (a list, a new-record form, an import).
FIXED = re.compile(r"^/(institutions(/new|/import)?|users(/new)?|grid/(cells(/import)?|border|unassigned|round|visits|map)"
                   r"|escrow/(alerts|import(/\w+)?)|enforcement/(inspections|leads|cases|fines|checklists)(/new)?"
                   r"|reports/bulletin(/print)?|public(/\w+)?|report(/track)?|staff/(findings|matches|import/\w+)"
                   r"|annual/(new|results)?)?$")
NOT_PAGES = re.compile(r"\.(csv|xlsx|json)$|/photos/|/export")

MEASURE = """
const doc = document.documentElement, canvas = document.createElement("canvas").getContext("2d");
const narrow = [];
for (const cell of document.querySelectorAll("td, th")) {
  const text = cell.innerText.trim();
  if (!cell.offsetParent || [...text].length < 2) continue;
  const style = getComputedStyle(cell);
  canvas.font = style.font;
  const needed = canvas.measureText([...text].slice(0, 2).join("")).width;
  const width = cell.getBoundingClientRect().width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  if (width + 0.5 < needed) narrow.push(text.slice(0, 24) + " (" + Math.round(width) + " px)");
}
// A box of the page that scrolls sideways hides part of a list on a phone (a list there reads as cards); only a grid
// of figures (.matrix) scrolls in its box, its first column kept in view.
const boxed = [...document.querySelectorAll("main *")].filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1
  && ["auto", "scroll"].includes(getComputedStyle(e).overflowX) && !e.closest(".matrix"))
  .map(e => e.tagName.toLowerCase() + "." + e.className);
const bar = document.querySelector("header.topbar");
return {boxed: boxed, bar: bar ? bar.getBoundingClientRect().height : 0, scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, narrow: narrow,
        menu: [...document.querySelectorAll("nav.mainnav a[href]")].map(a => a.href),
        links: [...document.querySelectorAll("main a[href]")].map(a => a.href)};
"""


@pytest.fixture
def demo_server(database_url):
    """The demo data on the test database, served from a thread; yields the base URL and the public's tracking URL."""
    served = make_test_app(database_url, SESSION_COOKIE_SECURE=False)
    with served.app_context():
        load_demo()
        from registry.enforcement.models import Lead

        lead = db.session.scalars(select(Lead).where(Lead.source == "public").order_by(Lead.id)).first()
        track = f"/report/track?number={lead.tracking_number}&phone={lead.reporter_phone[-4:]}"
        db.session.remove()
    server = make_server("127.0.0.1", 0, served, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", track
    server.shutdown()
    with served.app_context():
        db.engine.dispose()


@pytest.fixture
def chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip(NO_CHROMIUM)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--lang=zh-CN"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


def test_every_page_fits_a_phone_and_a_desktop(demo_server, chromium):
    base, track = demo_server
    folder = ARTIFACTS / "every-page"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    problems, seen = [], {}
    for role in ROLES:
        chromium.delete_all_cookies()
        if role:
            log_in(chromium, base, role)
        start = ["/"] if role else ["/public", "/public?q=培训", "/public/white", "/public/black", "/report", track]
        pages = walk(chromium, base, start, role or "public", folder, problems)
        seen[role or "public"] = pages
    assert all(len(pages) >= 4 for pages in seen.values()), seen
    assert not problems, "\n".join(problems)


def test_the_menu_folds_behind_a_button_on_a_phone(demo_server, chromium):
    """One row at a phone's width; the button opens the menu (a checkbox: no script needed)."""
    base, _ = demo_server
    chromium.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                             {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": False})
    log_in(chromium, base, "edu")
    menu = chromium.find_element(By.CSS_SELECTOR, "nav.mainnav")
    button = chromium.find_element(By.CSS_SELECTOR, "label.menu-button")
    assert not menu.is_displayed() and button.text == "菜单" and button.size["height"] >= 44
    assert chromium.find_element(By.CSS_SELECTOR, "header.topbar").size["height"] <= 64
    button.click()
    assert menu.is_displayed() and "机构名录" in menu.text
    chromium.find_element(By.LINK_TEXT, "执法检查").click()
    WebDriverWait(chromium, 20).until(lambda d: urlsplit(d.current_url).path == "/enforcement/inspections")
    chromium.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                             {"width": 1366, "height": 900, "deviceScaleFactor": 1, "mobile": False})
    assert chromium.find_element(By.CSS_SELECTOR, "nav.mainnav").is_displayed()
    assert not chromium.find_element(By.CSS_SELECTOR, "label.menu-button").is_displayed()


def log_in(driver, base: str, username: str) -> None:
    driver.get(base + "/login")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(DEMO_PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(driver, 20).until(lambda d: urlsplit(d.current_url).path != "/login", f"{username} could not log in")


def walk(driver, base: str, start: list[str], who: str, folder, problems: list[str]) -> list[str]:
    """Open the start pages, the menu's and the first page of each kind linked from any page seen, at both widths;
    note every page that scrolls sideways or squeezes a cell. Returns the pages opened."""
    queue, opened, kinds = list(start), [], set()
    while queue and len(opened) < MAX_PAGES:
        url = queue.pop(0)
        if url in opened:
            continue
        opened.append(url)
        for width in WIDTHS:  # one load, laid out again at each width (the media queries follow the viewport)
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False})
            if width == WIDTHS[0]:
                driver.get(base + url)
            found = driver.execute_script(MEASURE)
            shot(driver, folder / f"{who}-{width}-{len(opened):02d}-{slug(url)}.png")
            if found["scrollWidth"] > found["innerWidth"]:
                problems.append(f"{who} {url} at {width} px: {found['scrollWidth']} px wide")
            if width < 800 and found["boxed"]:
                problems.append(f"{who} {url} at {width} px: scrolls sideways inside {found['boxed'][:3]}")
            if width < 800 and found["bar"] > 64:
                problems.append(f"{who} {url} at {width} px: the top bar is {found['bar']:.0f} px high")
            if found["narrow"]:
                problems.append(f"{who} {url} at {width} px: cells narrower than two characters: {found['narrow'][:5]}")
        for link in found["menu"] + found["links"]:
            parts = urlsplit(urljoin(base + url, link))
            if parts.netloc != urlsplit(base).netloc or NOT_PAGES.search(parts.path):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            kind = parts.path if FIXED.match(parts.path) else next((n for n, p in KINDS if p.match(parts.path)), None)
            if link in found["menu"] and kind is not None:
                queue.append(target)  # every menu entry, whatever its kind (a list, or the same list filtered)
            elif kind is not None and kind not in kinds:
                queue.append(target)
            kinds.add(kind)
    return opened


def shot(driver, path) -> None:
    """The whole page, not only the window (at most 6000 px high)."""
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 6000), "scale": 1}
    data = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip})
    path.write_bytes(base64.b64decode(data["data"]))


def slug(url: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", url).strip("-")[:60] or "home"
