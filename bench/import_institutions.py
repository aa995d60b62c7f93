"""Benchmark: `registry import institutions` of N generated institutions into a fresh database.

    python bench/import_institutions.py [--rows 100000] [--seed 7] [--database-url URL]

Generates a reproducible CSV (realistic names, valid credit codes, points inside Wenzhou's districts),
builds a fresh database with `registry init`, then times the real command in a child process and reads its
peak memory. The baseline, in the same run, is the plainest load of the same file: csv.reader and one
executemany into a bare table with sqlite3 (or psycopg), with no validation, no audit, no history.
Prints a Markdown section for bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import csv
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from registry.commands import demo_bounds  # noqa: E402
from registry.register.samples import generate_institutions, load_districts  # noqa: E402


def make_csv(path: Path, rows: int, seed: int) -> None:
    districts = load_districts(ROOT / "fixtures" / "geo" / "330300_full.json")
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = None
        for row in generate_institutions(rows, seed=seed, districts=districts, status_mix="register"):
            if writer is None:
                writer = csv.DictWriter(handle, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)


def run(command: list[str], env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return elapsed, result.stdout + result.stderr


def baseline_sqlite(csv_path: Path, db_path: Path) -> float:
    import sqlite3

    started = time.perf_counter()
    connection = sqlite3.connect(db_path)
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        connection.execute(f"CREATE TABLE plain ({', '.join(header)})")
        connection.executemany(f"INSERT INTO plain VALUES ({', '.join('?' * len(header))})", reader)
    connection.commit()
    connection.close()
    return time.perf_counter() - started


def baseline_postgres(csv_path: Path, url: str) -> float:
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        with csv_path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            connection.execute("DROP TABLE IF EXISTS plain")
            connection.execute(f"CREATE TABLE plain ({', '.join(h + ' text' for h in header)})")
            with connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO plain VALUES ({', '.join(['%s'] * len(header))})", list(reader))
        connection.execute("DROP TABLE plain")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", help="PostgreSQL URL to import into (its public schema is dropped); SQLite in a temp dir if unset")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="registry-bench-"))
    csv_path = work / "institutions.csv"
    started = time.perf_counter()
    make_csv(csv_path, args.rows, args.seed)
    generated = time.perf_counter() - started

    url = args.database_url or f"sqlite:///{work / 'registry.sqlite'}"
    if args.database_url:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
            connection.execute("DROP SCHEMA public CASCADE")
            connection.execute("CREATE SCHEMA public")
    env = {**os.environ, "REGISTRY_DATABASE_URL": url, "REGISTRY_ENV": "development",
           "REGISTRY_BOUNDS": demo_bounds(), "REGISTRY_SECRET_KEY": "bench"}
    registry = str(Path(sys.executable).parent / "registry")
    run([registry, "init"], env)
    import_time, output = run([registry, "import", "institutions", str(csv_path)], env)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    again_time, again_output = run([registry, "import", "institutions", str(csv_path)], env)

    base = baseline_postgres(csv_path, url) if args.database_url else baseline_sqlite(csv_path, work / "plain.sqlite")
    backend = "PostgreSQL" if args.database_url else "SQLite"
    command = f"python bench/import_institutions.py --rows {args.rows} --seed {args.seed}" + (" --database-url URL" if args.database_url else "")
    print(f"""
### Import of {args.rows:,} institutions, {backend} ({time.strftime('%Y-%m-%d')})

`{command}` on {platform.node()} ({os.cpu_count()} cores, Python {platform.python_version()}); CSV of {csv_path.stat().st_size / 1e6:.1f} MB generated in {generated:.1f} s.

| step | time | peak memory |
| --- | --- | --- |
| `registry import institutions` (validate, insert, history, audit) | {import_time:.1f} s | {peak_mb:.0f} MB (largest child process) |
| the same file again (all rows unchanged) | {again_time:.1f} s | |
| baseline: csv.reader + one executemany into a bare table | {base:.2f} s | |
| ratio import / baseline | {import_time / base:.1f}× | |

Command output: `{output.strip().splitlines()[-1]}` / `{again_output.strip().splitlines()[-1]}`
""")


if __name__ == "__main__":
    main()
