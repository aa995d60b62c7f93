"""Monthly statements: recorded (by hand, the API or an import), their flags kept in period order, resolved."""
from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import select

from registry.core import audit
from registry.core.errors import Invalid
from registry.core.models import local_today
from registry.core.problems import translate
from registry.escrow import rules, sources
from registry.escrow.figures import limits, refresh, refresh_institutions
from registry.escrow.models import Statement
from registry.escrow.services.common import clean_reason, flush_or_conflict, invalid_fields
from registry.escrow.services.reading import escrow_of, get_statement
from registry.extensions import db
from registry.register import services as register


def resequence(institution_id: int) -> None:
    """Recompute the gap, overlap and carry-over flags of an institution's statements, in period order."""
    lim = limits()
    statements = list(db.session.scalars(select(Statement).where(Statement.institution_id == institution_id)
                                         .order_by(Statement.period_start, Statement.id)))
    sequence = rules.sequence_flags([rules.Period(s.period_start, s.period_end, s.opening_balance, s.closing_balance)
                                     for s in statements], limits=lim)
    for statement, found in zip(statements, sequence):
        own = rules.balance_flag(opening=statement.opening_balance, received=statement.received,
                                 released=statement.released, refunded=statement.refunded,
                                 closing=statement.closing_balance, limits=lim)
        flags = ([own] if own else []) + found
        if flags != (statement.flags or []):
            statement.flags = flags
            statement.flag_count = len(flags)
            if statement.resolved_on is not None:  # what was explained is not what is flagged now
                statement.resolved_on, statement.resolved_by_id, statement.resolution = None, None, ""


def record_statement(user, institution_id: int, raw: dict, *, accept_mismatch: bool = True,
                     source: str = "") -> tuple[Statement, str]:
    """Record a bank statement (or correct the one of the same period); returns it and created/updated/unchanged.

    A closing balance that does not add up is refused unless `accept_mismatch`, and then kept flagged.
    """
    institution = register.get_institution(user, institution_id, "escrow.edit")
    escrow = escrow_of(institution.id)
    if escrow is None or not escrow.has_account:
        raise Invalid(gettext("Record the institution's supervised account before its statements."), {})
    clean, problems = rules.parse_statement(raw, today=local_today())
    if problems:
        raise invalid_fields(problems)
    lim = limits()
    flag = rules.balance_flag(opening=clean["opening_balance"], received=clean["received"], released=clean["released"],
                              refunded=clean["refunded"], closing=clean["closing_balance"], limits=lim)
    if flag and not accept_mismatch:
        raise Invalid(gettext("The statement does not add up."), {"closing_balance": [translate(rules.describe_flag(flag))]})
    statement, outcome = _upsert_statement(institution.id, clean, source=sources.source_of(source))
    if outcome == "unchanged":
        return statement, outcome
    audit.note(db.session, "escrow.statement" if outcome == "created" else "escrow.statement_correct", source or None)
    flush_or_conflict()
    resequence(institution.id)
    audit.note(db.session, "escrow.statement_check")
    refresh(escrow, user=user)
    return statement, outcome


def _upsert_statement(institution_id: int, clean: dict, *, source: str) -> tuple[Statement, str]:
    statement = db.session.scalar(select(Statement).where(Statement.institution_id == institution_id,
                                                          Statement.period_start == clean["period_start"]))
    if statement is None:
        statement = Statement(institution_id=institution_id, source=source[:200], flags=[], flag_count=0, **clean)
        db.session.add(statement)
        return statement, "created"
    if all(getattr(statement, k) == v for k, v in clean.items()):
        return statement, "unchanged"
    for name, value in clean.items():
        setattr(statement, name, value)
    statement.source = source[:200]
    return statement, "updated"


def resolve_statement(user, statement_id: int, *, resolution: str) -> Statement:
    """Record why a flagged statement is in order (the bank explained it); it leaves the alerts."""
    statement = get_statement(user, statement_id, "escrow.edit")
    if not statement.flagged:
        raise Invalid(gettext("This statement is not flagged."), {})
    resolution = clean_reason(resolution)
    if not resolution:
        raise Invalid(gettext("Please correct the marked fields."), {"resolution": [gettext("Say how it was resolved.")]})
    statement.resolution, statement.resolved_on, statement.resolved_by_id = resolution, local_today(), user.id
    audit.note(db.session, "escrow.statement_resolve", resolution)
    flush_or_conflict()
    refresh_institutions([statement.institution_id], user=user)
    return statement
