"""A real headless Chromium against the app served on a loopback port. Screenshots of each step go to
`test-artifacts/` (or $REGISTRY_TEST_ARTIFACTS), kept by CI as the tests' artefacts."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from registry.config import PROJECT_ROOT
from registry.extensions import db
from tests.conftest import PASSWORD, make_test_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
ARTIFACTS = Path(os.environ.get("REGISTRY_TEST_ARTIFACTS", PROJECT_ROOT / "test-artifacts"))

NO_CHROMIUM = "needs Debian's chromium and chromium-driver"


@pytest.fixture
def live_server(app, users, database_url):
    """The app with CSRF on, as in production, served from a thread; yields its base URL."""
    db.session.commit()
    served = make_test_app(database_url, WTF_CSRF_ENABLED=True, SESSION_COOKIE_SECURE=False)  # plain HTTP here
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with served.app_context():
        db.engine.dispose()


@pytest.fixture
def browser():
    if not (CHROMIUM and CHROMEDRIVER):  # a pytestmark in a conftest marks nothing: the fixture skips
        pytest.skip(NO_CHROMIUM)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,900",
                 "--lang=zh-CN"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


@pytest.fixture
def screenshot(browser, request):
    """screenshot("step") saves test-artifacts/<test name>/<n>-step.png."""
    folder = ARTIFACTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    steps = iter(range(1, 100))

    def take(step: str) -> Path:
        path = folder / f"{next(steps):02d}-{step}.png"
        browser.save_screenshot(str(path))
        return path

    return take


@pytest.fixture
def log_in(browser, live_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def act(username: str):
        browser.get(live_server + "/login")
        browser.find_element(By.ID, "username").send_keys(username)
        browser.find_element(By.ID, "password").send_keys(PASSWORD)
        browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        WebDriverWait(browser, 10).until(lambda b: "/login" not in b.current_url or b.find_elements(By.CLASS_NAME, "error"))

    return act
