"""Search at national scale: 20 typical staff queries through the service and through HTTP, beside a plain
LIKE scan; and exporting every row as CSV and XLSX.

    python bench/search.py [--rows 500000] [--database-url URL] [--repeat 10]

Builds the register with `registry import institutions` (generated names and addresses, seed fixed), then
times each query `--repeat` times. Prints a Markdown section for bench/RESULTS-search.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_institutions import make_csv, run  # noqa: E402

from registry.commands import demo_bounds  # noqa: E402


def queries(sample) -> list[tuple[str, dict]]:
    """20 queries an inspector types: fragments, whole names, codes, pinyin, filter-only."""
    name = sample["name"]
    core = name[3:7]  # past the district: a four-character fragment of a real name
    code = sample["credit_code"]
    return [
        ("two characters", {"q": core[:2]}), ("two characters, common", {"q": name[-4:-2]}),
        ("one character", {"q": core[0]}), ("three characters", {"q": core[:3]}),
        ("four-character name", {"q": core}), ("whole name", {"q": name}),
        ("name + district filter", {"q": core, "district": sample["district"]}),
        ("credit code, whole", {"q": code}), ("credit code, first 10", {"q": code[:10]}),
        ("credit code, last 6", {"q": code[-6:]}),
        ("pinyin initials", {"q": sample["initials"][:4]}), ("full pinyin", {"q": sample["pinyin"][:10]}),
        ("address fragment", {"q": sample["address"][6:12]}), ("street", {"q": sample["address"][-8:-4]}),
        ("two terms", {"q": f"{core[:2]} {sample['address'][3:6]}"}),
        ("category filter only", {"category": "arts"}), ("status filter only", {"status": "revoked"}),
        ("district + category", {"district": sample["district"], "category": "sports"}),
        ("no match", {"q": "不存在的机构名称"}), ("sorted by name", {"q": core[:2], "sort": "name"}),
    ]


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--database-url")
    parser.add_argument("--reuse", help="a directory of an earlier run whose SQLite database to reuse")
    args = parser.parse_args()

    work = Path(args.reuse or tempfile.mkdtemp(prefix="registry-search-"))
    url = args.database_url or f"sqlite:///{work / 'registry.sqlite'}"
    env = {**os.environ, "REGISTRY_DATABASE_URL": url, "REGISTRY_BOUNDS": demo_bounds(), "REGISTRY_SECRET_KEY": "bench",
           "REGISTRY_INSECURE_COOKIES": "1"}
    registry = str(Path(sys.executable).parent / "registry")
    build = 0.0
    if not args.reuse:
        if args.database_url:
            import psycopg

            with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as c:
                c.execute("DROP SCHEMA public CASCADE")
                c.execute("CREATE SCHEMA public")
        make_csv(work / "institutions.csv", args.rows, seed=5)
        run([registry, "init"], env)
        build, _ = run([registry, "import", "institutions", str(work / "institutions.csv")], env)
        run([registry, "create-user", "bench", "--role", "market", "--department", "market", "--password", "bench-password-1"], env)

    os.environ.update(env)
    from sqlalchemy import select

    from registry import create_app
    from registry.accounts.models import User
    from registry.extensions import db
    from registry.register.models import Institution
    from registry.register.search_keys import pinyin
    from registry.search.services import SearchQuery, search

    app = create_app({"RATELIMIT_ENABLED": False})
    lines = []
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "bench"))
        row = db.session.scalar(select(Institution).where(Institution.category == "arts").offset(args.rows // 3).limit(1))
        full, initials = pinyin(row.name)
        sample = {"name": row.name, "credit_code": row.credit_code, "district": row.district, "address": row.address,
                  "pinyin": full, "initials": initials}
        client = app.test_client()
        token = client.post("/api/v1/auth/token", json={"username": "bench", "password": "bench-password-1"}).json["token"]
        headers = {"Authorization": f"Bearer {token}"}
        worst = None
        for label, params in queries(sample):
            service, http, scan = [], [], []
            for _ in range(args.repeat):
                started = time.perf_counter()
                result = search(user, SearchQuery(**params).clean())
                service.append(time.perf_counter() - started)
                db.session.rollback()
                started = time.perf_counter()
                response = client.get("/api/v1/institutions", query_string=params, headers=headers)
                http.append(time.perf_counter() - started)
                assert response.status_code == 200, response.json
                started = time.perf_counter()
                _baseline(db, params)
                scan.append(time.perf_counter() - started)
                db.session.rollback()
            p95 = percentile(service, 0.95)
            ratio = statistics.median(scan) / statistics.median(service)
            if worst is None or p95 > worst[1]:
                worst = (label, p95, ratio)
            lines.append(f"| {label} | `{' '.join(f'{k}={v}' for k, v in params.items())}` | {result.total:,} "
                         f"| {statistics.median(service) * 1000:.1f} | {p95 * 1000:.1f} "
                         f"| {statistics.median(http) * 1000:.1f} | {percentile(http, 0.95) * 1000:.1f} "
                         f"| {statistics.median(scan) * 1000:.1f} | {ratio:.0f}× |")
    exports = [_export(work, env, fmt) for fmt in ("csv", "xlsx")]
    backend = "PostgreSQL" if args.database_url else "SQLite"
    command = (f"python bench/search.py --rows {args.rows} --repeat {args.repeat}" + (" --reuse DIR" if args.reuse else "")
               + (" --database-url URL" if args.database_url else ""))
    built = "an earlier run's register (reused)" if args.reuse else f"`registry import institutions` in {build:.0f} s"
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"""
### Search, {backend}, {args.rows:,} institutions ({time.strftime('%Y-%m-%d')})

