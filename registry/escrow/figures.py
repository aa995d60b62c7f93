"""An escrow's kept figures and its status by rule, and the alerts read from them.

Every write to an escrow's statements or charges ends in `refresh_institutions`, which recomputes the figures the
alerts need (latest balance, fees not yet taught, deposit required, charges against the rules, fees held without an
account ...) from a few grouped queries per 500 institutions, and applies the status rules. The alerts are then one
query over the escrows, whatever their number. `registry escrow refresh` runs it for all, daily.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import and_, bindparam, func, insert, literal, select, union_all, update

from registry.core import audit, authz
from registry.core.models import local_today, utcnow
from registry.core.messages import stored
from registry.escrow import rules
from registry.escrow.models import Charge, Escrow, EscrowStatusChange, Statement
from registry.escrow.rules import AlertKind, EscrowStatus, Limits
from registry.extensions import db
from registry.register.models import Institution
from registry.core.pager import Page
from registry.core.dates import add_months

OUTSTANDING_LOOKBACK_MONTHS = 36  # no charge pays for longer (parse_charge refuses more)


def limits() -> Limits:
    return Limits.from_settings(current_app.config)


def visible(user):
    """The WHERE clause of the institutions `user` may read, from the one authorization decision point."""
    scope = authz.institution_scope(user)
    if scope.all:
        return None
    return Institution.department_code.in_(scope.departments) if scope.departments else Institution.id.is_(None)


# --- alerts --------------------------------------------------------------------------------------------

@dataclass
class Alert:
    kind: AlertKind
    amount: int  # fen of money at risk
    institution: Institution
    escrow: Escrow


@dataclass
class AlertPage(Page):
    counts: dict | None = None  # kind → number of alerts, over all pages


def _alert_selects(lim: Limits, today: date):
    """One SELECT (escrow id, kind, money at risk) per kind of alert, over the escrows' kept figures."""
    live_account = and_(Escrow.account_number != "", Escrow.status.not_in([EscrowStatus.none, EscrowStatus.closed]))
    # rules.coverage_shortfall in SQL: ⌈unearned × minimum ÷ 100⌉ − balance − deposit, in whole fen
    shortfall = (Escrow.unearned * lim.min_coverage_pct - (Escrow.balance + Escrow.risk_deposit) * 100 + 99) / 100
    last_heard = func.coalesce(Escrow.latest_period_end, Escrow.opened_on)

    def kind(name: AlertKind, amount, *conditions):
        return select(Escrow.id.label("escrow_id"), literal(name.value).label("kind"),
                      func.coalesce(amount, 0).label("amount")).where(*conditions)

    selects = [
        kind(AlertKind.no_account, Escrow.prepaid_held, ~live_account, Escrow.prepaid_held > 0),
        kind(AlertKind.low_coverage, shortfall, live_account, Escrow.unearned > 0,
             (Escrow.balance + Escrow.risk_deposit) * 100 < Escrow.unearned * lim.min_coverage_pct),
        kind(AlertKind.overdue_statement, Escrow.unearned, live_account,
             last_heard < rules.overdue_cutoff(today, limits=lim)),
        kind(AlertKind.flagged_statement, Escrow.flagged_amount, Escrow.flagged_statements > 0),
        kind(AlertKind.charge_violation, Escrow.violation_amount, Escrow.open_violations > 0),
    ]
    if lim.deposit_required:
        selects.append(kind(AlertKind.deposit_shortfall, Escrow.required_deposit - Escrow.risk_deposit, live_account,
                            Escrow.required_deposit.is_not(None), Escrow.risk_deposit < Escrow.required_deposit))
    return selects


