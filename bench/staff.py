"""Benchmark: staff rosters and the in-service-teacher cross-check at a province's scale.

    python bench/staff.py [--institutions 30000] [--staff 100000] [--teachers 50000] [--overlap 300] [--seed 7]
                          [--database-url URL]

Builds a fresh database (`registry init`), imports N generated institutions, then times, as users meet them:

- `registry import staff` of S generated staff over the live institutions (parse, check every ID number, digest,
  insert, audit, cross-check), with its peak memory; and the same file again (all unchanged);
- `registry import teachers` of T in-service teachers, `--overlap` of them on some institution's staff (insert the
  digests, cross-check, a lead per match);
- the cross-check alone (the join on the indexed digests, recording every match and its lead), in-process, in a
  transaction rolled back;
- the findings list as market staff see it (every institution): the service's first page, and the page through the
  test client (median of 3).

Prints a Markdown section for bench/RESULTS-staff.md.
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

from stdnum.cn import ric  # noqa: E402

from bench.import_institutions import make_csv, run  # noqa: E402
from registry.commands import demo_bounds  # noqa: E402

STAFF_COLUMNS = ["credit_code", "name", "id_number", "role", "subjects", "full_time", "hired_on", "teacher_cert",
                 "professional_cert", "check_result", "checked_on"]
REGIONS = ["330302", "330303", "330304", "330305", "330324", "330326", "330327", "330328", "330329", "330381"]


def _number(rng: random.Random, used: set) -> str:
    while True:
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 40))
        body = f"{rng.choice(REGIONS)}{born:%Y%m%d}{rng.randrange(1000):03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number not in used:
            used.add(number)
            return number


def make_files(institutions_csv: Path, staff_csv: Path, teachers_csv: Path, *, staff: int, teachers: int,
               overlap: int, seed: int, today: date) -> None:
    rng = random.Random(seed)
    with institutions_csv.open(encoding="utf-8-sig", newline="") as handle:
        codes = [row["credit_code"] for row in csv.DictReader(handle) if row["status"] in ("licensed", "suspended")]
    used: set = set()
    numbers = []
    with staff_csv.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(STAFF_COLUMNS)
        for n in range(staff):
            number = _number(rng, used)
            numbers.append(number)
            teaching = rng.random() < 0.7
            checked = today - timedelta(days=rng.randrange(20, 420))  # some older than a year
            result = "passed" if rng.random() > 0.02 else rng.choice(["pending", "refused"])
            writer.writerow([rng.choice(codes), f"员工{n}", number, "teaching" if teaching else "management",
                             "舞蹈" if teaching else "", "1" if rng.random() < 0.75 else "0",
                             (today - timedelta(days=rng.randrange(30, 1500))).isoformat(),
                             f"2019330{n:07d}" if teaching and rng.random() < 0.6 else "",
                             "专业证书" if teaching and rng.random() < 0.5 else "", result,
                             "" if result == "pending" else checked.isoformat()])
    chosen = set(rng.sample(range(len(numbers)), overlap))
    with teachers_csv.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id_number", "name", "school", "district"])
        for n in range(teachers):
            number = numbers[sorted(chosen)[n]] if n < overlap else _number(rng, used)
            writer.writerow([number, f"教师{n}", f"第{n % 300}中学", "鹿城区"])


def in_process(url: str) -> dict:
    from sqlalchemy import delete, select

    from registry import create_app
    from registry.accounts.models import User
    from registry.accounts.services import create_user
    from registry.enforcement.models import Lead
    from registry.extensions import db
    from registry.staff import matching, services
    from registry.staff.models import TeacherMatch

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "REGISTRY_BOUNDS": (73.4, 18.1, 135.1, 53.6),
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "REGISTRY_STAFF_DIGEST_KEY": "bench"})
    figures = {}
    with app.app_context():
        market = db.session.scalar(select(User).where(User.username == "bench-market")) or create_user(
            None, username="bench-market", role="market", department_code="market", password="bench-market-1")
        db.session.commit()
        db.session.execute(delete(Lead).where(Lead.source == "staff"))
        db.session.execute(delete(TeacherMatch))
        started = time.perf_counter()
        figures["matches"] = len(matching.cross_check())
        figures["cross_check"] = time.perf_counter() - started
        db.session.rollback()
        times = []
        for _ in range(3):
            started = time.perf_counter()
            page, counts = services.list_findings(market, per_page=50)
            times.append(time.perf_counter() - started)
            db.session.rollback()
        figures["findings_service"], figures["findings_total"], figures["counts"] = sorted(times)[1], page.total, counts
    client = app.test_client()
    client.post("/login", data={"username": "bench-market", "password": "bench-market-1"})
    times = []
    for _ in range(3):
        started = time.perf_counter()
        assert client.get("/staff/findings").status_code == 200
        times.append(time.perf_counter() - started)
    figures["findings_page"] = sorted(times)[1]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--institutions", type=int, default=30_000)
    parser.add_argument("--staff", type=int, default=100_000)
    parser.add_argument("--teachers", type=int, default=50_000)
    parser.add_argument("--overlap", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", help="PostgreSQL URL (its public schema is dropped); SQLite in a temp dir if unset")
    args = parser.parse_args()

    from registry.core.models import local_today

    work = Path(tempfile.mkdtemp(prefix="registry-bench-staff-"))
    institutions_csv, staff_csv, teachers_csv = work / "institutions.csv", work / "staff.csv", work / "teachers.csv"
    make_csv(institutions_csv, args.institutions, args.seed)
    make_files(institutions_csv, staff_csv, teachers_csv, staff=args.staff, teachers=args.teachers,
               overlap=args.overlap, seed=args.seed, today=local_today())
    url = args.database_url or f"sqlite:///{work / 'registry.sqlite'}"
    if args.database_url:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
            connection.execute("DROP SCHEMA public CASCADE")
            connection.execute("CREATE SCHEMA public")
    env = {**os.environ, "REGISTRY_DATABASE_URL": url, "REGISTRY_ENV": "development", "REGISTRY_BOUNDS": demo_bounds(),
           "REGISTRY_SECRET_KEY": "bench", "REGISTRY_STAFF_DIGEST_KEY": "bench", "PYTHONPATH": str(ROOT)}
    registry = str(Path(sys.executable).parent / "registry")
    run([registry, "init"], env)
    run([registry, "import", "institutions", str(institutions_csv)], env)
    memory_file = work / "import-memory"
    timer = ["/usr/bin/time", "-f", "%M", "-o", str(memory_file)] if Path("/usr/bin/time").exists() else []
    staff_time, staff_output = run([*timer, registry, "import", "staff", str(staff_csv)], env)
    peak_mb = (int(memory_file.read_text().split()[-1]) if timer else
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    again_time, again_output = run([registry, "import", "staff", str(staff_csv)], env)
    teachers_time, teachers_output = run([*timer, registry, "import", "teachers", str(teachers_csv)], env)
    teachers_mb = (int(memory_file.read_text().split()[-1]) if timer else 0) / 1024
    figures = in_process(url)

    backend = "PostgreSQL" if args.database_url else "SQLite"
    command = (f"python bench/staff.py --institutions {args.institutions} --staff {args.staff} --teachers "
               f"{args.teachers} --overlap {args.overlap} --seed {args.seed}"
               + (" --database-url URL" if args.database_url else ""))
    summary = lambda text: [line for line in text.strip().splitlines() if ": " in line and " s)" in line][-1]  # noqa: E731
    print(f"""