`{command}` on {platform.node()} ({os.cpu_count()} cores, Python {platform.python_version()}, load average {load} at
the end); register: {built}. Times in ms over {args.repeat} runs; *service* is
`search()` (count + first page of 50), *HTTP* the same through `GET /api/v1/institutions` (test client, JSON of
50 institutions), *scan* the baseline: `SELECT id FROM institutions WHERE name LIKE '%…%' OR address LIKE '%…%'
OR credit_code LIKE '%…%'` (with the same filters) counting every match.

| query | parameters | matches | service p50 | service p95 | HTTP p50 | HTTP p95 | scan p50 | scan ÷ service |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
{chr(10).join(lines)}

Slowest query through the service: {worst[0]}, p95 {worst[1] * 1000:.1f} ms, {worst[2]:.0f}× faster than the scan.

| export of every row | time | peak memory of the process (anonymous RSS, sampled while streaming) |
| --- | --- | --- |
{chr(10).join(exports)}
""")


def _baseline(db, params) -> int:
    from sqlalchemy import text

    where, binds = [], {}
    if params.get("q"):
        for n, term in enumerate(params["q"].split()):
            where.append(f"(name LIKE :t{n} OR address LIKE :t{n} OR credit_code LIKE :t{n} OR permit_number LIKE :t{n})")
            binds[f"t{n}"] = f"%{term}%"
    for key, column in (("category", "category"), ("status", "status"), ("district", "district")):
        if params.get(key):
            where.append(f"{column} = :{key}")
            binds[key] = params[key]
    sql = "SELECT count(*) FROM institutions" + (" WHERE " + " AND ".join(where) if where else "")
    return db.session.execute(text(sql), binds).scalar()


EXPORT_SCRIPT = """
import re, time
from registry import create_app

def anonymous_mb():
    # The process's own memory (heap), without the database file pages SQLite maps in (the OS page cache).
    status = open("/proc/self/status").read()
    return int(re.search(r"RssAnon:\\s+(\\d+)", status).group(1)) / 1024

app = create_app({"RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
with app.app_context():
    client = app.test_client()
    assert client.post("/login", data={"username": "bench", "password": "bench-password-1"}).status_code == 302
    before = anonymous_mb()
    started = time.perf_counter()
    response = client.get("/institutions/export.%s", buffered=False)
    assert response.status_code == 200, response.status_code
    size, heap = 0, 0
    for n, chunk in enumerate(response.response):
        size += len(chunk)
        if n %% 50 == 0:
            heap = max(heap, anonymous_mb())
    print(time.perf_counter() - started, size, before, max(heap, anonymous_mb()))
"""


def _export(work, env, fmt) -> str:
    result = subprocess.run([sys.executable, "-c", EXPORT_SCRIPT % fmt], env={**env, "PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, cwd=work)
    if result.returncode:
        return f"| {fmt} | failed: {result.stderr.strip().splitlines()[-1]} | |"
    seconds, size, before, peak = result.stdout.split()[-4:]
    return (f"| {fmt.upper()} ({int(size) / 1e6:.0f} MB) | {float(seconds):.1f} s | {float(peak):.0f} MB "
            f"({float(before):.0f} MB before the export) |")


if __name__ == "__main__":
    main()