def alerts(user, *, kind: str = "", department: str = "", district: str = "", institution_id: int | None = None,
           page: int = 1, per_page: int = 50) -> AlertPage:
    """What needs an officer's attention in the escrows `user` may see, by money at risk, largest first."""
    authz.require(user, "escrow.list")
    every = union_all(*_alert_selects(limits(), local_today())).subquery("alert")
    conditions = [c for c in [visible(user)] if c is not None]
    if department:
        conditions.append(Institution.department_code == department[:20])
    if district:
        conditions.append(Institution.district == district[:12])
    if institution_id is not None:
        conditions.append(Institution.id == institution_id)
    base = (select(every.c.escrow_id, every.c.kind, every.c.amount)
            .join(Escrow, Escrow.id == every.c.escrow_id)
            .join(Institution, Institution.id == Escrow.institution_id).where(*conditions))
    counts = _count_by_kind(base)
    if kind in AlertKind.__members__:
        base = base.where(every.c.kind == kind)
        total = counts.get(kind, 0)
    else:
        total = sum(counts.values())
    rows = db.session.execute(base.order_by(every.c.amount.desc(), Institution.name, every.c.kind)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    escrows = {e.id: e for e in db.session.scalars(select(Escrow).where(Escrow.id.in_({r.escrow_id for r in rows})))}
    items = [Alert(AlertKind(r.kind), int(r.amount), escrows[r.escrow_id].institution, escrows[r.escrow_id]) for r in rows]
    return AlertPage(items, total, page, per_page, counts=counts)


def _count_by_kind(base) -> dict:
    scoped = base.subquery()
    return {k: n for k, n in db.session.execute(select(scoped.c.kind, func.count()).group_by(scoped.c.kind)).all()}


# --- refreshing the figures and the status by rule --------------------------------------------------------

SUMMARY = ("latest_period_end", "balance", "unearned", "required_deposit", "prepaid_held", "open_violations",
           "violation_amount", "flagged_statements", "flagged_amount")
REFRESH_CHUNK = 500


def _escrow_rows(connection, institution_ids):
    return connection.execute(select(
        Escrow.id, Escrow.institution_id, Escrow.status, Escrow.status_since, Escrow.account_number, Escrow.risk_deposit,
        *[getattr(Escrow, name) for name in SUMMARY]).where(Escrow.institution_id.in_(institution_ids))).all()


def _summaries(rows, *, today: date, lim: Limits) -> dict[int, tuple[dict, rules.Facts]]:
    """Each escrow's figures and the facts the rules look at, from three grouped queries for all `rows`."""
    ids = [row.institution_id for row in rows]
    statements: dict[int, list] = defaultdict(list)
    for s in db.session.execute(
            select(Statement.institution_id, Statement.period_start, Statement.period_end, Statement.received,
                   Statement.closing_balance, Statement.unearned, Statement.flags, Statement.flag_count,
                   Statement.resolved_on)
            .where(Statement.institution_id.in_(ids)).order_by(Statement.institution_id, Statement.period_start)):
        statements[s.institution_id].append(s)
    violations = {i: (int(n), int(a)) for i, n, a in db.session.execute(
        select(Charge.institution_id, func.count(), func.coalesce(func.sum(Charge.amount), 0))
        .where(Charge.institution_id.in_(ids), Charge.violation_count > 0, Charge.resolved_on.is_(None))
        .group_by(Charge.institution_id))}
    recent: dict[int, list] = defaultdict(list)
    for i, course_start, months, amount in db.session.execute(
            select(Charge.institution_id, Charge.course_start, Charge.months, Charge.amount)
            .where(Charge.institution_id.in_(ids),
                   Charge.course_start >= add_months(today, -OUTSTANDING_LOOKBACK_MONTHS))):
        recent[i].append((course_start, months, amount))

    result = {}
    for row in rows:
        own = statements.get(row.institution_id, [])
        latest = own[-1] if own else None
        unearned = latest.unearned if latest else None
        flagged = [s for s in own if s.flag_count and s.resolved_on is None]
        unexplained = sum(abs(f.get("difference", 0)) for s in flagged for f in s.flags if f.get("flag") == "balance")
        count, amount = violations.get(row.institution_id, (0, 0))
        outstanding = rules.outstanding_fees(recent.get(row.institution_id, []), today=today, limits=lim)
        has_account = bool(row.account_number) and row.status != EscrowStatus.closed
        figures = {
            "latest_period_end": latest.period_end if latest else None,
            "balance": latest.closing_balance if latest else None,
            "unearned": unearned,
            "required_deposit": rules.required_deposit([(s.period_start, s.period_end, s.received) for s in own],
                                                       limits=lim) if own else None,
            # fees held outside a supervised account: those of running courses, or the last figure of a closed account
            "prepaid_held": outstanding if has_account else max(outstanding, unearned or 0),
            "open_violations": count, "violation_amount": amount,
            "flagged_statements": len(flagged), "flagged_amount": max(unexplained, unearned or 0) if flagged else 0,
        }
        facts = rules.Facts(has_account=has_account, prepaid_held=figures["prepaid_held"], open_violations=count,
                            has_statement=latest is not None, balance=figures["balance"] or 0, unearned=unearned or 0,
                            deposit=row.risk_deposit, required_deposit=figures["required_deposit"])
        result[row.id] = (figures, facts)
    return result


def _create_escrows(connection, institution_ids, *, today: date) -> None:
    """Escrow records (no account) for institutions that have none, audited under the action that needs them."""
    values = [{"institution_id": i, "bank": "", "account_number": "", "risk_deposit": 0, "status": EscrowStatus.none,
               "status_since": today, "version": 1, "prepaid_held": 0, "open_violations": 0, "violation_amount": 0,
               "flagged_statements": 0, "flagged_amount": 0} for i in sorted(institution_ids)]
    connection.execute(insert(Escrow), values)
    ids = dict(connection.execute(select(Escrow.institution_id, Escrow.id).where(Escrow.institution_id.in_(institution_ids))).all())
    recorded = ("institution_id", "bank", "account_number", "risk_deposit", "status", "status_since", "version")
    audit.append(connection, [audit.Change("escrow", str(ids[v["institution_id"]]), None,
                                           {"id": ids[v["institution_id"]], **{k: v[k] for k in recorded}}) for v in values],
                 actor=db.session.info.get("actor", (None, "system")),
                 action=db.session.info.get("action") or "escrow.create", reason=db.session.info.get("reason"))


def refresh_institutions(institution_ids, *, today: date | None = None, user=None,
                         create_missing: bool = False) -> dict[int, EscrowStatus]:
    """Recompute the figures of these institutions' escrows and apply the status rules, a few statements per 500
    institutions; returns {institution id: new status} where the rules changed it.

    Flushes pending changes first, so they are audited under the action that made them. A status the rules change
    is audited as `escrow.rule` with the rules' findings, and recorded in the status history as by rule.
    """
    db.session.flush()
    today = today or local_today()
    lim = limits()
    connection = db.session.connection()
    actor = db.session.info.get("actor", (None, "system"))
    ids = sorted(set(institution_ids))
    changed: dict[int, EscrowStatus] = {}
    for start in range(0, len(ids), REFRESH_CHUNK):
        chunk = ids[start:start + REFRESH_CHUNK]
        rows = _escrow_rows(connection, chunk)
        missing = set(chunk) - {row.institution_id for row in rows}
        if create_missing and missing:
            _create_escrows(connection, missing, today=today)
            rows = _escrow_rows(connection, chunk)
        updates, history, findings = [], [], []
        summaries = _summaries(rows, today=today, lim=lim)
        for row in rows:
            figures, facts = summaries[row.id]
            current = EscrowStatus(row.status)
            status, reasons = rules.status_by_rule(current, facts, limits=lim)
            if status is current and all(getattr(row, k) == v for k, v in figures.items()):
                continue
            since = today if status is not current else row.status_since
            updates.append({"_id": row.id, "_status": status, "_status_since": since,
                            **{f"_{k}": v for k, v in figures.items()}})
            if status is not current:
                reason = stored(*reasons)  # shown in each reader's language
                history.append({"escrow_id": row.id, "from_status": current, "to_status": status, "by_rule": True,
                                "reason": reason, "effective_on": today, "actor_id": getattr(user, "id", None),
                                "recorded_at": utcnow()})
                findings.append(audit.Change("escrow", str(row.id), {"status": current, "status_since": row.status_since},
                                             {"status": status, "status_since": today}, reason=reason))
                changed[row.institution_id] = status
        if updates:
            table = Escrow.__table__
            columns = ("status", "status_since") + SUMMARY
            connection.execute(update(table).where(table.c.id == bindparam("_id"))
                               .values({name: bindparam(f"_{name}", type_=table.c[name].type) for name in columns}), updates)
        if history:
            connection.execute(insert(EscrowStatusChange), history)
        audit.append(connection, findings, actor=actor, action="escrow.rule", reason=None)
    refreshed = set(ids)
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Escrow) and obj.institution_id in refreshed:
            db.session.expire(obj)  # written past the session just now
    return changed


