"""Annual inspection fixtures: arts institutions (supervised by culture: the `arts` officers), a campaign of 2026
opened in the spring of 2027, and helpers that review an institution as its two officers would."""
from __future__ import annotations

from datetime import date

import pytest

from registry.extensions import db

TODAY = date(2027, 3, 15)  # the annual inspection of 2026 runs in the spring of 2027
CAMPAIGN = {"year": "2026", "materials_deadline": "2027-03-31", "results_deadline": "2027-05-31"}


@pytest.fixture(autouse=True)
def pin_today(monkeypatch):
    """Pin the annual inspection's (and the register's) idea of today, so dates mean what they say."""

    def pin(day: date) -> date:
        for module in ("registry.annual.services.campaigns", "registry.annual.services.reviews",
                       "registry.annual.services.common", "registry.annual.views", "registry.register.services",
                       "registry.reports.services.bulletins", "registry.reports.services.period_and_place"):
            monkeypatch.setattr(f"{module}.local_today", lambda: day, raising=False)
        return day

    pin(TODAY)
    return pin


@pytest.fixture
def officers(users, make_user):
    """The culture bureau's two officers (`arts`, `arts2`) and an education officer (`edu`)."""
    return {"arts": users["arts"], "arts2": make_user("arts2", "officer", "culture"), "edu": users["edu"],
            "admin": users["admin"], "market": users["market"]}


@pytest.fixture
def arts_institutions(make_institution):
    """Three licensed arts institutions: two licensed in 2021, one licensed after the 2026 cut-off day."""
    from registry.register.models import Institution

    first = make_institution(name="鹿城区星光舞蹈培训学校", category="arts")
    second = make_institution(name="鹿城区墨香书法培训中心", category="arts")
    late = make_institution(name="鹿城区新开美术培训中心", category="arts")
    db.session.get(Institution, late.id).licensed_on = date(2026, 11, 5)
    db.session.commit()
    return [first, second, late]


@pytest.fixture
def campaign(officers, arts_institutions):
    from registry.annual import services

    opened = services.open_campaign(officers["arts"], dict(CAMPAIGN))
    db.session.commit()
    return opened


@pytest.fixture
def inspection_of(campaign):
    from sqlalchemy import select

    from registry.annual.models import AnnualInspection

    def find(institution):
        return db.session.scalar(select(AnnualInspection).where(AnnualInspection.institution_id == institution.id,
                                                                AnnualInspection.year == campaign.year))

    return find


def review_data(*, lost=None, reasons=None, failing=(), **extra) -> dict:
    data = {"reviewed_on": "2027-03-10", "signed_by": "arts", "cosigned_by": "arts2", "lost": lost or {},
            "reasons": reasons or {k: "检查发现问题" for k in (lost or {})}, "failing": list(failing)}
    data.update(extra)
    return data


@pytest.fixture
def graded(officers, inspection_of):
    """Review an institution's 2026 inspection as `arts` and `arts2`, losing `lost` points."""
    from registry.annual import services

    def grade(institution, **kwargs):
        inspection = inspection_of(institution)
        done = services.review(officers["arts"], inspection.id, review_data(**kwargs), version=inspection.version)
        db.session.commit()
        return done

    return grade
