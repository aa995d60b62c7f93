"""Benchmark: prepaid charges imported at a province's scale, then the alerts page's query and the daily refresh.

    python bench/escrow.py [--institutions 20000] [--charges 200000] [--seed 7] [--database-url URL]

Builds a fresh database (`registry init`), imports N generated institutions with `registry import institutions`,
then times, each in a child process or in-process as users meet it:

- `registry import charges` of M generated charges (parse, check each against the charging rules, insert, audit,
  create each institution's escrow and set its status by rule), and the same file again (all unchanged);
- the first page of the escrow alerts as market staff see them (every institution), and the daily
  `registry escrow refresh` over all escrows.

Baselines in the same run: for the import, csv.reader and one executemany of the same file into a bare table; for
the alerts, one plain `SELECT ... ORDER BY amount DESC LIMIT 50` over the escrows table.
Prints a Markdown section for bench/RESULTS-escrow.md.
"""
from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_institutions import baseline_postgres, baseline_sqlite, make_csv, run  # noqa: E402
from registry.commands import demo_bounds  # noqa: E402

COLUMNS = ["credit_code", "charge_ref", "charged_on", "course_start", "student_ref", "amount", "class_hours", "months", "channel"]


def make_charges(institutions_csv: Path, path: Path, count: int, seed: int, today: date) -> None:
    rng = random.Random(seed)
    with institutions_csv.open(encoding="utf-8-sig", newline="") as handle:
        codes = [row["credit_code"] for row in csv.DictReader(handle) if row["status"] in ("licensed", "suspended")]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(count):
            start = today - timedelta(days=rng.randrange(0, 300))
            charged = start - timedelta(days=rng.randrange(0, 40 if rng.random() < 0.03 else 25))
            channel = rng.choice(["one_off", "top_up", "lesson_card"])
            months = rng.choice([1, 2, 3, 3, 3, 6 if rng.random() < 0.02 else 3]) if channel != "lesson_card" else ""
            hours = rng.choice([12, 24, 48, 96 if rng.random() < 0.02 else 60]) if channel == "lesson_card" else ""
            amount = rng.choice([880, 1280, 1980, 2400, 3600, 4800, 6800 if rng.random() < 0.02 else 4800])
            writer.writerow([rng.choice(codes), f"T{n:09d}" if n % 2 else "", charged.isoformat(), start.isoformat(),
                             f"XY{n:08d}", f"{amount}.00", hours, months, channel])


def alerts_timing(url: str) -> tuple[float, float, int, dict]:
    """The first page of alerts as market staff (median of 5), and the plain baseline query."""
    from sqlalchemy import select, text

    from registry import create_app
    from registry.accounts.models import User
    from registry.escrow import services
    from registry.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "REGISTRY_BOUNDS": (73.4, 18.1, 135.1, 53.6)})
    with app.test_request_context():
        from registry.accounts.services import create_user

        market = db.session.scalar(select(User).where(User.username == "bench-market")) or create_user(
            None, username="bench-market", role="market", department_code="market", password="bench-market-1")
        db.session.commit()
        times = []
        for _ in range(5):
            started = time.perf_counter()
            page = services.alerts(market, per_page=50)
            times.append(time.perf_counter() - started)
            db.session.rollback()
        base = []
        for _ in range(5):
            started = time.perf_counter()
            db.session.execute(text("SELECT id, institution_id, prepaid_held FROM escrows "
                                    "ORDER BY prepaid_held DESC LIMIT 50")).all()
            base.append(time.perf_counter() - started)
        db.engine.dispose()
    return sorted(times)[2], sorted(base)[2], page.total, page.counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--institutions", type=int, default=20_000)
    parser.add_argument("--charges", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", help="PostgreSQL URL (its public schema is dropped); SQLite in a temp dir if unset")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="registry-bench-escrow-"))
    institutions_csv, charges_csv = work / "institutions.csv", work / "charges.csv"
    make_csv(institutions_csv, args.institutions, args.seed)
    from registry.core.models import local_today

    make_charges(institutions_csv, charges_csv, args.charges, args.seed, local_today())

    url = args.database_url or f"sqlite:///{work / 'registry.sqlite'}"
    if args.database_url:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
            connection.execute("DROP SCHEMA public CASCADE")
            connection.execute("CREATE SCHEMA public")
    env = {**os.environ, "REGISTRY_DATABASE_URL": url, "REGISTRY_ENV": "development",
           "REGISTRY_BOUNDS": demo_bounds(), "REGISTRY_SECRET_KEY": "bench",
           "PYTHONPATH": str(ROOT)}  # the commands of this checkout, whatever the environment has installed
    registry = str(Path(sys.executable).parent / "registry")
    run([registry, "init"], env)
    run([registry, "import", "institutions", str(institutions_csv)], env)
    # the import's own peak memory, read by GNU time (the children's maximum would include earlier commands)
    memory_file = work / "import-memory"
    timer = ["/usr/bin/time", "-f", "%M", "-o", str(memory_file)] if Path("/usr/bin/time").exists() else []
    import_time, output = run([*timer, registry, "import", "charges", str(charges_csv), "--skip-invalid"], env)
    peak_mb = (int(memory_file.read_text().split()[-1]) if timer else
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    again_time, again_output = run([registry, "import", "charges", str(charges_csv), "--skip-invalid"], env)
    refresh_time, refresh_output = run([registry, "escrow", "refresh"], env)
    base = baseline_postgres(charges_csv, url) if args.database_url else baseline_sqlite(charges_csv, work / "plain.sqlite")
    alerts_time, alerts_base, alerts_total, counts = alerts_timing(url)

    backend = "PostgreSQL" if args.database_url else "SQLite"
    command = (f"python bench/escrow.py --institutions {args.institutions} --charges {args.charges} --seed {args.seed}"
               + (" --database-url URL" if args.database_url else ""))
    last = lambda text: text.strip().splitlines()[-1]  # noqa: E731
    print(f"""
### Escrow at scale: {args.charges:,} charges of {args.institutions:,} institutions, {backend} ({time.strftime('%Y-%m-%d')})

`{command}` on {platform.node()} ({os.cpu_count()} cores, Python {platform.python_version()}); charges CSV of {charges_csv.stat().st_size / 1e6:.1f} MB.

| step | time | baseline | ratio |
| --- | --- | --- | --- |
| `registry import charges` (parse, rules, insert, audit, escrows by rule); peak {peak_mb:.0f} MB | {import_time:.1f} s | csv.reader + one executemany into a bare table: {base:.2f} s | {import_time / base:.1f}× |
| the same file again (all unchanged) | {again_time:.1f} s | | |
| `registry escrow refresh` (every escrow) | {refresh_time:.1f} s | | |
| first page of alerts for market staff ({alerts_total:,} alerts) | {alerts_time * 1000:.0f} ms | one `SELECT ... ORDER BY ... LIMIT 50` on escrows: {alerts_base * 1000:.1f} ms | {alerts_time / alerts_base:.0f}× |

Outputs: `{last(output)}` / `{last(again_output)}` / `{last(refresh_output)}`; alerts by kind: {counts}
""")


if __name__ == "__main__":
    main()