def refresh(escrow: Escrow, *, today: date | None = None, user=None) -> EscrowStatus | None:
    """Recompute one escrow's figures and status; returns the new status when the rules changed it."""
    return refresh_institutions([escrow.institution_id], today=today, user=user).get(escrow.institution_id)


def facts_of(escrow: Escrow, *, today: date, lim: Limits) -> rules.Facts:
    db.session.flush()
    [row] = _escrow_rows(db.session.connection(), [escrow.institution_id])
    return _summaries([row], today=today, lim=lim)[row.id][1]


def refresh_all(*, today: date | None = None) -> dict:
    """Refresh every escrow (run daily: charges run out and statements fall overdue as days pass)."""
    from registry.core.audit import set_actor

    set_actor(db.session, None)
    changed: dict[str, int] = {}
    checked = 0
    last = 0
    while True:
        ids = list(db.session.scalars(select(Escrow.institution_id).where(Escrow.institution_id > last)
                                      .order_by(Escrow.institution_id).limit(REFRESH_CHUNK)))
        if not ids:
            break
        for status in refresh_institutions(ids, today=today).values():
            changed[status.value] = changed.get(status.value, 0) + 1
        checked += len(ids)
        last = ids[-1]
        db.session.commit()
        db.session.expunge_all()
    return {"checked": checked, "changed": changed}
