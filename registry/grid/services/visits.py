"""Site visits: logged from a phone with a check-in position, checklist and photos (a problem is reported, 上报),
listed and opened."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from registry.core import audit, authz
from registry.core import storage
from registry.core.errors import NotFound
from registry.core.models import LOCAL_TIMEZONE, utcnow
from registry.core.pager import Page
from registry.core.photos import Upload, clean_photo
from registry.extensions import db
from registry.grid import geo, rules
from registry.grid.models import Cell, Visit, VisitPhoto, VisitReport
from registry.grid.services.cells import get_cell
from registry.grid.services.scope import cell_id_of, invalid_fields
from registry.grid.signals import visit_reported
from registry.register import services as register
from registry.register.models import Institution


MAX_PHOTOS = 6
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def _number(raw, name: str, problems: dict, *, low: float, high: float, required: bool) -> float | None:
    if raw in (None, ""):
        if required:
            problems[name] = gettext("Required.")
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        problems[name] = gettext("Enter a number.")
        return None
    if not math.isfinite(value) or not low <= value <= high:
        problems[name] = gettext("Enter a number between %(low)s and %(high)s.", low=low, high=high)
        return None
    return value


def _moment(raw, problems: dict) -> datetime:
    """An ISO time (with offset, or local time without), as naive UTC; not in the future, not over 31 days old."""
    if raw in (None, ""):
        return utcnow()
    try:
        moment = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        problems["visited_at"] = gettext("Enter a time as 2026-11-23T09:30.")
        return utcnow()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TIMEZONE)
    moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    now = utcnow()
    if moment > now + timedelta(minutes=10):
        problems["visited_at"] = gettext("The visit cannot be in the future.")
    elif moment < now - timedelta(days=31):
        problems["visited_at"] = gettext("A visit is recorded within a month.")
    return moment


def _checklist(raw, problems: dict) -> dict:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        problems["checklist"] = gettext("Send the checklist as an object of item: true/false.")
        return {}
    unknown = set(raw) - set(rules.CHECKLIST_KEYS)
    if unknown:
        problems["checklist"] = gettext("Unknown items: %(items)s.", items=", ".join(sorted(map(str, unknown))))
        return {}
    clean = {}
    for key, value in raw.items():
        if value in (None, ""):
            continue
        if isinstance(value, str) and value.lower() in ("yes", "true", "1", "no", "false", "0"):
            value = value.lower() in ("yes", "true", "1")
        if not isinstance(value, bool):
            problems["checklist"] = gettext("Answer each item with true or false.")
            return {}
        clean[key] = value
    return clean


@dataclass
class Recorded:
    visit: Visit
    created: bool  # False: the same client_id was already stored, and this is that visit


def record_visit(user, raw: dict, photos: list[Upload] | None = None) -> Recorded:
    """Log a site visit: check-in position and distance, checklist, notes, photos; a problem is reported (上报)."""
    authz.require(user, "visit.create")
    photos = photos or []
    client_id = str(raw.get("client_id") or "").strip() or None
    if client_id is not None and not CLIENT_ID.match(client_id):
        raise invalid_fields({"client_id": gettext("8 to 64 letters, digits, - or _.")})
    if client_id is not None:
        stored = db.session.scalar(select(Visit).where(Visit.worker_id == user.id, Visit.client_id == client_id))
        if stored is not None:
            return Recorded(stored, False)
    problems: dict[str, str] = {}
    institution_id = raw.get("institution_id")
    try:
        institution_id = int(institution_id)
    except (TypeError, ValueError):
        raise invalid_fields({"institution_id": gettext("Enter a whole number.")})
    institution = register.get_institution(user, institution_id, "institution.view")
    authz.require(user, "visit.create", institution)
    manual = raw.get("position_source") == "manual"
    latitude = _number(raw.get("latitude"), "latitude", problems, low=-90, high=90, required=not manual)
    longitude = _number(raw.get("longitude"), "longitude", problems, low=-180, high=180, required=not manual)
    if (latitude is None) != (longitude is None) and "latitude" not in problems and "longitude" not in problems:
        problems["latitude" if latitude is None else "longitude"] = gettext("Enter both latitude and longitude, or neither.")
    accuracy = _number(raw.get("accuracy"), "accuracy", problems, low=0, high=100_000, required=False)
    visited_at = _moment(raw.get("visited_at"), problems)
    checklist = _checklist(raw.get("checklist"), problems)
    outcome = str(raw.get("outcome") or rules.INSPECTED)
    reason = str(raw.get("outcome_reason") or "").strip()
    if "checklist" not in problems:
        problems.update({field: gettext(message) for field, message in rules.visit_problems(outcome, checklist, reason)
                         .items()})
    notes = str(raw.get("notes") or "").strip()
    for name, text in (("notes", notes), ("outcome_reason", reason)):
        if len(text) > 4000:
            problems[name] = gettext("At most %(count)s characters.", count=4000)
    if len(photos) > MAX_PHOTOS:
        problems["photos"] = gettext("At most %(count)s photos.", count=MAX_PHOTOS)
    if problems:
        raise invalid_fields(problems)
    cleaned = [(upload, *clean_photo(upload)) for upload in photos]

    distance = None
    if latitude is not None:
        distance = round(geo.distance_m(latitude, longitude, institution.latitude, institution.longitude), 1)
    config = current_app.config
    flags = rules.visit_flags(distance_m=distance, accuracy_m=accuracy, manual=manual,
                              max_distance_m=config.get("REGISTRY_VISIT_MAX_DISTANCE_M", 200),
                              max_accuracy_m=config.get("REGISTRY_VISIT_MAX_ACCURACY_M", 100))
    visit = Visit(institution_id=institution.id, worker_id=user.id, cell_id=cell_id_of(institution.id),
                  visited_at=visited_at, latitude=latitude, longitude=longitude, accuracy_m=accuracy,
                  position_source="manual" if manual else "gps", distance_m=distance, flagged=bool(flags),
                  flag_reason=",".join(flags), outcome=outcome, outcome_reason=reason, checklist=checklist, notes=notes,
                  client_id=client_id)
    audit.note(db.session, "visit.record")
    try:
        with db.session.begin_nested():
            db.session.add(visit)
    except IntegrityError:  # the same draft arrived twice at once: the other request stored it
        stored = db.session.scalar(select(Visit).where(Visit.worker_id == user.id, Visit.client_id == client_id))
        if stored is None:
            raise
        return Recorded(stored, False)
    for upload, data, kind in cleaned:
        key = storage.save(data, folder=f"visits/{visited_at:%Y/%m}", extension=kind.extension)
        db.session.add(VisitPhoto(visit=visit, storage_key=key, content_type=kind.content_type, size=len(data),
                                  original_name=(upload.filename or "")[:200]))
    found = rules.findings(checklist)
    if found or raw.get("report") in (True, "1", "true", "on", "y"):
        report = VisitReport(visit=visit, institution_id=institution.id, department_code=institution.department_code,
                             findings=found, notes=notes)
        db.session.add(report)
        db.session.flush()
        visit_reported.send(current_app._get_current_object(), report=report)
    db.session.flush()
    return Recorded(visit, True)


@dataclass
class VisitFilters:
    institution_id: int | None = None
    cell: str = ""
    flagged: bool | None = None


def list_visits(user, *, filters: VisitFilters, page: int = 1, per_page: int = 50) -> Page:
    """Visits of the institutions the user may see, newest first."""
    conditions = _visit_conditions(user, filters)
    total = db.session.scalar(select(func.count()).select_from(Visit).where(*conditions))
    items = db.session.scalars(select(Visit).where(*conditions).order_by(Visit.visited_at.desc(), Visit.id.desc())
                               .limit(per_page).offset((page - 1) * per_page)).all()
    return Page(list(items), total, page, per_page)


def latest_visits(user, institution_id: int, *, limit: int = 5) -> list[Visit]:
    """An institution's latest visits with their workers and reports, in one statement (its page's grid panel)."""
    conditions = _visit_conditions(user, VisitFilters(institution_id=institution_id))
    return list(db.session.scalars(select(Visit).where(*conditions).options(joinedload(Visit.worker), joinedload(Visit.report))
                                   .order_by(Visit.visited_at.desc(), Visit.id.desc()).limit(limit)))


def _visit_conditions(user, filters: VisitFilters) -> list:
    authz.require(user, "visit.list")
    conditions = []
    visible = register.visible_condition(user)
    if visible is not None:
        conditions.append(Visit.institution_id.in_(select(Institution.id).where(visible)))
    if filters.institution_id is not None:
        conditions.append(Visit.institution_id == filters.institution_id)
    if filters.cell:
        cell = get_cell(user, filters.cell)
        conditions.append(Visit.cell_id.in_(select(Cell.id).where(Cell.path.startswith(cell.path))))
    if filters.flagged is not None:
        conditions.append(Visit.flagged.is_(filters.flagged))
    return conditions


def get_visit(user, visit_id: int) -> Visit:
    """The visit, or NotFound; Forbidden unless the user may see its institution."""
    visit = db.session.get(Visit, visit_id)
    if visit is None:
        raise NotFound(gettext("There is no visit with id %(id)s.", id=visit_id))
    authz.require(user, "visit.view", visit.institution)
    return visit


def get_photo(user, visit_id: int, photo_id: int) -> VisitPhoto:
    visit = get_visit(user, visit_id)
    photo = db.session.get(VisitPhoto, photo_id)
    if photo is None or photo.visit_id != visit.id:
        raise NotFound(gettext("There is no such photo."))
    return photo
