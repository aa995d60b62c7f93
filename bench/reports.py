"""Benchmark: the bulletin at a province's scale — 200,000 institutions with their lifecycle history, 2 million grid
visits over a year, 20,000 supervised accounts with statements (and 100,000 inspections once enforcement is installed).

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
    from registry.search.keys import keys as search_keys

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
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", help="PostgreSQL URL (its public schema is dropped); default SQLite in --workdir")
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "bench-reports"))
    parser.add_argument("--reuse", action="store_true", help="time a database built by an earlier run")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    from sqlalchemy import text

    from registry import create_app
    from registry.cli import initialise
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
                   ("escrows", "escrows"), ("statements", "escrow_statements"))}
        fortnight = rules.last_full_fortnight(today)
        year = rules.Period(today.replace(year=today.year - 1) + timedelta(days=1), today)
        with app.test_request_context():
            results = []
            seconds, times, report = timed(lambda: services.bulletin(admin, period=fortnight, city="330300"))
            results.append(("**bulletin of the last full half-month** (%s to %s) and the one before, every indicator by "
                            "district and cell" % (fortnight.start, fortnight.end), seconds, times))
            seconds, times, _ = timed(lambda: services.bulletin(admin, period=year, city="330300"))
            results.append((f"bulletin of a whole year ({year.start} to {year.end}) and the year before", seconds, times))
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

    lines = [f"### {counts['institutions']:,} institutions, {counts['visits']:,} visits, "
             f"{'PostgreSQL' if backend == 'postgresql' else 'SQLite'} ({time.strftime('%Y-%m-%d')})\n",
             f"`python bench/reports.py --institutions {args.institutions} --visits {args.visits}"
             f"{' --database-url URL' if args.database_url else ''}` on {platform.node()} "
             f"({os.cpu_count()} cores, Python {platform.python_version()}).\n",
             "Data: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()) + ".\n",
             "| what | median of 3 | runs |", "| --- | --- | --- |"]
    for label, seconds, times in results:
        lines.append(f"| {label} | {seconds:.2f} s | {', '.join(f'{t:.2f}' for t in times)} |")
    lines.append(f"\nThe half-month's figures: {made:,} visits made; {remaining.value:,} academic institutions remaining; "
                 f"reduction rate {rules.format_rate(rate)}. Goal: the bulletin under 2 s.\n")
    print("\n".join(lines))



if __name__ == "__main__":
    main()
