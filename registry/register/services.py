"""The register's actions: one function per thing a user does. Each checks rights, validates, writes, flushes.

The caller commits (the request on success, or the CLI command), so a failed action leaves nothing behind.
"""
from __future__ import annotations

from datetime import date

from flask import current_app, g
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from registry.core import audit, authz
from registry.core.errors import Invalid, NotFound
from registry.core.models import MAX_ID, local_today
from registry.core.messages import shown, stored
from registry.core.problems import N_, Problem, translate
from registry.core.versions import check_version, flush_versioned
from registry.extensions import db
from registry.register import places, rules
from registry.register.models import CategoryRef, Department, District, Institution, StatusChange
from registry.register.rules import Category, Status

EDITABLE_FIELDS = ("name", "credit_code", "permit_number", "address", "district", "latitude", "longitude",
                   "legal_representative", "contact_phone", "floor_area", "capacity", "teaching_mode")
NULLABLE_FIELDS = ("floor_area", "capacity")
INITIAL_STATUSES = (Status.applied, Status.licensed)


# --- reference data ------------------------------------------------------------------------------------

def districts() -> list[District]:
    """Every district, the home city's first (`home_city`), then by code: what every district picker offers."""
    found = list(db.session.scalars(select(District).order_by(District.city_code, District.code)))
    home = home_city(found)
    return sorted(found, key=lambda d: d.city_code != home)  # stable: code order within each part


def home_city(listed: list[District] | None = None) -> str:
    """The city the register serves: the configured one (REGISTRY_CITY; the demo's city), else the city with the
    most institutions on the register (counted once per request from the district index)."""
    configured = current_app.config.get("REGISTRY_CITY")
    if configured:
        return configured
    if "registry_home_city" not in g:
        cities = {d.code: d.city_code for d in (listed if listed is not None else districts_by_code().values())}
        counts: dict[str, int] = {}
        for district, count in db.session.execute(
                select(Institution.district, func.count()).group_by(Institution.district)):
            counts[cities.get(district, "")] = counts.get(cities.get(district, ""), 0) + count
        counts.pop("", None)
        g.registry_home_city = min(counts, key=lambda city: (-counts[city], city)) if counts else ""
    return g.registry_home_city


def districts_by_code() -> dict[str, District]:
    return {d.code: d for d in db.session.scalars(select(District))}


def district_codes() -> set[str]:
    return set(db.session.scalars(select(District.code)))


def departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.code)))


def category_departments() -> dict[str, str]:
    return dict(db.session.execute(select(CategoryRef.code, CategoryRef.department_code)).all())


def department_for(category: Category | str) -> str:
    department = db.session.scalar(select(CategoryRef.department_code).where(CategoryRef.code == str(category)))
    if department is None:
        raise Invalid(gettext("Unknown category."), {"category": [gettext("Unknown category.")]})
    return department


# --- reading -------------------------------------------------------------------------------------------

def _visible(user):
    """The WHERE clause of what `user` may read, from the one authorization decision point."""
    scope = authz.institution_scope(user)
    if scope.all:
        return None
    if scope.cells:
        return Institution.id.in_(scope.institutions)
    return Institution.department_code.in_(scope.departments) if scope.departments else Institution.id.is_(None)


def get_institution(user, institution_id: int, action: str = "institution.view") -> Institution:
    """The institution, or NotFound; Forbidden when `user` may not do `action` to it."""
    institution = db.session.get(Institution, institution_id) if 0 < institution_id <= MAX_ID else None
    if institution is None:
        raise NotFound(gettext("There is no institution with id %(id)s.", id=institution_id))
    authz.require(user, action, institution)
    return institution


def successor(institution: Institution) -> Institution | None:
    """The record a conversion made of this one; only a converted institution has one (and stays converted)."""
    if institution.status is not Status.converted:
        return None
    return db.session.scalar(select(Institution).where(Institution.converted_from_id == institution.id))


def history(user, institution_id: int) -> dict:
    """Everything that happened to an institution: the audit entries and its dated lifecycle steps."""
    institution = get_institution(user, institution_id)
    return {
        "entries": audit.entries_for(db.session, "institution", institution.id),
        "status_changes": list(db.session.scalars(
            select(StatusChange).where(StatusChange.institution_id == institution.id).order_by(StatusChange.id))),
    }


def editable_values(institution: Institution) -> dict:
    return {name: getattr(institution, name) for name in EDITABLE_FIELDS}


# --- validating ----------------------------------------------------------------------------------------

def _parse(raw: dict, *, check_place: bool = True) -> dict:
    clean, problems = rules.parse_institution(raw, bounds=current_app.config["REGISTRY_BOUNDS"],
                                              districts=district_codes())
    if check_place and not problems.keys() & {"district", "latitude", "longitude"}:
        problem = place_problem(clean["district"], clean["longitude"], clean["latitude"])
        if problem is not None:
            problems["district"] = problem
    if problems:
        raise Invalid(gettext("Please correct the marked fields."),
                      {name: [translate(problem)] for name, problem in problems.items()})
    return clean


