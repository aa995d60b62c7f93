"""The supervised account and its status: recorded or changed, frozen, unfrozen or closed by an officer."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext
from sqlalchemy import select

from registry.core import audit
from registry.core.dates import parse_day
from registry.core.errors import Conflict, Invalid
from registry.core.models import local_today
from registry.core.money import parse_money, yuan_text
from registry.core.problems import N_, Problem, translate
from registry.escrow import rules
from registry.escrow.figures import facts_of, limits, refresh
from registry.escrow.models import Escrow, EscrowStatusChange
from registry.escrow.rules import EscrowStatus
from registry.escrow.services.common import clean_reason, flush_or_conflict, invalid_fields
from registry.escrow.services.reading import escrow_of
from registry.extensions import db
from registry.register import services as register


ACCOUNT_FIELDS = ("bank", "account_number", "opened_on", "risk_deposit")
BANK_MAX = 100


def account_values(escrow: Escrow | None) -> dict:
    if escrow is None or not escrow.has_account or escrow.status is EscrowStatus.closed:
        return {"bank": "", "account_number": "", "opened_on": local_today().isoformat(), "risk_deposit": "0.00",
                "version": escrow.version if escrow else ""}
    return {"bank": escrow.bank, "account_number": escrow.account_number, "opened_on": escrow.opened_on.isoformat(),
            "risk_deposit": yuan_text(escrow.risk_deposit), "version": escrow.version}


def _set_status(escrow: Escrow, status: EscrowStatus, *, reason: str, by_rule: bool, user, effective_on: date) -> None:
    previous = escrow.status
    escrow.status = status
    escrow.status_since = effective_on
    db.session.add(EscrowStatusChange(escrow_id=escrow.id, from_status=previous, to_status=status, by_rule=by_rule,
                                      reason=reason, effective_on=effective_on, actor_id=getattr(user, "id", None)))


def _check_version(escrow: Escrow, version) -> None:
    if version in (None, ""):
        return
    try:
        given = int(version)
    except (TypeError, ValueError):
        raise Invalid(gettext("Please correct the marked fields."), {"version": [gettext("Send the version you read.")]})
    if given != escrow.version:
        raise Conflict(gettext("Someone else changed this escrow after you opened it. "
                               "Here it is as it is now; make your change again."))


def _parse_account(raw: dict, reason: str) -> dict:
    problems: dict = {}
    if not reason:
        problems["reason"] = Problem(N_("Give the reason for this change."))
    clean: dict = {}
    bank = raw.get("bank")
    clean["bank"] = " ".join(bank.split()) if isinstance(bank, str) else ""
    if not clean["bank"]:
        problems["bank"] = Problem(N_("Required."))
    elif len(clean["bank"]) > BANK_MAX:
        problems["bank"] = Problem(N_("At most %(limit)s characters."), {"limit": BANK_MAX})
    number = rules.normalise_account(raw.get("account_number") if isinstance(raw.get("account_number"), str)
                                     else str(raw.get("account_number") or ""))
    clean["account_number"] = number
    if not number:
        problems["account_number"] = Problem(N_("Required."))
    elif problem := rules.check_account(number):
        problems["account_number"] = problem
    try:
        clean["opened_on"] = parse_day(raw.get("opened_on"))
        if clean["opened_on"] is None:
            problems["opened_on"] = Problem(N_("Required."))
        elif clean["opened_on"] > local_today():
            problems["opened_on"] = Problem(N_("The date cannot be in the future."))
    except ValueError:
        problems["opened_on"] = Problem(N_("Enter a date as YYYY-MM-DD."))
    try:
        deposit = parse_money(raw.get("risk_deposit"))
        if deposit is not None and deposit < 0:
            problems["risk_deposit"] = Problem(N_("Cannot be negative."))
        clean["risk_deposit"] = deposit or 0
    except ValueError:
        problems["risk_deposit"] = Problem(N_("Enter an amount in yuan, such as 12345.67."))
    if problems:
        raise invalid_fields(problems)
    return clean


def record_account(user, institution_id: int, raw: dict, *, reason: str, version=None) -> Escrow:
    """Record an institution's supervised account (opening it), or change its bank, number, date or risk deposit."""
    institution = register.get_institution(user, institution_id, "escrow.edit")
    escrow = escrow_of(institution.id)
    if escrow is not None:
        _check_version(escrow, version)
    reason = clean_reason(reason)
    clean = _parse_account(raw, reason)
    holder = db.session.scalar(select(Escrow).where(Escrow.account_number == clean["account_number"],
                                                    Escrow.institution_id != institution.id,
                                                    Escrow.status != EscrowStatus.closed))
    if holder is not None:
        raise Invalid(gettext("Please correct the marked fields."), {"account_number": [gettext(
            "This account is recorded for %(name)s (No. %(id)s).", name=holder.institution.name, id=holder.institution_id)]})

    opening = escrow is None or not escrow.has_account or escrow.status in (EscrowStatus.none, EscrowStatus.closed)
    if escrow is None:
        escrow = Escrow(institution_id=institution.id, status=EscrowStatus.none, version=1)
        db.session.add(escrow)
    elif any(getattr(escrow, k) != v for k, v in clean.items()) or opening:
        escrow.version += 1
    else:
        return escrow  # nothing changed
    for name, value in clean.items():
        setattr(escrow, name, value)
    if opening:
        escrow.closed_on = None
        audit.note(db.session, "escrow.open", reason)
        db.session.flush()
        _set_status(escrow, EscrowStatus.opened, reason=reason, by_rule=False, user=user, effective_on=clean["opened_on"])
    else:
        audit.note(db.session, "escrow.update", reason)
    flush_or_conflict()
    refresh(escrow, user=user)
    return escrow


def change_status(user, institution_id: int, *, action: str, reason: str, effective_on=None, version=None) -> Escrow:
    """Freeze, unfreeze or close an institution's escrow; unfreezing hands the status back to the rules."""
    institution = register.get_institution(user, institution_id, "escrow.edit")
    escrow = escrow_of(institution.id)
    if escrow is None or not escrow.has_account:
        raise Invalid(gettext("This institution has no supervised account."), {})
    _check_version(escrow, version)
    problems: dict[str, list[str]] = {}
    if problem := rules.check_officer_action(escrow.status, action):
        problems["action"] = [translate(problem)]
    reason = clean_reason(reason)
    if not reason:
        problems["reason"] = [gettext("Give the reason for this change.")]
    try:
        effective = parse_day(effective_on) or local_today()
        if effective > local_today():
            problems["effective_on"] = [gettext("The date cannot be in the future.")]
        elif escrow.opened_on and effective < escrow.opened_on:
            problems["effective_on"] = [gettext("The account was opened on %(day)s.", day=escrow.opened_on.isoformat())]
    except ValueError:
        problems["effective_on"] = [gettext("Enter a date as YYYY-MM-DD.")]
    if problems:
        raise Invalid(gettext("This change cannot be made."), problems)

    lim = limits()
    if action == "freeze":
        target = EscrowStatus.frozen
    elif action == "close":
        target = EscrowStatus.closed
        escrow.closed_on = effective
    else:  # unfreeze: the rules say what it is now
        target, found = rules.status_by_rule(EscrowStatus.opened, facts_of(escrow, today=local_today(), lim=lim), limits=lim)
        reason = f"{reason} ({' '.join(translate(r) for r in found)})"
    escrow.version += 1
    audit.note(db.session, f"escrow.{action}", reason)
    _set_status(escrow, target, reason=reason, by_rule=False, user=user, effective_on=effective)
    flush_or_conflict()
    refresh(escrow, user=user)
    return escrow
