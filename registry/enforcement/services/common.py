"""What enforcement's actions share: validation errors, dates and amounts as typed, versions, staff, scope, and the
lookups of an inspection and a lead that cases, leads and inspections all make."""
from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import false, select

from registry.accounts.models import Role, User
from registry.core import authz
from registry.core.dates import parse_day
from registry.core.errors import Invalid, NotFound
from registry.core.messages import stored
from registry.core.models import MAX_ID
from registry.core.money import parse_money
from registry.core.problems import N_, Problem, translate
from registry.enforcement.models import Inspection, Lead
from registry.extensions import db

ENFORCEMENT_ROLES = (Role.officer, Role.market)
TEXT_LIMIT = 4000


def invalid(problems: dict) -> Invalid:
    return Invalid(gettext("Please correct the marked fields."),
                   {name: [translate(p) if isinstance(p, Problem) else str(p)] for name, p in problems.items()})


def record_id(raw: dict, name: str, problems: dict, message: str) -> int | None:
    """The id `raw[name]` gives, None when absent; `message` in `problems` when it is something no record's id can
    be (a fraction, a word, beyond what the database's INTEGER holds)."""
    return whole_number(raw, name, problems, message, low=1, high=MAX_ID)


def whole_number(raw: dict, name: str, problems: dict, message: str, *, low: int, high: int) -> int | None:
    """`raw[name]` as a whole number from `low` to `high` (given as a number or as its digits), None when absent;
    `message` in `problems` for anything else."""
    value = raw.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problems[name] = message
        return None
    return value


def text(raw: dict, name: str, problems: dict, *, limit: int = TEXT_LIMIT, required: str | None = None) -> str:
    value = raw.get(name)
    value = value.strip() if isinstance(value, str) else ("" if value is None else str(value).strip())
    if len(value) > limit:
        problems[name] = gettext("At most %(count)s characters.", count=limit)
    elif required and not value:
        problems[name] = required
    return value


def day(raw: dict, name: str, problems: dict):
    try:
        return parse_day(raw.get(name))
    except (TypeError, ValueError):
        problems[name] = gettext("Enter a date as YYYY-MM-DD.")
        return None


def money(raw: dict, name: str, problems: dict) -> int | None:
    try:
        fen = parse_money(raw.get(name))
    except ValueError:
        problems[name] = gettext("Enter an amount in yuan, such as 5000 or 5000.50.")
        return None
    if fen is not None and fen < 0:
        problems[name] = gettext("The amount cannot be negative.")
        return None
    return fen


def names(value) -> list[str]:
    """Usernames as sent: a list, or text separated by commas, spaces or new lines."""
    if isinstance(value, str):
        value = value.replace("，", ",").replace("\n", ",").replace(" ", ",").split(",")
    if not isinstance(value, (list, tuple)):
        return []
    seen: list[str] = []
    for name in value:
        name = str(name).strip()
        if name and name not in seen:
            seen.append(name)
    return seen


def enforcement_staff(usernames: list[str], field: str, problems: dict) -> list[User]:
    """The active officers and market staff named; a problem on `field` names those who are not."""
    found = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(usernames)))} if usernames else {}
    wrong = [n for n in usernames if n not in found or not found[n].active or found[n].role not in ENFORCEMENT_ROLES
             or not found[n].department_code]
    if wrong:
        problems[field] = gettext("Not enforcement staff: %(names)s.", names=", ".join(wrong))
    return [found[n] for n in usernames if n not in wrong]


def acting_staff(user, usernames: list[str], field: str, problems: dict, *,
                 department: str | None = None) -> list[User]:
    """The officers named for an inspection or a case step: enforcement staff, each of `department` when the record
    is one department's (a case; an inspection may have partners of any department), and the user recording it
    among them. Only an administrator records on others' behalf (audited so: see `on_behalf`)."""
    staff = enforcement_staff(usernames, field, problems)
    if field in problems:
        return staff
    others = [p.username for p in staff if department is not None and p.department_code != department]
    if others:
        problems[field] = gettext("Not of the department acting on it: %(names)s.", names=", ".join(others))
    elif usernames and getattr(user, "role", None) != Role.admin and getattr(user, "username", None) not in usernames:
        problems[field] = gettext("You record it as one of its staff: name yourself, or let one of them record it.")
    return staff


def on_behalf(user, staff: list[User], typed: str | None = None) -> str | None:
    """The audit note of a record: what the user typed, and for a record made by someone not among its staff (an
    administrator) on whose behalf, in each reader's language (registry.core.messages); None when there is neither."""
    if any(p.id == getattr(user, "id", None) for p in staff):
        return typed or None
    return stored(*([typed] if typed else []),
                  Problem(N_("Recorded on behalf of %(names)s."), {"names": ", ".join(p.label for p in staff)}))


def staff_choices() -> list[User]:
    return list(db.session.scalars(select(User).where(User.active.is_(True), User.role.in_(ENFORCEMENT_ROLES),
                                                      User.department_code.is_not(None))
                                   .order_by(User.department_code, User.username)))


def nothing():
    return false()


def user_department(user, fallback: str) -> str:
    """The department a user acts for; an administrator acts for the record's own."""
    return getattr(user, "department_code", None) or fallback


def scoped(query, condition):
    """`query` restricted to what a user may read (`condition` None: everything)."""
    return query if condition is None else query.where(condition)


def like(text: str) -> str:
    """A LIKE pattern finding `text` anywhere, its wildcards escaped (use with escape="\\")."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def paged(query, *order, page: int, per_page: int):
    """One page of `query` in `order`, with the count of all its rows."""
    from sqlalchemy import func

    from registry.core.pager import Page

    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.scalars(query.order_by(*order).limit(per_page).offset((page - 1) * per_page)))
    return Page(items, total, page, per_page)


def get_inspection(user, inspection_id: int) -> Inspection:
    """The inspection, or NotFound; Forbidden when `user` may not read it."""
    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None:
        raise NotFound(gettext("There is no inspection with id %(id)s.", id=inspection_id))
    authz.require(user, "inspection.view", inspection)
    return inspection


def get_lead(user, lead_id: int) -> Lead:
    """The lead, or NotFound; Forbidden when `user` may not read it."""
    lead = db.session.get(Lead, lead_id)
    if lead is None:
        raise NotFound(gettext("There is no lead with id %(id)s.", id=lead_id))
    authz.require(user, "lead.view", lead)
    return lead
