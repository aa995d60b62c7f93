"""The generator: one dict of strings per institution, keyed by FIELDS."""
from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterator

from registry.register.samples.codes_and_permits import CreditCodes, PermitNumbers
from registry.register.samples.contact_and_premises import (floor_area_tenths, phone_number, street_address,
                                                            student_capacity)
from registry.register.samples.districts import District, PointSampler
from registry.register.samples.names import person_name, unique_name
from registry.register.samples.plans import demo_plan, register_plan


FIELDS = (
    "name", "credit_code", "category", "permit_number", "address", "district",
    "latitude", "longitude", "legal_representative", "contact_phone", "floor_area",
    "capacity", "teaching_mode", "status", "licensed_on",
)
STATUS_MIXES = ("register", "demo")

NEW_PERMIT_SHARE = 0.2  # permits in the newer 15-digit form
ONLINE_SHARE = 0.08

NEVER_LICENSED = frozenset({"applied", "rejected"})
FIRST_LICENCE = dt.date(2016, 1, 1)
LAST_LICENCE = dt.date(2026, 10, 31)
# The 2021 "double reduction" opinion: no academic institution is licensed after it.
LAST_ACADEMIC_LICENCE = dt.date(2021, 7, 23)


def generate_institutions(
    n: int,
    *,
    seed: int,
    districts: list[District],
    status_mix: str = "register",
    address_prefix: str = "浙江省温州市",
    area_code: str = "0577",
) -> Iterator[dict]:
    """Yield n institution records (dicts of strings keyed by FIELDS) spread over districts.

    address_prefix is the province and city every address starts with; the city name used in
    institution names is its last part ("温州市"). area_code is the landline prefix.
    """
    if status_mix not in STATUS_MIXES:
        raise ValueError(f"status_mix must be one of {STATUS_MIXES}, not {status_mix!r}")
    if not districts:
        raise ValueError("no districts to place institutions in")
    rng = random.Random(seed)
    plan = demo_plan(n, rng) if status_mix == "demo" else register_plan(n, rng)
    return _generate(plan, rng, districts, address_prefix, area_code)


def _generate(plan, rng, districts, address_prefix, area_code) -> Iterator[dict]:
    city = _city_name(address_prefix)
    samplers = {d.code: PointSampler(d.geometry, rng) for d in districts}
    credit_codes = CreditCodes(rng)
    permits = PermitNumbers()
    taken_names: set[str] = set()

    for category, status, enterprise in plan:
        district = rng.choice(districts)
        kind = "91" if enterprise else "52"
        longitude, latitude = samplers[district.code].next_point()
        licensed_on = _licence_date(rng, category, status)
        permit = ""
        if licensed_on:
            newer_form = rng.random() < NEW_PERMIT_SHARE
            permit = permits.issue(district.code, licensed_on.year, newer_form)
        area_tenths = floor_area_tenths(rng)
        yield {
            "name": unique_name(rng, category, enterprise, district.name, city, taken_names),
            "credit_code": credit_codes.issue(kind, district.code),
            "category": category,
            "permit_number": permit,
            "address": street_address(rng, address_prefix, district.name),
            "district": district.code,
            "latitude": f"{latitude:.6f}",
            "longitude": f"{longitude:.6f}",
            "legal_representative": person_name(rng),
            "contact_phone": phone_number(rng, area_code),
            "floor_area": f"{area_tenths // 10}.{area_tenths % 10}",
            "capacity": str(student_capacity(rng, area_tenths)),
            "teaching_mode": "online" if rng.random() < ONLINE_SHARE else "offline",
            "status": status,
            "licensed_on": licensed_on.isoformat() if licensed_on else "",
        }


def _city_name(address_prefix: str) -> str:
    """"浙江省温州市" → "温州市"; "北京市" → "北京市"."""
    return re.sub(r"^.*?(省|自治区)", "", address_prefix)


def _licence_date(rng, category: str, status: str) -> dt.date | None:
    if status in NEVER_LICENSED:
        return None
    last = LAST_ACADEMIC_LICENCE if category == "academic" else LAST_LICENCE
    return FIRST_LICENCE + dt.timedelta(days=rng.randrange((last - FIRST_LICENCE).days + 1))