def place_problem(district: str, longitude: float, latitude: float, placer=None) -> Problem | None:
    """The district against the district boundaries (registry.register.places); None where nothing can tell.
    `placer`: the boundaries to use (an import takes them once for all its rows)."""
    placer = placer or places.placer()
    if placer is None:
        return None
    placement = placer.place(longitude, latitude, district)
    named = {code for code in (district, placement.found) if code}
    names = {code: name for code, name in db.session.execute(select(District.code, District.name).where(District.code.in_(named)))}
    return rules.check_district_place(district, placement.found, chosen_bounded=placement.chosen_bounded, names=names)


def _check_credit_code_free(credit_code: str, *, except_id: int | None = None) -> None:
    query = select(Institution).where(Institution.credit_code == credit_code, Institution.status != Status.converted)
    if except_id is not None:
        query = query.where(Institution.id != except_id)
    holder = db.session.scalars(query).first()
    if holder is not None:
        message = gettext("Already registered: %(name)s (No. %(id)s).", name=holder.name, id=holder.id)
        raise Invalid(gettext("Please correct the marked fields."), {"credit_code": [message]})


def _flush(*, on_integrity_field: str = "credit_code") -> None:
    try:
        db.session.flush()
    except StaleDataError:
        raise  # handled by the caller, who knows the record
    except IntegrityError:
        db.session.rollback()
        raise Invalid(gettext("Please correct the marked fields."),
                      {on_integrity_field: [gettext("Another record was saved with this value at the same time.")]})


def _refresh_flags(institution: Institution, *, is_new_academic: bool = False) -> None:
    keep_new = rules.FLAG_NEW_ACADEMIC in (institution.flags or [])
    institution.flags = rules.institution_flags(
        category=institution.category, credit_code=institution.credit_code, floor_area=institution.floor_area,
        capacity=institution.capacity, is_new_academic=is_new_academic or keep_new)


def _record_status(institution: Institution, previous: Status | None, *, effective_on: date, reason: str, user) -> None:
    db.session.add(StatusChange(institution=institution, from_status=previous, to_status=institution.status,
                                effective_on=effective_on, reason=reason, actor_id=getattr(user, "id", None)))


def _initial_status(raw: dict) -> tuple[Status, date | None]:
    status_text = raw.get("status") or Status.applied.value
    problems = {}
    if status_text not in [s.value for s in INITIAL_STATUSES]:
        problems["status"] = [gettext("A new record starts as applied or licensed.")]
    try:
        licensed_on = rules.parse_date(raw.get("licensed_on"))
    except ValueError:
        licensed_on = None
        problems["licensed_on"] = [gettext("Enter a date as YYYY-MM-DD.")]
    if problems:
        raise Invalid(gettext("Please correct the marked fields."), problems)
    return Status(status_text), licensed_on


# --- writing -------------------------------------------------------------------------------------------

def register_institution(user, raw: dict) -> Institution:
    """Register a new institution (status applied, or licensed when its permit already exists)."""
    authz.require(user, "institution.create")  # may register at all, before telling anything about the input
    clean = _parse(raw)
    department = department_for(clean["category"])
    authz.require(user, "institution.create", department)
    status, licensed_on = _initial_status(raw)
    problems: dict[str, list[str]] = {}
    is_academic = clean["category"] == Category.academic
    if is_academic and not clean.get("registration_reason"):
        problems["registration_reason"] = [gettext(
            "No new academic institution may be licensed: state why this one is registered "
            "(re-registration, conversion, ...).")]
    if status is Status.licensed and not clean.get("permit_number"):
        problems["permit_number"] = [gettext("A licensed institution has a permit number.")]
    if licensed_on and licensed_on > local_today():
        problems["licensed_on"] = [gettext("The licence date cannot be in the future.")]
    if problems:
        raise Invalid(gettext("Please correct the marked fields."), problems)
    _check_credit_code_free(clean["credit_code"])

    institution = Institution(**clean, department_code=department, status=status,
                              licensed_on=licensed_on if status is Status.licensed else None,
                              status_since=licensed_on or local_today())
    _refresh_flags(institution, is_new_academic=is_academic)
    db.session.add(institution)
    audit.note(db.session, "institution.register", clean.get("registration_reason") or None)
    _record_status(institution, None, effective_on=institution.status_since,
                   reason=clean.get("registration_reason", ""), user=user)
    _flush()
    return institution


