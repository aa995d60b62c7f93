"""Addresses, phone numbers, floor areas and capacities."""
from __future__ import annotations

from registry.register.samples.words import MOBILE_SECOND_DIGITS, PLACES, ROADS, TOWNS


MOBILE_SHARE = 0.8
MIN_AREA_TENTHS, MAX_AREA_TENTHS = 800, 15000  # floor area 80.0–1,500.0 m², kept in tenths
MIN_M2_PER_STUDENT = 3


def street_address(rng, address_prefix: str, district_name: str) -> str:
    # Counties and county-level cities have towns (镇) besides subdistricts (街道).
    if district_name.endswith(("县", "市")) and rng.random() < 0.4:
        locality = rng.choice(TOWNS) + "镇"
    else:
        locality = rng.choice(PLACES) + "街道"
    number = rng.randint(1, 999) if rng.random() < 0.8 else rng.randint(1, 99)
    floor = rng.randint(1, 5)
    unit = rng.choice((
        "",
        f"{floor}楼",
        f"{floor}楼",
        f"{floor}楼{floor}{rng.randint(1, 20):02d}室",
        f"{rng.randint(1, 12)}幢{floor}楼",
    ))
    return f"{address_prefix}{district_name}{locality}{rng.choice(ROADS)}{number}号{unit}"


def phone_number(rng, area_code: str) -> str:
    if rng.random() < MOBILE_SHARE:
        return f"1{rng.choice(MOBILE_SECOND_DIGITS)}{rng.randrange(10**9):09d}"
    return f"{area_code}-8{rng.randrange(10**7):07d}"


def floor_area_tenths(rng) -> int:
    # Most premises are a few hundred m²; a long tail of large ones.
    tenths = round(rng.lognormvariate(7.9, 0.6))  # median ≈ 270 m²
    return min(max(tenths, MIN_AREA_TENTHS), MAX_AREA_TENTHS)


def student_capacity(rng, area_tenths: int) -> int:
    # Integer arithmetic on tenths keeps capacity × 3 ≤ floor area exact.
    most = area_tenths // (10 * MIN_M2_PER_STUDENT)
    return max(1, int(most * rng.uniform(0.5, 1.0)))
