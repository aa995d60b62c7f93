"""Benchmark: the annual inspection at a province's scale.

    python bench/annual.py [--institutions 36000] [--materials 20000] [--seed 7] [--database-url URL]

Builds a fresh database (`registry init`), imports N generated institutions with `registry import institutions`
(the register's mix: about five in six are licensed or suspended), then times as users meet it:

- opening last year's annual inspection for every department (the due and exempt institutions in one
  INSERT ... SELECT per department, each audited);
- `registry import annual-materials` of M generated rows (one material each of M due institutions);
- a campaign's progress page (the figures, rendered) as the largest department's officer sees it, median of 5.

Baseline in the same run: one plain `SELECT count(*) ... GROUP BY state, grade` over the annual inspections.
Prints a Markdown section for bench/RESULTS-annual.md.
"""
from __future__ import annotations

import argparse
import csv
import os
import platform
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_institutions import make_csv, run  # noqa: E402
from registry.commands import demo_bounds  # noqa: E402

DEPARTMENTS = ("edu", "tech", "culture", "sports")


def in_app(url: str, work: Path, materials: int, year: int) -> dict:
    from sqlalchemy import func, select, text

    from registry import create_app
    from registry.accounts.services import create_user
    from registry.annual import services
    from registry.annual.models import AnnualInspection
    from registry.annual.rules import State
    from registry.core.audit import set_actor
    from registry.extensions import db
    from registry.register.models import Institution

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "REGISTRY_BOUNDS": (73.4, 18.1, 135.1, 53.6),
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      "REGISTRY_PASSWORD_HASH": "pbkdf2:sha256:1000"})
    figures: dict = {}
    with app.app_context():
        officers = {d: create_user(None, username=f"bench-{d}", role="officer", department_code=d,
                                   password="bench-password-1") for d in DEPARTMENTS}
        db.session.commit()
        figures["licensed"] = db.session.scalar(select(func.count()).select_from(Institution).where(
            Institution.status.in_(("licensed", "suspended"))))
        started = time.perf_counter()
        campaigns = {}
        for department, officer in officers.items():
            set_actor(db.session, officer)
            campaigns[department] = services.open_campaign(officer, {
                "year": year, "materials_deadline": f"{year + 1}-03-31", "results_deadline": f"{year + 1}-05-31"})
            db.session.commit()
        figures["open"] = time.perf_counter() - started
        figures["due"] = sum(c.due_count for c in campaigns.values())
        figures["exempt"] = sum(c.exempt_count for c in campaigns.values())
        codes = db.session.execute(select(Institution.credit_code).join(
            AnnualInspection, AnnualInspection.institution_id == Institution.id).where(
            AnnualInspection.state == State.due).order_by(AnnualInspection.id).limit(materials)).scalars().all()
        largest = max(campaigns, key=lambda d: campaigns[d].due_count)
        figures["largest"] = (largest, campaigns[largest].id, campaigns[largest].due_count)
        db.engine.dispose()
    path = work / "materials.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["credit_code", "year", "material", "received_on"])
        for code in codes:
            writer.writerow([code, year, "annual_report", date.today().isoformat()])
    figures["materials_rows"] = len(codes)
    return figures


def progress_timing(url: str, department: str, campaign_id: int) -> tuple[float, float, float]:
    from sqlalchemy import text

    from registry import create_app
    from registry.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "REGISTRY_BOUNDS": (73.4, 18.1, 135.1, 53.6),
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    client.post("/login", data={"username": f"bench-{department}", "password": "bench-password-1"})
    pages, lists = [], []
    for _ in range(5):
        started = time.perf_counter()
        assert client.get(f"/annual/campaigns/{campaign_id}").status_code == 200
        pages.append(time.perf_counter() - started)
        started = time.perf_counter()
        assert client.get(f"/annual/campaigns/{campaign_id}/institutions?show=materials_missing").status_code == 200
        lists.append(time.perf_counter() - started)
    with app.app_context():
        base = []
        for _ in range(5):
            started = time.perf_counter()
            db.session.execute(text("SELECT state, grade, count(*) FROM annual_inspections WHERE campaign_id = :c "
                                    "GROUP BY state, grade"), {"c": campaign_id}).all()
            base.append(time.perf_counter() - started)
        db.engine.dispose()
    return sorted(pages)[2], sorted(lists)[2], sorted(base)[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--institutions", type=int, default=36_000)
    parser.add_argument("--materials", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", help="PostgreSQL URL (its public schema is dropped); SQLite in a temp dir if unset")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="registry-bench-annual-"))
    institutions_csv = work / "institutions.csv"
    make_csv(institutions_csv, args.institutions, args.seed)
    url = args.database_url or f"sqlite:///{work / 'registry.sqlite'}"
    if args.database_url:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
            connection.execute("DROP SCHEMA public CASCADE")
            connection.execute("CREATE SCHEMA public")
    env = {**os.environ, "REGISTRY_DATABASE_URL": url, "REGISTRY_ENV": "development", "REGISTRY_BOUNDS": demo_bounds(),
           "REGISTRY_SECRET_KEY": "bench", "PYTHONPATH": str(ROOT)}
    os.environ.update({k: env[k] for k in ("REGISTRY_DATABASE_URL", "REGISTRY_ENV", "REGISTRY_BOUNDS", "REGISTRY_SECRET_KEY")})
    registry = str(Path(sys.executable).parent / "registry")
    run([registry, "init"], env)
    run([registry, "import", "institutions", str(institutions_csv)], env)
    year = date.today().year - 1
    figures = in_app(url, work, args.materials, year)
    imported, output = run([registry, "import", "annual-materials", str(work / "materials.csv")], env)
    again, output_again = run([registry, "import", "annual-materials", str(work / "materials.csv")], env)
    department, campaign_id, largest_due = figures["largest"]
    page, listing, base = progress_timing(url, department, campaign_id)

    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"\n### Annual inspection at scale: {figures['licensed']:,} licensed institutions, {backend} ({date.today()})\n")
    print(f"`python bench/annual.py --institutions {args.institutions} --materials {args.materials} --seed {args.seed}"
          f"{' --database-url URL' if args.database_url else ''}` on {platform.node()} ({os.cpu_count()} cores, "
          f"Python {platform.python_version()}).\n")
    print("| step | time | goal |\n| --- | --- | --- |")
    print(f"| opening {year}'s annual inspection for the 4 departments ({figures['due']:,} due, {figures['exempt']:,} "
          f"exempt, each audited) | {figures['open']:.1f} s | under 10 s |")
    print(f"| `registry import annual-materials`, {figures['materials_rows']:,} rows | {imported:.1f} s | |")
    print(f"| the same file again (all unchanged) | {again:.1f} s | |")
    print(f"| progress page of the largest campaign ({largest_due:,} due), rendered | {page * 1000:.0f} ms | under 300 ms |")
    print(f"| its list of institutions with materials missing, first page | {listing * 1000:.0f} ms | |")
    print(f"| baseline: one `SELECT state, grade, count(*) ... GROUP BY` of that campaign | {base * 1000:.1f} ms | |")
    print(f"\nOutputs: `{output.strip().splitlines()[-1]}` / `{output_again.strip().splitlines()[-1]}`")


if __name__ == "__main__":
    main()
