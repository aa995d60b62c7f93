"""Checklists per category and violation types: loaded from fixtures/, checklists then edited by administrators."""
from __future__ import annotations

import csv
from pathlib import Path

from flask_babel import gettext
from sqlalchemy import select

from registry.core import audit, authz
from registry.core.errors import NotFound
from registry.enforcement.models import ChecklistItem, ViolationType
from registry.enforcement.rules import BulletinGroup, FineTerms
from registry.enforcement.services.common import invalid, text, whole_number
from registry.extensions import db
from registry.register.rules import Category

CHECKLISTS = "checklists.csv"
VIOLATION_TYPES = "violation_types.csv"


MAX_POSITION = 10_000  # an item's place in its checklist


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _fen(yuan: str) -> int | None:
    return int(round(float(yuan) * 100)) if yuan.strip() else None


def load_reference(fixtures: Path) -> None:
    """Checklist items not yet there are added (an administrator's edits are kept); violation types are the file's."""
    have = set(db.session.execute(select(ChecklistItem.category, ChecklistItem.key)).all())
    audit.note(db.session, "checklist.load")
    for row in _rows(fixtures / CHECKLISTS):
        if (row["category"], row["key"]) not in have:
            db.session.add(ChecklistItem(category=row["category"], key=row["key"], position=int(row["position"]),
                                         label_zh=row["label_zh"], label_en=row["label_en"],
                                         legal_basis=row["legal_basis"], bulletin_group=row["bulletin_group"]))
    for row in _rows(fixtures / VIOLATION_TYPES):
        times = (row["income_times_min"].strip(), row["income_times_max"].strip())
        db.session.merge(ViolationType(
            code=row["code"], name_zh=row["name_zh"], name_en=row["name_en"], legal_basis=row["legal_basis"],
            fine_min=_fen(row["fine_min_yuan"]), fine_max=_fen(row["fine_max_yuan"]),
            income_times_min=float(times[0]) if times[0] else None, income_times_max=float(times[1]) if times[1] else None,
            bulletin_group=BulletinGroup(row["bulletin_group"])))
    db.session.flush()


def checklist(category: str, *, active_only: bool = True) -> list[ChecklistItem]:
    query = select(ChecklistItem).where(ChecklistItem.category == str(category))
    if active_only:
        query = query.where(ChecklistItem.active.is_(True))
    return list(db.session.scalars(query.order_by(ChecklistItem.position, ChecklistItem.id)))


def all_items() -> list[ChecklistItem]:
    return list(db.session.scalars(select(ChecklistItem).order_by(ChecklistItem.category, ChecklistItem.position,
                                                                  ChecklistItem.id)))


def get_item(item_id: int) -> ChecklistItem:
    item = db.session.get(ChecklistItem, item_id)
    if item is None:
        raise NotFound(gettext("There is no such checklist item."))
    return item


def violation_types() -> list[ViolationType]:
    return list(db.session.scalars(select(ViolationType).order_by(ViolationType.bulletin_group, ViolationType.code)))


def violation_type(code: str | None) -> ViolationType | None:
    return db.session.get(ViolationType, code) if code else None


def terms_of(vtype: ViolationType) -> FineTerms:
    return FineTerms(min_fen=vtype.fine_min, max_fen=vtype.fine_max, min_times=vtype.income_times_min,
                     max_times=vtype.income_times_max)


def save_item(user, raw: dict, *, item_id: int | None = None) -> ChecklistItem:
    """Add a checklist item to a category, or change one (retire it by unticking “in use”); never deleted."""
    authz.require(user, "checklist.manage")
    item = get_item(item_id) if item_id is not None else None
    problems: dict = {}
    label_zh = text(raw, "label_zh", problems, limit=200, required=gettext("Enter the item in Chinese."))
    label_en = text(raw, "label_en", problems, limit=200, required=gettext("Enter the item in English."))
    legal_basis = text(raw, "legal_basis", problems, limit=300, required=gettext("Give the legal basis."))
    group = text(raw, "bulletin_group", problems, limit=20)
    if group and group not in BulletinGroup.__members__:
        problems["bulletin_group"] = gettext("Unknown kind of violation.")
    position = whole_number(raw, "position", problems, gettext("Enter a whole number from 0 to %(high)s.", high=MAX_POSITION),
                            low=0, high=MAX_POSITION) or 0
    if item is None:
        category = text(raw, "category", problems, limit=20)
        if category not in Category.__members__:
            problems["category"] = gettext("Unknown category.")
        key = text(raw, "key", problems, limit=40)
        if not key or not key.replace("_", "").isalnum() or not key.isascii():
            problems["key"] = gettext("Letters, digits and _ only.")
        elif category and db.session.scalar(select(ChecklistItem.id).where(ChecklistItem.category == category,
                                                                            ChecklistItem.key == key)):
            problems["key"] = gettext("This category already has an item with this key.")
    if problems:
        raise invalid(problems)
    if item is None:
        item = ChecklistItem(category=category, key=key)
        db.session.add(item)
        audit.note(db.session, "checklist.add")
    else:
        audit.note(db.session, "checklist.change")
    item.label_zh, item.label_en, item.legal_basis, item.bulletin_group = label_zh, label_en, legal_basis, group
    item.position = position
    item.active = raw.get("active") in (True, "1", "y", "on", "true") if item_id is not None else True
    db.session.flush()
    return item
