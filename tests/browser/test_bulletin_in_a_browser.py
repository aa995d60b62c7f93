"""The bulletin in Chromium: the figures, the records behind one, the print layout; no script refused by the CSP."""
from datetime import date, timedelta

from selenium.webdriver.common.by import By

from registry.extensions import db
from registry.register import services


def test_the_bulletin_its_records_and_its_print_layout(users, make_institution, browser, live_server, log_in,
                                                       screenshot):
    closed = [make_institution(name=f"鹿城区学科培训学校{n}", category="academic", licensed_on="2020-01-01")
              for n in range(4)]
    make_institution(name="鹿城区艺术培训学校", category="arts", licensed_on="2020-01-01")
    for institution in closed[:3]:  # three of four academic institutions closed (压减) last month
        services.transition_institution(users["edu"], institution.id, to="deregistered", reason="压减",
                                        effective_on=date.today() - timedelta(days=20))
    db.session.commit()

    log_in("market")
    browser.get(live_server + "/reports/bulletin?city=330300")
    rate = browser.find_element(By.CSS_SELECTOR, "tr#reduction_rate td")
    assert rate.text.startswith("75.00%")  # (4 − 1) ÷ 4
    screenshot("bulletin")

    browser.find_element(By.CSS_SELECTOR, "tr#academic_remaining td a").click()
    assert "鹿城区学科培训学校3" in browser.find_element(By.TAG_NAME, "main").text
    screenshot("records-behind-a-figure")

    browser.back()
    browser.find_element(By.LINK_TEXT, "打印版（A4）").click()
    assert "75.00%" in browser.find_element(By.TAG_NAME, "body").text
    screenshot("print-layout")
    refused = [entry["message"] for entry in browser.get_log("browser") if "Content Security Policy" in entry["message"]]
    assert refused == []
