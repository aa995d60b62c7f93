"""Benchmark: the bulletin at a province's scale — 200,000 institutions with their lifecycle history, 2 million grid
visits over a year, 20,000 supervised accounts with statements and 100,000 inspections.

    python bench/reports.py [--institutions 200000] [--visits 2000000] [--database-url URL] [--reuse]

Builds a fresh database (migrated, reference data loaded; `--reuse` keeps one built before: the SQLite file under
--workdir, or the PostgreSQL database), then times, median of 3 runs each:

- the bulletin of the last full half-month for the whole city with the previous half-month beside it (every indicator
  of both periods, by district and by cell: `reports.services.bulletin`), and of a whole year;
- the first page of the records behind the city's largest figures (visits made, institutions due a visit);
- the XLSX download of the bulletin;
- the home page's dashboard of market staff (status table, escrow alerts, the 12-month trend chart).

Prints a Markdown section for bench/RESULTS-reports.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

CHUNK = 50_000
CATEGORIES = np.array(["academic", "tech", "arts", "sports"])
DEPARTMENTS = {"academic": "edu", "tech": "tech", "arts": "culture", "sports": "sports"}


def _days(rng, start: date, end: date, count: int) -> list[date]:
    span = (end - start).days
    return [start + timedelta(days=int(d)) for d in rng.integers(0, span + 1, count)]


def build_institutions(connection, *, institutions: int, rng, today: date) -> int:
    """Institutions with their lifecycle history; returns the number of status changes."""
    from sqlalchemy import insert, select
    from stdnum.cn import uscc

    from registry.register.models import District, Institution, StatusChange
    from registry.register.search_keys import keys as search_keys

    districts = list(connection.execute(select(District.code).where(District.city_code == "330300")).scalars())
    categories = rng.choice(CATEGORIES, institutions, p=[0.15, 0.10, 0.50, 0.25])
    licensed = _days(rng, date(2016, 1, 1), today - timedelta(days=30), institutions)
    lon = rng.uniform(120.40, 121.00, institutions)
    lat = rng.uniform(27.80, 28.30, institutions)
    fate = rng.random(institutions)
    rows, history = [], []
    for n in range(institutions):
        category = str(categories[n])
        body = f"52330302{n:09d}"
        code = body + uscc.calc_check_digit(body)
        start = licensed[n]
        steps = [(None, "licensed", start)]
        if category == "academic":
            # the reduction: almost every academic institution closed after the "double reduction" opinion
            end = max(date(2021, 7, 25) + timedelta(days=int(rng.integers(0, 900))), start + timedelta(days=1))
            if fate[n] < 0.97 and end < today:
                steps.append(("licensed", "deregistered", end))
        elif fate[n] < 0.05:
            steps.append(("licensed", "deregistered", start + timedelta(days=int(rng.integers(30, 2000)))))
        elif fate[n] < 0.08:
            steps.append(("licensed", "suspended", start + timedelta(days=int(rng.integers(30, 2000)))))
        elif fate[n] > 0.97:
            steps = [(None, "applied", today - timedelta(days=int(rng.integers(0, 400))))]
        steps = [s for s in steps if s[2] <= today]
        values = dict(name=f"基准培训机构{n}", credit_code=code, category=category, department_code=DEPARTMENTS[category],
                      permit_number="", address="浙江省温州市", district=districts[n % len(districts)],
                      latitude=float(lat[n]), longitude=float(lon[n]), legal_representative="", contact_phone="",
                      teaching_mode="offline", status=steps[-1][1], licensed_on=start if steps[0][1] == "licensed" else None,
                      status_since=steps[-1][2], registration_reason="", flags=[], version=1)
        values.update(search_keys(values))
        rows.append(values)
        history.append(steps)
    for start in range(0, institutions, CHUNK):
        connection.execute(insert(Institution.__table__), rows[start:start + CHUNK])
    ids = connection.execute(select(Institution.id).order_by(Institution.id)).scalars().all()
    changes = [{"institution_id": ids[n], "from_status": f, "to_status": t, "effective_on": d, "reason": "bench",
                "actor_id": None, "recorded_at": datetime(2024, 1, 1)} for n, steps in enumerate(history) for f, t, d in steps]
    for start in range(0, len(changes), CHUNK):
        connection.execute(insert(StatusChange.__table__), changes[start:start + CHUNK])
    return len(changes)


def build_activity(connection, *, visits: int, rng, today: date) -> dict:
    """A year of visits to the institutions in their cells, and supervised accounts with statements."""
    from sqlalchemy import insert, select, text

    from registry.escrow.models import Escrow, EscrowStatusChange, Statement
    from registry.grid.models import Visit
    from registry.register.models import Institution

    ids = connection.execute(select(Institution.id).order_by(Institution.id)).scalars().all()
    worker = connection.execute(text("SELECT id FROM users WHERE username = 'bench-grid'")).scalar()
    # visits over the last year, to institutions in their cells (as assigned), 3% flagged
    assigned = dict(connection.execute(text("SELECT institution_id, cell_id FROM grid_assignments")).all())
    year_ago = datetime.combine(today, datetime.min.time()) - timedelta(days=365)
    targets = rng.choice(np.array(ids), visits)
    seconds = rng.integers(0, 365 * 86400, visits)
    flagged = rng.random(visits) < 0.03
    for start in range(0, visits, CHUNK):
        batch = [{"institution_id": int(targets[i]), "worker_id": worker, "cell_id": assigned.get(int(targets[i])),
                  "visited_at": year_ago + timedelta(seconds=int(seconds[i])), "recorded_at": year_ago,
                  "latitude": 28.0, "longitude": 120.6, "accuracy_m": 10.0, "position_source": "gps", "distance_m": 10.0,
                  "flagged": bool(flagged[i]), "flag_reason": "distance" if flagged[i] else "", "checklist": {}, "notes": "",
                  "client_id": None} for i in range(start, min(start + CHUNK, visits))]
        connection.execute(insert(Visit.__table__), batch)

    # escrow: 10% of the institutions with an account, 12 monthly statements each, some in warning or violation
    escrow_count = len(ids) // 10
    chosen = rng.choice(np.array(ids), escrow_count, replace=False)
    escrows = [{"institution_id": int(i), "bank": "银行", "account_number": f"6222{int(i):012d}", "opened_on": date(2023, 1, 1),
                "risk_deposit": 100_000, "status": "normal", "status_since": date(2023, 1, 1), "version": 1, "prepaid_held": 0,
                "open_violations": 0, "violation_amount": 0, "flagged_statements": 0, "flagged_amount": 0} for i in chosen]
    connection.execute(insert(Escrow.__table__), escrows)
    escrow_ids = dict(connection.execute(select(Escrow.institution_id, Escrow.id)).all())
    statuses = rng.choice(np.array(["normal", "warning", "violation"]), escrow_count, p=[0.85, 0.1, 0.05])
    connection.execute(insert(EscrowStatusChange.__table__), [
        {"escrow_id": escrow_ids[int(i)], "from_status": None, "to_status": "opened", "by_rule": False, "reason": "",
         "effective_on": date(2023, 1, 1), "actor_id": None, "recorded_at": datetime(2023, 1, 1)} for i in chosen] + [
        {"escrow_id": escrow_ids[int(i)], "from_status": "opened", "to_status": str(s), "by_rule": True, "reason": "",
         "effective_on": date(2023, 2, 1) + timedelta(days=int(d)), "actor_id": None, "recorded_at": datetime(2023, 2, 1)}
        for i, s, d in zip(chosen, statuses, rng.integers(0, 600, escrow_count))])
    statements = []
    for i in chosen:
        for m in range(12):
            first = date(today.year - 1, today.month, 1)
            month = first.month - 1 + m
            start = date(first.year + month // 12, month % 12 + 1, 1)
            end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            unearned = int(rng.integers(0, 2_000_000))
            closing = int(unearned * rng.uniform(0.8, 1.3))
            statements.append({"institution_id": int(i), "period_start": start, "period_end": end, "opening_balance": closing,
                               "received": unearned, "released": 0, "refunded": 0, "closing_balance": closing,
                               "unearned": unearned, "flags": [], "flag_count": 0, "source": "bench", "resolution": ""})
        if len(statements) >= CHUNK:
            connection.execute(insert(Statement.__table__), statements)
            statements = []
    if statements:
        connection.execute(insert(Statement.__table__), statements)
    return {"visits": visits, "escrows": escrow_count, "statements": escrow_count * 12}


# --- enforcement: a year of inspections, leads, penalty cases and fines ---------------------------------------------

TEAM = 6  # enforcement officers per department
STEP_ORDER = ("opened", "investigated", "notified", "reviewed", "decided", "served", "executed", "closed")
CASE_TYPES = {"academic": ["disguised_training", "fee_violation", "staff_violation", "illegal_advertising"],
              "tech": ["disguised_training", "fee_violation", "safety_violation", "staff_violation"],
              "arts": ["disguised_serious", "fee_violation", "safety_violation", "illegal_advertising"],
              "sports": ["safety_violation", "fee_violation", "staff_violation", "unapproved_competition"]}


def build_enforcement(connection, *, inspections: int, leads: int, rng, today: date, lead_days: int = 15) -> dict:
    """A year of enforcement, as the services would record it: inspections by 2–4 staff (15% joint with market
    regulation), about ten checklist results each (failed items on a rectification or a case), half of the
    rectifications re-inspected (10% of the inspections: re-inspections); leads from the hotline and the public
    (85% closed, most on time, the rest open and partly overdue); a case for each inspection that opened one and for
    3% of the leads, each at a step of its way, those decided with a fine, most paid."""
    from sqlalchemy import insert, select, text

    from registry.accounts.models import Role, User
    from registry.enforcement.models import (CaseStep, ChecklistItem, Fine, Inspection, InspectionResult,
                                             InspectionStaff, Lead, PenaltyCase, Payment)
    from registry.register.models import Institution

    year_ago = today - timedelta(days=365)
    departments = sorted(set(DEPARTMENTS.values()) | {"market"})
    connection.execute(insert(User.__table__), [
        {"username": f"bench-{d}-{n}", "display_name": "", "password_hash": "!", "role": Role.officer,
         "department_code": d, "active": True, "session_generation": 0}
        for d in departments for n in range(TEAM)])
    officers = {d: [i for (i,) in connection.execute(text(
        "SELECT id FROM users WHERE username LIKE :p ORDER BY id"), {"p": f"bench-{d}-%"})] for d in departments}
    items = {}
    for item_id, category in connection.execute(select(ChecklistItem.id, ChecklistItem.category).order_by(ChecklistItem.position)):
        items.setdefault(str(category), []).append(item_id)
    existing = connection.execute(select(Institution.id, Institution.category, Institution.district)
                                  .where(Institution.status.in_(["licensed", "suspended"])).order_by(Institution.id)).all()
    inst_ids = np.array([r[0] for r in existing])
    inst_category = {r[0]: str(getattr(r[1], "value", r[1])) for r in existing}
    inst_district = {r[0]: r[2] for r in existing}

    # first inspections (90%), dated over the year; outcomes 72% compliant, 25% rectification, 3% case
    first = inspections - inspections // 10
    targets = rng.choice(inst_ids, first)
    days = np.sort(rng.integers(0, 366, first))
    outcome_draw = rng.random(first)
    joint = rng.random(first) < 0.15
    rows = []
    for n in range(first):
        institution = int(targets[n])
        department = DEPARTMENTS[inst_category[institution]]
        on = year_ago + timedelta(days=int(days[n]))
        outcome = "compliant" if outcome_draw[n] < 0.72 else ("rectification" if outcome_draw[n] < 0.97 else "case")
        rows.append({"institution_id": institution, "department_code": department, "inspected_on": on,
                     "joint": bool(joint[n]), "outcome": outcome,
                     "deadline": on + timedelta(days=int(rng.integers(10, 31))) if outcome == "rectification" else None,
                     "follows_id": None, "notes": "", "recorded_by_id": officers[department][0], "version": 1})
    # re-inspections of half the rectifications whose deadline has come: after the deadline, most fixed
    due = [r for r in rows if r["outcome"] == "rectification" and r["deadline"] < today]
    again = [due[int(i)] for i in rng.choice(len(due), min(inspections - first, len(due)), replace=False)]
    for start in range(0, len(rows), CHUNK):
        connection.execute(insert(Inspection.__table__), rows[start:start + CHUNK])
    first_ids = connection.execute(select(Inspection.id).order_by(Inspection.id)).scalars().all()
    for row, inspection_id in zip(rows, first_ids):
        row["id"] = inspection_id
    follow_rows = []
    for row in again:
        on = min(row["deadline"] + timedelta(days=int(rng.integers(0, 10))), today)
        fixed = rng.random() < 0.9
        follow_rows.append({"institution_id": row["institution_id"], "department_code": row["department_code"],
                            "inspected_on": on, "joint": False, "outcome": "compliant" if fixed else "case",
                            "deadline": None, "follows_id": row["id"], "notes": "",
                            "recorded_by_id": row["recorded_by_id"], "version": 1})
    connection.execute(insert(Inspection.__table__), follow_rows)
    follow_ids = connection.execute(select(Inspection.id).where(Inspection.follows_id.is_not(None))
                                    .order_by(Inspection.id)).scalars().all()
    for row, inspection_id in zip(follow_rows, follow_ids):
        row["id"] = inspection_id

    # staff: two or three of the leading department, a market officer on a joint inspection; results per item
    staff, results, failed_of = [], [], {}
    for row in rows + follow_rows:
        team = officers[row["department_code"]]
        people = [(u, row["department_code"]) for u in rng.choice(team, int(rng.integers(2, 4)), replace=False)]
        if row["joint"]:
            people.append((int(rng.choice(officers["market"])), "market"))
        staff += [{"inspection_id": row["id"], "user_id": int(u), "department_code": d} for u, d in people]
        if row["follows_id"] is None:
            checklist = items[inst_category[row["institution_id"]]]
            failing = set()
            if row["outcome"] != "compliant":
                failing = {int(i) for i in rng.choice(checklist, int(rng.integers(1, 4)), replace=False)}
            failed_of[row["id"]] = failing
            for position, item in enumerate(checklist):
                result = "fail" if item in failing else ("na" if position == 3 and rng.random() < 0.2 else "pass")
                results.append({"inspection_id": row["id"], "item_id": item, "result": result,
                                "note": "现场发现问题" if result == "fail" else ""})
        else:  # a re-inspection answers the earlier one's failed items: pass = fixed
            for item in failed_of[row["follows_id"]]:
                results.append({"inspection_id": row["id"], "item_id": item,
                                "result": "pass" if row["outcome"] == "compliant" else "fail", "note": ""})
        if len(results) >= 4 * CHUNK:
            connection.execute(insert(InspectionResult.__table__), results)
            results = []
    for start in range(0, len(staff), CHUNK):
        connection.execute(insert(InspectionStaff.__table__), staff[start:start + CHUNK])
    if results:
        connection.execute(insert(InspectionResult.__table__), results)

    # leads: 80% about a registered institution, the rest about an operator not in the register (market regulation)
    received = np.sort(rng.integers(0, 366, leads))
    fate = rng.random(leads)
    lead_rows = []
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    for n in range(leads):
        on = year_ago + timedelta(days=int(received[n]))
        deadline = on + timedelta(days=lead_days)
        institution = int(rng.choice(inst_ids)) if rng.random() < 0.8 else None
        department = DEPARTMENTS[inst_category[institution]] if institution else "market"
        closed_on = None
        if fate[n] < 0.85:  # closed: 90% by the deadline
            closed_on = on + timedelta(days=int(rng.integers(1, lead_days + 1) if rng.random() < 0.9
                                                else rng.integers(lead_days + 1, 40)))
        if closed_on is not None and closed_on > today:
            closed_on = None
        state = "closed" if closed_on else ("handling" if rng.random() < 0.5 else "assigned")
        code = "".join(alphabet[(n // 32 ** k) % 32] for k in range(4))
        lead_rows.append({"tracking_number": f"BNCH-{code}-{alphabet[n % 32] * 4}", "source": "hotline" if n % 3 else "public",
                          "institution_id": institution, "subject_name": "" if institution else f"无证培训点{n}",
                          "subject_address": "", "district": inst_district[institution] if institution else
                          inst_district[int(inst_ids[n % len(inst_ids)])], "description": "基准线索",
                          "reporter_name": "", "reporter_phone": "", "reported_by_id": None, "visit_report_id": None,
                          "inspection_id": None, "department_code": department, "state": state,
                          "assignee_id": officers[department][1], "received_on": on, "deadline": deadline,
                          "closed_on": closed_on, "outcome": None if closed_on is None else
                          ("case_opened" if rng.random() < 0.035 else ("rectified" if rng.random() < 0.6 else "unfounded")),
                          "reply": "", "version": 1})
    for start in range(0, len(lead_rows), CHUNK):
        connection.execute(insert(Lead.__table__), lead_rows[start:start + CHUNK])
    lead_ids = connection.execute(select(Lead.id).order_by(Lead.id)).scalars().all()

    # penalty cases: from each inspection that opened one and each lead closed with a case, then their steps
    sources = [("inspection", r["id"], r["institution_id"], r["department_code"], r["inspected_on"])
               for r in rows + follow_rows if r["outcome"] == "case"]
    sources += [("lead", i, r["institution_id"], r["department_code"], r["closed_on"])
                for i, r in zip(lead_ids, lead_rows) if r["outcome"] == "case_opened"]
    serials: dict = {}
    case_rows, planned = [], []
    for kind, source_id, institution, department, opened in sources:
        serials[(department, opened.year)] = serial = serials.get((department, opened.year), 0) + 1
        dates = [opened]
        for _ in STEP_ORDER[1:]:
            dates.append(dates[-1] + timedelta(days=int(rng.integers(3, 15))))
        reached = sum(1 for d in dates if d <= today)
        reached = min(reached, int(rng.integers(1, len(STEP_ORDER) + 1)) if rng.random() < 0.4 else reached)
        steps = list(zip(STEP_ORDER[:reached], dates[:reached]))
        decided = reached > STEP_ORDER.index("decided")
        category = inst_category[institution] if institution else "academic"
        violation = ("unlicensed_training" if institution is None else str(rng.choice(CASE_TYPES[category]))) if decided else None
        fine = int(rng.integers(1, 50)) * 100_000 if decided and rng.random() < 0.8 else 0
        confiscation = int(rng.integers(1, 30)) * 100_000 if decided and (institution is None or rng.random() < 0.2) else 0
        case_rows.append({"number": f"{department.upper()}-{opened.year}-{serial:04d}", "department_code": department,
                          "year": opened.year, "serial": serial, "institution_id": institution,
                          "subject_name": "" if institution else "无证培训点",
                          "district": inst_district[institution] if institution else None,
                          "lead_id": source_id if kind == "lead" else None,
                          "inspection_id": source_id if kind == "inspection" else None, "summary": "基准案件",
                          "step": steps[-1][0], "violation_type_code": violation,
                          "sanctions": (["fine"] if fine else ["warning"]) + (["confiscation"] if confiscation else []) if decided else [],
                          "illegal_income": confiscation or None, "fine_amount": fine, "confiscation_amount": confiscation,
                          "refund_order": "", "decided_on": dict(steps).get("decided"), "version": 1})
        planned.append(steps)
    lead_district = {i: r["district"] for i, r in zip(lead_ids, lead_rows)}
    for row in case_rows:  # an operator not in the register: the district of the lead
        if row["institution_id"] is None and row["lead_id"] is not None:
            row["district"] = lead_district[row["lead_id"]]
    connection.execute(insert(PenaltyCase.__table__), case_rows)
    case_ids = connection.execute(select(PenaltyCase.id).order_by(PenaltyCase.id)).scalars().all()
    step_rows, fine_rows = [], []
    for case_id, row, steps in zip(case_ids, case_rows, planned):
        step_rows += [{"case_id": case_id, "step": step, "done_on": on, "people": [], "documents": "", "note": "",
                       "recorded_by_id": None, "recorded_at": datetime.combine(on, datetime.min.time())} for step, on in steps]
        amount = row["fine_amount"] + row["confiscation_amount"]
        if amount:  # 70% paid in full within 20 days, 10% half paid, the rest unpaid
            draw, paid_on = rng.random(), row["decided_on"] + timedelta(days=int(rng.integers(1, 20)))
            paid = 0 if paid_on > today or draw >= 0.8 else (amount if draw < 0.7 else amount // 2)
            fine_rows.append({"case_id": case_id, "institution_id": row["institution_id"],
                              "department_code": row["department_code"], "fine_amount": row["fine_amount"],
                              "confiscation_amount": row["confiscation_amount"], "amount": amount,
                              "decided_on": row["decided_on"], "due_on": row["decided_on"] + timedelta(days=15),
                              "paid": paid, "paid_on": paid_on if paid == amount else None, "version": 1,
                              "_paid_on": paid_on})
    connection.execute(insert(CaseStep.__table__), step_rows)
    connection.execute(insert(Fine.__table__), [{k: v for k, v in r.items() if k != "_paid_on"} for r in fine_rows])
    fine_ids = connection.execute(select(Fine.id).order_by(Fine.id)).scalars().all()
    payments = [{"fine_id": fine_id, "amount": row["paid"], "paid_on": row["_paid_on"], "receipt_number": f"BENCH-{fine_id}",
                 "recorded_by_id": None, "recorded_at": datetime.combine(row["_paid_on"], datetime.min.time())}
                for fine_id, row in zip(fine_ids, fine_rows) if row["paid"]]
    if payments:
        connection.execute(insert(Payment.__table__), payments)
    return {"inspections": len(rows) + len(follow_rows), "inspection staff": len(staff),
            "leads": leads, "cases": len(case_rows), "case steps": len(step_rows), "fines": len(fine_rows),
            "payments": len(payments)}


def add_enforcement_tables(engine) -> None:
    """A build stamped with a later revision by the chain before enforcement was put into it (0010): run that one
    migration by itself (0011–0013 touch none of its tables)."""
    import importlib.util

    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    spec = importlib.util.spec_from_file_location("enforcement_0010", ROOT / "migrations/versions/0010_enforcement.py")
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with engine.begin() as connection, Operations.context(MigrationContext.configure(connection)):
        migration.upgrade()


def timed(function, runs: int = 3):
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--institutions", type=int, default=200_000)
    parser.add_argument("--visits", type=int, default=2_000_000)
    parser.add_argument("--cells", type=int, default=2_000)
    parser.add_argument("--inspections", type=int, default=100_000)
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", help="PostgreSQL URL (its public schema is dropped); default SQLite in --workdir")
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "bench-reports"))
    parser.add_argument("--reuse", action="store_true", help="time a database built by an earlier run")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    from sqlalchemy import text

    from registry import create_app
    from registry.commands import initialise
    from registry.extensions import db

    os.makedirs(args.workdir, exist_ok=True)
    url = args.database_url or f"sqlite:///{args.workdir}/bench.sqlite"
    if not args.reuse:
        if args.database_url:
            from tests.conftest import reset_postgres_schema

            reset_postgres_schema(url)
        elif os.path.exists(f"{args.workdir}/bench.sqlite"):
            os.remove(f"{args.workdir}/bench.sqlite")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "REGISTRY_BOUNDS": (73.4, 18.1, 135.1, 53.6),
                      "REGISTRY_UPLOAD_DIR": args.workdir, "SERVER_NAME": "bench.local"})
    today = date.today()
    built = None
    with app.app_context():
        from registry.accounts.services import create_user
        from registry.accounts.models import User
        from registry.reports import dashboards, export, rules, services

        if not args.reuse:
            from grid import voronoi_cells

            from registry.grid import importing
            from registry.grid import services as grid

            initialise()
            create_user(None, username="bench-admin", role="admin", password="bench-admin-1")
            create_user(None, username="bench-market", role="market", department_code="market", password="bench-market-1")
            create_user(None, username="bench-grid", role="grid_worker", password="bench-grid-1")
            db.session.commit()
            started = time.perf_counter()
            importing.import_cells(None, voronoi_cells(args.cells, rng), code_property="code", name_property="name", source="bench")
            db.session.commit()
            # institutions first, assigned to their cells, then the visits (which carry the cell) and escrows
            changes = build_institutions(db.session.connection(), institutions=args.institutions, rng=rng, today=today)
            db.session.commit()
            grid.assign_cells(None)
            db.session.commit()
            built = {"status_changes": changes, **build_activity(db.session.connection(), visits=args.visits, rng=rng, today=today)}
            db.session.commit()
        from sqlalchemy import inspect as inspect_schema

        if not args.reuse or not inspect_schema(db.engine).has_table("inspections") or \
                not db.session.scalar(text("SELECT count(*) FROM inspections")):
            if args.reuse:  # a build made before enforcement: its tables and reference data first
                started = time.perf_counter()
                if not inspect_schema(db.engine).has_table("inspections"):
                    add_enforcement_tables(db.engine)
                initialise()
            built = {**(built or {}), **build_enforcement(db.session.connection(), inspections=args.inspections,
                                                          leads=args.leads, rng=rng, today=today,
                                                          lead_days=app.config["REGISTRY_LEAD_DAYS"])}
            db.session.commit()
            # statistics for the planner, and on PostgreSQL the visibility map its index-only scans need (autovacuum
            # would make both in a while; a benchmark straight after a bulk load must ask)
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"))
            print(f"built in {time.perf_counter() - started:.0f} s: {built}", file=sys.stderr)

        backend = db.engine.dialect.name
        admin = db.session.scalar(db.select(User).where(User.username == "bench-admin"))
        market = db.session.scalar(db.select(User).where(User.username == "bench-market"))
        counts = {name: db.session.scalar(text(f"SELECT count(*) FROM {table}")) for name, table in
                  (("institutions", "institutions"), ("status changes", "status_changes"), ("visits", "grid_visits"),
                   ("escrows", "escrows"), ("statements", "escrow_statements"), ("inspections", "inspections"),
                   ("inspection staff", "inspection_staff"), ("checklist results", "inspection_results"),
                   ("leads", "leads"), ("penalty cases", "penalty_cases"), ("fines", "fines"))}
        fortnight = rules.last_full_fortnight(today)
        year = rules.Period(today.replace(year=today.year - 1) + timedelta(days=1), today)
        with app.test_request_context():
            results = []
            seconds, times, report = timed(lambda: services.bulletin(admin, period=fortnight, city="330300"))
            results.append(("**bulletin of the last full half-month** (%s to %s) and the one before, every indicator by "
                            "district and cell" % (fortnight.start, fortnight.end), seconds, times))
            seconds, times, _ = timed(lambda: services.bulletin(admin, period=year, city="330300"))
            results.append((f"bulletin of a whole year ({year.start} to {year.end}) and the year before", seconds, times))
            from registry.enforcement.indicators import by_district

            for label, period in (("half-month", fortnight), ("year", year)):
                previous = rules.previous_period(period)
                seconds, times, _ = timed(lambda: (by_district(period.start, period.end),
                                                   by_district(previous.start, previous.end)))
                results.append((f"of which enforcement's sections 3–6 (`by_district`), the {label} and the one before",
                                seconds, times))
            seconds, times, _ = timed(lambda: services.records(admin, "visits_made", period=year, city="330300"))
            results.append(("records behind the year's visits made (count and first page of 50)", seconds, times))
            seconds, times, _ = timed(lambda: services.records(admin, "visits_due", period=fortnight, city="330300"))
            results.append(("records behind the half-month's institutions due a visit", seconds, times))
            seconds, times, _ = timed(lambda: export.xlsx(report))
            results.append(("XLSX of the half-month's bulletin (from the figures)", seconds, times))
            seconds, times, _ = timed(lambda: dashboards.dashboard(market))
            results.append(("market staff's home-page dashboard (status table, escrow alerts, 12-month trend)", seconds, times))
        made = report.row("visits_made").total.value
        remaining = report.row("academic_remaining").total
        rate = report.row("reduction_rate").total.value
        enforcement = {key: report.row(key).total.value for key in
                       ("institutions_inspected", "staff_person_times", "cases_decided", "fines_fen", "leads_overdue")}
        load = os.getloadavg()

    lines = [f"### {counts['institutions']:,} institutions, {counts['visits']:,} visits, "
             f"{'PostgreSQL' if backend == 'postgresql' else 'SQLite'} ({time.strftime('%Y-%m-%d')})\n",
             f"`python bench/reports.py --institutions {args.institutions} --visits {args.visits}"
             f"{' --database-url URL' if args.database_url else ''}` on {platform.node()} "
             f"({os.cpu_count()} cores, Python {platform.python_version()}).\n",
             "Data: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()) + ".\n",
             f"Load average at the end of the run: {load[0]:.2f} (1 min), {load[1]:.2f} (5 min).\n",
             "| what | median of 3 | runs |", "| --- | --- | --- |"]
    for label, seconds, times in results:
        lines.append(f"| {label} | {seconds:.2f} s | {', '.join(f'{t:.2f}' for t in times)} |")
    lines.append(f"\nThe half-month's figures: {made:,} visits made; {remaining.value:,} academic institutions remaining; "
                 f"reduction rate {rules.format_rate(rate)}; {enforcement['institutions_inspected']:,} inspections by "
                 f"{enforcement['staff_person_times']:,} staff; {enforcement['cases_decided']:,} cases decided, "
                 f"¥{enforcement['fines_fen'] / 100:,.0f} in fines and confiscations; {enforcement['leads_overdue']:,} "
                 f"leads overdue. Goal: the bulletin under 2 s.\n")
    print("\n".join(lines))



if __name__ == "__main__":
    main()
