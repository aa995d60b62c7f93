"""What a bulletin is asked for: the period (or the last full half-month), the city and its districts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select

from registry.core.errors import Invalid
from registry.core.models import local_today
from registry.extensions import db
from registry.register.models import District, Institution
from registry.reports import rules
from registry.reports.rules import Period


@dataclass(frozen=True)
class City:
    code: str
    name: str


def cities() -> list[City]:
    return [City(code, name) for code, name in db.session.execute(
        select(District.city_code, District.city_name).distinct().order_by(District.city_code))]


def default_city() -> str:
    """The register's city (REGISTRY_CITY) when set and known, else the city with the most institutions on the
    register (the first listed when it is empty)."""
    configured = current_app.config.get("REGISTRY_CITY")
    if configured and db.session.scalar(select(District.code).where(District.city_code == configured).limit(1)):
        return configured
    busiest = db.session.execute(
        select(District.city_code, func.count(Institution.id)).join(Institution, Institution.district == District.code)
        .group_by(District.city_code).order_by(func.count(Institution.id).desc(), District.city_code).limit(1)).first()
    if busiest:
        return busiest[0]
    listed = cities()
    return listed[0].code if listed else ""


def districts_of(city_code: str) -> list[District]:
    return list(db.session.scalars(select(District).where(District.city_code == city_code).order_by(District.code)))


def parse_period(start_text: str | None, end_text: str | None, *, today: date | None = None) -> Period:
    """The period asked for (both dates), or the last full half-month; Invalid when it cannot be reported on."""
    today = today or local_today()
    if not start_text and not end_text:
        return rules.last_full_fortnight(today)
    problems = {}
    days = {}
    for name, text in (("start", start_text), ("end", end_text)):
        try:
            days[name] = date.fromisoformat((text or "").strip())
        except ValueError:
            problems[name] = [gettext("Enter a date as YYYY-MM-DD.")]
    if problems:
        raise Invalid(gettext("Please correct the period."), problems)
    problem = rules.check_period(days["start"], days["end"], today=today)
    if problem:
        message = {"end_before_start": gettext("The period ends before it starts."),
                   "in_future": gettext("The period cannot end after today."),
                   "too_long": gettext("A bulletin covers at most ten years.")}[problem]
        raise Invalid(gettext("Please correct the period."), {"end": [message]})
    return Period(days["start"], days["end"])


def district_name(code: str) -> str:
    if not code:
        return ""
    district = db.session.get(District, code[:12])
    return f"{district.city_name} {district.name}" if district else code
