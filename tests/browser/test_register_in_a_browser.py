"""An officer logs in and registers an institution in Chromium, mistyping the credit code first."""
import re

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from selenium.webdriver.support.ui import Select

from registry.extensions import db
from registry.register.models import Institution
from tests.conftest import credit_code


def test_register_with_a_mistaken_credit_code_then_correct_it(browser, live_server, log_in, screenshot):
    log_in("arts")
    assert "/login" not in browser.current_url
    screenshot("logged-in")

    right = credit_code()
    wrong = right[:-1] + ("0" if right[-1] != "0" else "1")
    browser.get(live_server + "/institutions/new")
    typed = {"name": "鹿城区浏览器艺术培训学校", "credit_code": wrong, "address": "浙江省温州市鹿城区五马街道解放街1号",
             "latitude": "28.0123", "longitude": "120.6543", "legal_representative": "王丽",
             "contact_phone": "13905771234", "floor_area": "300", "capacity": "60"}
    for name, value in typed.items():
        browser.find_element(By.ID, name).send_keys(value)
    Select(browser.find_element(By.ID, "category")).select_by_value("arts")
    Select(browser.find_element(By.ID, "district")).select_by_value("330302")
    Select(browser.find_element(By.ID, "status")).select_by_value("applied")
    browser.find_element(By.CSS_SELECTOR, "form.panel button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".field .error"))
    error = browser.find_element(By.ID, "credit_code").find_element(By.XPATH, "ancestor::*[contains(@class,'field')]")
    assert right[-1] in error.text  # the message names the check character it should be
    assert browser.find_element(By.ID, "name").get_attribute("value") == typed["name"]  # nothing typed is lost
    screenshot("wrong-check-character")

    code = browser.find_element(By.ID, "credit_code")
    code.clear()
    code.send_keys(right)
    browser.find_element(By.CSS_SELECTOR, "form.panel button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda b: re.search(r"/institutions/\d+$", b.current_url))
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("鹿城区浏览器艺术培训学校")
    screenshot("saved")
    db.session.rollback()
    assert db.session.query(Institution).filter_by(credit_code=right).one().name == typed["name"]
