"""The demo's annual inspection: last year's done with every grade, two rectifications overdue; this year's open."""
from datetime import date

from registry.annual import services
from registry.annual.demo import years
from registry.annual.models import Campaign
from registry.extensions import db


def test_the_demo_has_every_grade_and_two_overdue_rectifications(app, pin_today):
    from sqlalchemy import select

    from registry.accounts.models import User
    from registry.commands import load_demo

    today = pin_today(date(2026, 12, 7))
    assert years(today) == (2025, 2026)
    assert load_demo()
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    done = [c for c in db.session.scalars(select(Campaign)) if c.year == 2025]
    figures = [services.progress(admin, c.id) for c in done]
    total = {key: sum(f[key] for f in figures) for key in figures[0]}
    assert all(total[g] for g in ("pass", "basic", "fail", "absent"))
    assert total["pending"] == 0 and total["rectification_overdue"] == 2 and total["proposed"] == 1
    current = [c for c in db.session.scalars(select(Campaign)) if c.year == 2026]
    assert len(current) == 4 and sum(services.progress(admin, c.id)["pending"] for c in current) > 0


def test_the_demo_pages_show_real_figures(app, client, pin_today):
    from registry.commands import DEMO_PASSWORD, load_demo
    from tests.conftest import page

    pin_today(date(2026, 12, 7))
    load_demo()
    client.post("/login", data={"username": "arts", "password": DEMO_PASSWORD})
    campaigns = page(client.get("/annual/"))
    link = next(a["href"] for a in campaigns.select("td a") if "2025" in a.get_text())
    progress = page(client.get(link))
    overdue = progress.select_one(".figure-rectification_overdue a")
    assert overdue.get_text() == "1"
    listed = page(client.get(overdue["href"]))
    inspection = client.get(listed.select_one("td a")["href"])
    assert inspection.status_code == 200 and "整改逾期" in page(inspection).get_text()
    assert "基本合格" in page(inspection).select_one("dd.grade").get_text()