### Staff at scale: {args.staff:,} staff of {args.institutions:,} institutions, {args.teachers:,} in-service teachers, {backend} ({time.strftime('%Y-%m-%d')})

`{command}` ({os.cpu_count()} cores, Python {platform.python_version()}).

| step | time | goal |
| --- | --- | --- |
| `registry import staff` (parse, ID check, digest, insert, audit, cross-check); peak {peak_mb:.0f} MB | {staff_time:.1f} s | |
| the same file again (all unchanged) | {again_time:.1f} s | |
| `registry import teachers` (digests, replace the roster, cross-check, {figures['matches']} leads); peak {teachers_mb:.0f} MB | {teachers_time:.1f} s | |
| the cross-check alone: {figures['matches']} matches recorded, each a lead | {figures['cross_check'] * 1000:.0f} ms | under 5 s |
| findings, first page for market staff ({figures['findings_total']:,} findings), the service | {figures['findings_service'] * 1000:.0f} ms | |
| the same as the page `/staff/findings` (test client, rendered) | {figures['findings_page'] * 1000:.0f} ms | under 300 ms |

Outputs: `{summary(staff_output)}` / `{summary(again_output)}` / `{summary(teachers_output)}`; findings by kind: {figures['counts']}
""")


if __name__ == "__main__":
    main()
