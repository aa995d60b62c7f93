"""The registration rules of DOMAIN.md, as pure functions over plain values."""
from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from stdnum.cn import uscc

from registry.core.problems import N_, Problem


class Category(StrEnum):
    academic = "academic"
    tech = "tech"
    arts = "arts"
    sports = "sports"


class Status(StrEnum):
    applied = "applied"
    licensed = "licensed"
    rejected = "rejected"
    suspended = "suspended"
    revoked = "revoked"
    deregistered = "deregistered"
    converted = "converted"


class TeachingMode(StrEnum):
    offline = "offline"
    online = "online"


# DOMAIN.md's lifecycle table: from → the statuses it may move to.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.applied: frozenset({Status.licensed, Status.rejected}),
    Status.licensed: frozenset({Status.suspended, Status.revoked, Status.deregistered, Status.converted}),
    Status.suspended: frozenset({Status.licensed, Status.revoked, Status.deregistered}),
    Status.rejected: frozenset(),
    Status.revoked: frozenset(),
    Status.deregistered: frozenset(),
    Status.converted: frozenset(),
}

# Transitions that end an institution's life: the UI asks for confirmation first.
FINAL_TRANSITIONS = frozenset({Status.revoked, Status.deregistered, Status.converted, Status.rejected})

CREDIT_CODE_KINDS = {
    "52": N_("private non-enterprise unit"),
    "12": N_("public institution"),
    "91": N_("enterprise"),
    "92": N_("individual business"),
}

# Flags: facts about a record an officer must look at; the record is kept.
FLAG_FOR_PROFIT_ACADEMIC = "for_profit_academic"
FLAG_NEW_ACADEMIC = "new_academic"
FLAG_CROWDED = "crowded"
FLAG_LABELS = {
    FLAG_FOR_PROFIT_ACADEMIC: N_("Academic institution with an enterprise (91) credit code: academic institutions must be non-profit"),
    FLAG_NEW_ACADEMIC: N_("New academic institution registered: check the stated reason"),
    FLAG_CROWDED: N_("Less than 3 m² of floor area per student at full capacity"),
}

MIN_AREA_PER_STUDENT = 3.0
PERMIT_PATTERN = re.compile(r"^教民\d{13}(\d{2})?$")
MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_PATTERN = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")

LIMITS = {"name": 200, "address": 300, "legal_representative": 50, "registration_reason": 500}
RANGES = {"latitude": (-90, 90), "longitude": (-180, 180), "floor_area": (1, 1_000_000), "capacity": (1, 1_000_000)}


def check_credit_code(code: str) -> Problem | None:
    """A credit code's length, alphabet and check character (GB 32100-2015)."""
    if len(code) != 18:
        return Problem(N_("A credit code has 18 characters; this one has %(count)s."), {"count": len(code)})
    # The body first: a bad last character is reported below with the character expected there.
    bad = [c for c in code[:17] if c not in uscc._alphabet]
    if bad:
        return Problem(N_("“%(char)s” cannot appear in a credit code (I, O, S, V and Z are never used)."), {"char": bad[0]})
    if not (code[:8].isascii() and code[:8].isdigit()):
        return Problem(N_("The first 8 characters of a credit code are digits (registration kind and region code)."))
    expected = uscc.calc_check_digit(code)
    if code[-1] != expected:
        return Problem(
            N_("Wrong check character: the last character should be “%(expected)s”, not “%(given)s”."),
            {"expected": expected, "given": code[-1]},
        )
    return None


def check_permit_number(permit: str) -> Problem | None:
    """Loose check: `教民` numbers carry 13 (2004 scheme) or 15 digits; other permits pass as typed."""
    if permit.startswith("教民") and not PERMIT_PATTERN.match(permit):
        return Problem(N_("A 教民 permit number is 教民 followed by 13 or 15 digits."))
    return None


def check_district_place(chosen: str, found: str | None, *, chosen_bounded: bool, names: dict[str, str]) -> Problem | None:
    """The chosen district against where the point lies (`found`: the district whose boundary holds it, or None).

    A point in another district's boundary names that district; a point in none is refused only when the chosen
    district's boundary is known (without it, nothing can tell)."""
    if found is not None and found != chosen:
        return Problem(N_("The coordinates lie in %(found)s, not in the chosen %(chosen)s."),
                       {"found": names.get(found, found), "chosen": names.get(chosen, chosen)})
    if found is None and chosen_bounded:
        return Problem(N_("The coordinates lie outside the chosen %(chosen)s."), {"chosen": names.get(chosen, chosen)})
    return None


def check_phone(phone: str) -> Problem | None:
    compact = phone.replace(" ", "")
    if MOBILE_PATTERN.match(compact) or LANDLINE_PATTERN.match(compact):
        return None
    return Problem(N_("Enter an 11-digit mobile number or a landline with its area code, such as 0577-88886666."))