def update_institution(user, institution_id: int, raw: dict, *, version) -> Institution:
    """Change an institution's details; refused as stale when `version` is not the current one."""
    institution = get_institution(user, institution_id, "institution.edit")
    check_version(institution, version)
    if "category" in raw and raw["category"] != institution.category.value:
        raise Invalid(gettext("Please correct the marked fields."), {"category": [gettext(
            "A change of category is a conversion: use the lifecycle action “convert”.")]})
    unknown = set(raw) - set(EDITABLE_FIELDS) - {"category", "version", "registration_reason"}
    if unknown:
        raise Invalid(gettext("Unknown fields."), {name: [gettext("This field cannot be changed here.")] for name in sorted(unknown)})
    # A reason the system wrote (a conversion's) is kept as its message while the reader sends it back unchanged.
    reason_as_read = shown(institution.registration_reason) or ""
    keep_reason = raw.get("registration_reason", reason_as_read) == reason_as_read
    merged = {**{k: _as_raw(v) for k, v in editable_values(institution).items()},
              "category": institution.category.value, "registration_reason": reason_as_read,
              **{k: v for k, v in raw.items() if k != "version"}}
    clean = _parse(merged, check_place=False)
    # A record kept from before the boundaries were loaded stays editable: its place is checked when it changes.
    if any(clean[name] != getattr(institution, name) for name in ("district", "latitude", "longitude")):
        problem = place_problem(clean["district"], clean["longitude"], clean["latitude"])
        if problem is not None:
            raise Invalid(gettext("Please correct the marked fields."), {"district": [translate(problem)]})
    if clean["credit_code"] != institution.credit_code:
        _check_credit_code_free(clean["credit_code"], except_id=institution.id)
    for name in EDITABLE_FIELDS:
        value = clean.get(name)
        if value is None and name not in NULLABLE_FIELDS:
            value = ""
        if getattr(institution, name) != value:
            setattr(institution, name, value)
    if not keep_reason:
        institution.registration_reason = clean.get("registration_reason", "")
    _refresh_flags(institution)
    audit.note(db.session, "institution.update")
    flush_versioned(institution, _flush)
    return institution


def transition_institution(user, institution_id: int, *, to: str, reason: str, version=None,
                           effective_on=None, permit_number: str = "", new_category: str = "") -> Institution:
    """Move an institution along its lifecycle; a conversion also registers its successor. Returns the institution."""
    institution = get_institution(user, institution_id, "institution.transition")
    if version not in (None, ""):
        check_version(institution, version)
    problems: dict[str, list[str]] = {}
    target = Status(to) if to in Status.__members__ else None
    if target is None:
        problems["to"] = [gettext("Unknown status “%(status)s”.", status=str(to)[:40])]
    else:
        problem = rules.check_transition(institution.status, target, institution.category)
        if problem:
            problems["to"] = [translate(problem)]
    reason = " ".join((reason or "").split()) if isinstance(reason, str) else ""
    if not reason:
        problems["reason"] = [gettext("Give the reason for this change.")]
    try:
        effective = rules.parse_date(effective_on) or local_today()
        if effective > local_today():
            problems["effective_on"] = [gettext("The date cannot be in the future.")]
    except ValueError:
        problems["effective_on"] = [gettext("Enter a date as YYYY-MM-DD.")]
    permit_number = " ".join((permit_number or "").split())
    if target is Status.licensed and institution.status is Status.applied and not (permit_number or institution.permit_number):
        problems["permit_number"] = [gettext("Give the number of the permit issued.")]
    elif permit_number and (problem := rules.check_permit_number(permit_number)):
        problems["permit_number"] = [translate(problem)]
    if target is Status.converted and new_category not in (Category.tech, Category.arts, Category.sports):
        problems["new_category"] = [gettext("Choose the non-academic category it converts to.")]
    if problems:
        raise Invalid(gettext("This change cannot be made."), problems)

    previous = institution.status
    institution.status = target
    institution.status_since = effective
    if permit_number:
        institution.permit_number = permit_number
    if target is Status.licensed and institution.licensed_on is None:
        institution.licensed_on = effective
    audit.note(db.session, f"institution.{target.value}", reason)
    _record_status(institution, previous, effective_on=effective, reason=reason, user=user)
    flush_versioned(institution, _flush)
    if target is Status.converted:
        _register_successor(user, institution, Category(new_category), effective, reason)
    return institution


def _register_successor(user, origin: Institution, category: Category, effective: date, reason: str) -> Institution:
    values = editable_values(origin)
    values["permit_number"] = ""  # the new supervising department issues its own permit
    new = Institution(**values, category=category, department_code=department_for(category), status=Status.applied,
                      status_since=effective, converted_from_id=origin.id,
                      registration_reason=stored(Problem(N_("Converted from academic institution No. %(id)s: %(reason)s"),
                                                         {"id": origin.id, "reason": reason})))
    _refresh_flags(new)
    db.session.add(new)
    _record_status(new, None, effective_on=effective, reason=new.registration_reason, user=user)
    audit.note(db.session, "institution.register_conversion", reason)
    _flush()
    return new


def _as_raw(value):
    return value.value if hasattr(value, "value") else value


def visible_condition(user):
    """The WHERE clause of the institutions `user` may read (None: all), for other areas' lists."""
    return _visible(user)