def check_coordinates(latitude: float, longitude: float, bounds: tuple[float, float, float, float]) -> dict[str, Problem]:
    min_lon, min_lat, max_lon, max_lat = bounds
    problems = {}
    if not -90 <= latitude <= 90:
        problems["latitude"] = Problem(N_("Latitude is between -90 and 90."))
    elif not min_lat <= latitude <= max_lat:
        problems["latitude"] = Problem(
            N_("Outside the jurisdiction: latitude must be between %(low)s and %(high)s."), {"low": min_lat, "high": max_lat}
        )
    if not -180 <= longitude <= 180:
        problems["longitude"] = Problem(N_("Longitude is between -180 and 180."))
    elif not min_lon <= longitude <= max_lon:
        problems["longitude"] = Problem(
            N_("Outside the jurisdiction: longitude must be between %(low)s and %(high)s."), {"low": min_lon, "high": max_lon}
        )
    return problems


def check_transition(current: Status, target: Status, category: Category) -> Problem | None:
    if target not in TRANSITIONS[current]:
        return Problem(
            N_("An institution that is “%(current)s” cannot become “%(target)s”."),
            {"current": current.value, "target": target.value},
        )
    if target is Status.converted and category is not Category.academic:
        return Problem(N_("Only academic institutions are converted to a non-academic category."))
    return None


def institution_flags(*, category: str, credit_code: str, floor_area: float | None, capacity: int | None,
                      is_new_academic: bool = False) -> list[str]:
    flags = []
    if category == Category.academic and credit_code.startswith("91"):
        flags.append(FLAG_FOR_PROFIT_ACADEMIC)
    if is_new_academic:
        flags.append(FLAG_NEW_ACADEMIC)
    if floor_area and capacity and floor_area / capacity < MIN_AREA_PER_STUDENT:
        flags.append(FLAG_CROWDED)
    return flags


# --- parsing one record's fields, alike for the form, the API and the CSV import ---------------------------

REQUIRED = ("name", "credit_code", "category", "address", "district", "latitude", "longitude")
TEXT_FIELDS = ("name", "credit_code", "permit_number", "address", "district", "legal_representative",
               "contact_phone", "registration_reason")


def _text(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError
    return " ".join(value.split())  # collapse whitespace and strip control characters like \n, \t


def _number(value, kind):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, (int, float)):
        number = kind(value)
        if kind is int and number != value:
            raise ValueError
        return number
    if isinstance(value, str):
        return kind(value.strip())
    raise ValueError


def parse_institution(raw: dict, *, bounds, districts: set[str]) -> tuple[dict, dict[str, Problem]]:
    """Check and normalise an institution's fields; returns the clean values and the problems by field."""
    clean: dict = {}
    problems: dict[str, Problem] = {}

    for name in TEXT_FIELDS:
        if name in raw:
            try:
                clean[name] = _text(raw[name])
            except TypeError:
                problems[name] = Problem(N_("Enter text."))
    if "credit_code" in clean:
        clean["credit_code"] = clean["credit_code"].replace(" ", "").upper()
    for name, limit in LIMITS.items():
        if len(clean.get(name) or "") > limit:
            problems[name] = Problem(N_("At most %(limit)s characters."), {"limit": limit})

    for name, kind in (("latitude", float), ("longitude", float), ("floor_area", float), ("capacity", int)):
        low, high = RANGES[name]
        if name not in raw:
            continue
        try:
            clean[name] = _number(raw[name], kind)
        except (ValueError, TypeError, OverflowError):
            problems[name] = Problem(N_("Enter a number.") if kind is float else N_("Enter a whole number."))
            continue
        value = clean[name]
        if value is not None and name in ("floor_area", "capacity") and not low <= value <= high:
            problems[name] = Problem(N_("Enter a value between %(low)s and %(high)s."), {"low": low, "high": high})
        if kind is float and value is not None and value != value:  # NaN
            problems[name] = Problem(N_("Enter a number."))

    for name, enum in (("category", Category), ("teaching_mode", TeachingMode)):
        if name in raw:
            value = raw[name] if raw[name] is not None else ""
            if value == "" and name == "teaching_mode":
                clean[name] = TeachingMode.offline
            elif isinstance(value, str) and value.strip() in enum.__members__:
                clean[name] = enum(value.strip())
            else:
                problems[name] = Problem(N_("Choose one of: %(choices)s."), {"choices": ", ".join(enum.__members__)})

    for name in REQUIRED:
        if clean.get(name) in (None, "") and name not in problems:
            problems[name] = Problem(N_("Required."))

    if clean.get("credit_code") and "credit_code" not in problems:
        problem = check_credit_code(clean["credit_code"])
        if problem:
            problems["credit_code"] = problem
    if clean.get("permit_number") and "permit_number" not in problems:
        problem = check_permit_number(clean["permit_number"])
        if problem:
            problems["permit_number"] = problem
    if clean.get("contact_phone") and "contact_phone" not in problems:
        problem = check_phone(clean["contact_phone"])
        if problem:
            problems["contact_phone"] = problem
    if clean.get("district") and "district" not in problems and clean["district"] not in districts:
        problems["district"] = Problem(N_("Unknown district code “%(code)s”."), {"code": clean["district"]})
    if clean.get("latitude") is not None and clean.get("longitude") is not None:
        for name, problem in check_coordinates(clean["latitude"], clean["longitude"], bounds).items():
            problems.setdefault(name, problem)
    return clean, problems


def parse_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())
