"""Many people at once: wrk against gunicorn on loopback, on the pages the users use, beside a bare Flask endpoint.

    python bench/load.py [--institutions 50000] [--cells 1000] [--grid-workers 8] [--workers 4]
                         [--threads 2] [--connections 8] [--seconds 10] [--rounds 2] [--database-url URL]

Builds the provincial-scale register in a fresh database: N generated institutions through `registry import
institutions`, a grid of irregular cells over them (a Voronoi tessellation, imported through the grid's import
service, every institution assigned), a market-regulation user who searches the whole register and grid workers
who each answer for a few cells. Then starts two gunicorn servers with the same settings (`--workers W`, sync
workers, loopback): the register (`wsgi:app`) and `bench/bare_app.py`, a Flask app returning a short text, the
ceiling. wrk (Debian's package; `bench/load.lua` varies the URLs and counts every status) then loads, one after
another and round after round, so that each is measured on the same machine in the same minutes:

- bare: `GET /` of the bare app;
- search page: `GET /institutions?q=...` logged in by the session cookie, queries an inspector types (fragments of
  names, codes, pinyin, addresses, filters, sorts: bench/search.py's twenty, on 25 institutions);
- institution page: `GET /institutions/<id>`, any of the N, the same session;
- visit: `POST /api/v1/visits` with a grid worker's token, an institution of their cells, a position a few metres
  off, the checklist (1 in 10 finds advertising and so writes a report, 上报);
- mixed: institution pages with one request in four a visit, as above: officers reading while grid workers write.

Afterwards every visit answered 201 must be in the database with its audit entry, and `registry audit verify`
must pass. Prints a Markdown section for bench/RESULTS-load.md.
"""
from __future__ import annotations

import argparse
import csv
import http.cookiejar
import json
import os
import platform
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from import_institutions import make_csv, run  # noqa: E402

from registry.commands import demo_bounds  # noqa: E402
from registry.grid.rules import ALL_CLEAR  # noqa: E402

PASSWORD = "load-test-password-1"
KINDS = ("bare", "search", "institution", "visit", "mixed")
LABELS = {"bare": "bare Flask endpoint `GET /` (the ceiling)", "search": "search page `GET /institutions?q=…`",
          "institution": "institution page `GET /institutions/<id>`", "visit": "visit `POST /api/v1/visits`",
          "mixed": "mixed: institution pages, 1 request in 4 a visit"}
WANTED = {"visit": {201}, "mixed": {200, 201}}  # the answers each kind should get (200 where not said)
GOALS = {"institution": 0.40, "search": 0.25}


# --- the data set -------------------------------------------------------------------------------------------------

def voronoi_cells(count: int, extent: tuple[float, float, float, float], seed: int) -> dict:
    """`count` irregular cells sharing their borders, covering `extent` (bench/grid.py's tessellation)."""
    import numpy as np
    import shapely
    import shapely.geometry

    rng = np.random.default_rng(seed)
    min_lon, min_lat, max_lon, max_lat = extent
    seeds = shapely.multipoints(np.column_stack([rng.uniform(min_lon, max_lon, count),
                                                 rng.uniform(min_lat, max_lat, count)]))
    frame = shapely.box(*extent)
    regions = shapely.intersection(shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame)), frame)
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": f"L{n:05d}", "name": f"网格{n}"},
         "geometry": shapely.geometry.mapping(shapely.set_precision(region, 1e-7))}
        for n, region in enumerate(regions) if region.geom_type == "Polygon" and not region.is_empty]}


def build(work: Path, url: str, env: dict, args) -> dict:
    """The register, its grid and its users; returns how long each step took."""
    registry = str(Path(sys.executable).parent / "registry")
    steps = {}
    started = time.perf_counter()
    make_csv(work / "institutions.csv", args.institutions, seed=11)
    steps["generate CSV"] = time.perf_counter() - started
    steps["registry init"], _ = run([registry, "init"], env)
    steps["registry import institutions"], _ = run([registry, "import", "institutions", str(work / "institutions.csv")], env)

    with (work / "institutions.csv").open(encoding="utf-8-sig", newline="") as handle:
        points = [(float(r["longitude"]), float(r["latitude"])) for r in csv.DictReader(handle) if r["longitude"]]
    pad = 0.001
    extent = (min(p[0] for p in points) - pad, min(p[1] for p in points) - pad,
              max(p[0] for p in points) + pad, max(p[1] for p in points) + pad)
    started = time.perf_counter()
    _grid_and_users(url, env, voronoi_cells(args.cells, extent, seed=11), args)
    steps["cells, assignment, users"] = time.perf_counter() - started
    if url.startswith("postgresql"):
        # What autovacuum does within a minute of a bulk load; it is off on the benchmark's server, and without
        # statistics the planner sorts the whole register for a page of 50 (240 ms instead of 0.6 ms).
        import psycopg

        started = time.perf_counter()
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
            connection.execute("ANALYZE")
        steps["ANALYZE"] = time.perf_counter() - started
    return steps


def _grid_and_users(url: str, env: dict, document: dict, args) -> None:
    from sqlalchemy import select

    from registry import create_app
    from registry.accounts.services import create_user
    from registry.extensions import db
    from registry.grid import importing, services
    from registry.grid.models import Cell

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": env["REGISTRY_SECRET_KEY"],
                      "REGISTRY_BOUNDS": tuple(float(v) for v in env["REGISTRY_BOUNDS"].split(","))})
    rng = random.Random(11)
    with app.app_context():
        importing.import_cells(None, document, code_property="code", name_property="name", source="bench/load.py")
        db.session.commit()
        services.assign_cells(None)
        db.session.commit()
        create_user(None, username="load-market", role="market", department_code="market", password=PASSWORD)
        codes = list(db.session.scalars(select(Cell.code).order_by(Cell.code)))
        for n in range(1, args.grid_workers + 1):
            create_user(None, username=f"load-grid-{n}", role="grid_worker", password=PASSWORD)
            for code in rng.sample(codes, 3):  # a grid worker answers for a few neighbourhoods
                services.add_worker(None, code, f"load-grid-{n}")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


# --- what the clients send ----------------------------------------------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _send(opener, url, *, data=None, json_body=None, headers=None):
    headers = dict(headers or {})
    body = None
    if json_body is not None:
        body, headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
    elif data is not None:
        body = urllib.parse.urlencode(data).encode()
    try:
        with opener.open(urllib.request.Request(url, data=body, headers=headers), timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def session_cookie(base: str, username: str) -> str:
    """Log in through the login form, as a browser does; the Cookie header that carries the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    page = _send(opener, base + "/login")[1]
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    status, body = _send(opener, base + "/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf})
    if status != 302:
        sys.exit(f"login of {username} answered {status}: {body[:300]}")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def token(base: str, username: str) -> str:
    status, body = _send(urllib.request.build_opener(), base + "/api/v1/auth/token",
                         json_body={"username": username, "password": PASSWORD})
    if status != 200:
        sys.exit(f"token of {username} answered {status}: {body[:300]}")
    return json.loads(body)["token"]


def search_paths(url: str, count: int) -> list[str]:
    """bench/search.py's twenty queries an inspector types, on `count` institutions of the register."""
    from sqlalchemy import create_engine, text

    from registry.register.search_keys import pinyin
    from search import queries

    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT name, credit_code, district, address FROM institutions ORDER BY id")).all()
    engine.dispose()
    rng = random.Random(13)
    paths = []
    for name, code, district, address in rng.sample(rows, count):
        full, initials = pinyin(name)
        sample = {"name": name, "credit_code": code, "district": district, "address": address, "pinyin": full,
                  "initials": initials}
        paths += ["/institutions?" + urllib.parse.urlencode(params) for _, params in queries(sample)]
    return paths


def write_data(path: Path, url: str, base: str, args) -> dict:
    """The data file of bench/load.lua; returns what it holds, counted."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        ids = [r[0] for r in connection.execute(text("SELECT id FROM institutions ORDER BY id"))]
        targets = []
        for n in range(1, args.grid_workers + 1):
            targets.append(connection.execute(text(
                "SELECT i.id, i.latitude, i.longitude FROM institutions i "
                "JOIN grid_assignments a ON a.institution_id = i.id "
                "JOIN grid_cell_workers w ON w.cell_id = a.cell_id JOIN users u ON u.id = w.user_id "
                "WHERE u.username = :name AND i.latitude IS NOT NULL ORDER BY i.id"), {"name": f"load-grid-{n}"}).all())
    engine.dispose()
    searches = search_paths(url, 25)
    lines = [f"cookie {session_cookie(base, 'load-market')}"]
    lines += [f"search {p}" for p in searches]
    lines += [f"id {i}" for i in ids]
    for n, rows in enumerate(targets, start=1):
        lines.append(f"token {token(base, f'load-grid-{n}')}")
        lines += [f"visit {n} {i} {lat:.7f} {lon:.7f}" for i, lat, lon in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"searches": len(searches), "ids": len(ids), "visit targets": sum(map(len, targets)),
            "sample search": searches[0], "sample id": ids[len(ids) // 2], "sample visit": targets[0][0]}


def check_each(base: str, bare: str, data: Path) -> None:
    """One request of each kind by hand before the load: a wrong set-up must not be measured as fast."""
    lines = data.read_text(encoding="utf-8").splitlines()
    cookie = next(line[7:] for line in lines if line.startswith("cookie "))
    first = lambda key: next(line.split(" ", 1)[1] for line in lines if line.startswith(key + " "))  # noqa: E731
    opener = urllib.request.build_opener(_NoRedirect)
    status, body = _send(opener, bare + "/")
    assert status == 200 and body == "ok\n", (status, body)
    for path in [first("search"), "/institutions/" + first("id")]:
        status, body = _send(opener, base + path, headers={"Cookie": cookie})
        assert status == 200 and "</html>" in body, (path, status, body[:300])
    worker, institution, lat, lon = first("visit").split()
    status, body = _send(opener, base + "/api/v1/visits", json_body={
        "institution_id": int(institution), "latitude": float(lat), "longitude": float(lon), "accuracy": 10,
        "checklist": ALL_CLEAR},
        headers={"Authorization": "Bearer " + first("token")})
    assert status == 201 and not json.loads(body)["flagged"], (status, body[:300])


# --- servers and wrk ----------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(app: str, cwd: Path, env: dict, workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    command = [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--error-logfile", str(log), app]
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            sys.exit(f"gunicorn {app} stopped:\n{log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(f"gunicorn {app} did not start")
            time.sleep(0.2)
    return process, base


class CpuMeter:
    """CPU seconds used by one server's processes (gunicorn's master and workers, plus, on PostgreSQL, the backends
    connected to this database) and by wrk, around each run: what a request costs, whatever else the machine runs."""

    def __init__(self, database_url: str | None):
        self.tick = os.sysconf("SC_CLK_TCK")
        self.pg = None
        if database_url:
            import psycopg

            self.pg = psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)

    def _cpu(self, pid: int) -> float | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / self.tick  # utime, stime

    def _children(self, pid: int) -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry.name))
                except (OSError, IndexError, ValueError):
                    pass
        return found

    def read(self, server: subprocess.Popen, database: bool) -> dict[int, float]:
        pids = [server.pid, *self._children(server.pid)]
        if database and self.pg is not None:
            pids += [row[0] for row in self.pg.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")]
        return {pid: cpu for pid in pids if (cpu := self._cpu(pid)) is not None}

    @staticmethod
    def used(before: dict[int, float], after: dict[int, float]) -> float:
        return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def wrk(base: str, kind: str, data: Path, args, seconds: float, tag: str, meter: CpuMeter,
        server: subprocess.Popen) -> dict:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds:g}s", "--timeout", "10s", "--latency",
               "-s", str(BENCH / "load.lua"), base, "--", kind, str(data), tag]
    database = kind != "bare"
    before, children = meter.read(server, database), resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(command, capture_output=True, text=True)
    after, children_after = meter.read(server, database), resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next((line for line in result.stdout.splitlines() if line.startswith("RESULT ")), None)
    if result.returncode or line is None:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    measured = json.loads(line[7:])
    measured["statuses"] = {int(k): v for k, v in measured["statuses"].items()}
    measured["server_cpu"] = meter.used(before, after)
    measured["wrk_cpu"] = (children_after.ru_utime + children_after.ru_stime) - (children.ru_utime + children.ru_stime)
    return measured


def combine(runs: list[dict], kind: str) -> dict:
    """Rounds of one kind: the rate over all of them, median p50, worst p99, every answer that was not the one wanted."""
    wanted = WANTED.get(kind, {200})
    requests = sum(r["requests"] for r in runs)
    seconds = sum(r["duration_us"] for r in runs) / 1e6
    statuses = Counter()
    for r in runs:
        statuses.update(r["statuses"])
    socket_errors = Counter()
    for r in runs:
        socket_errors.update({k: v for k, v in r["socket_errors"].items() if v})
    return {"requests": requests, "rate": requests / seconds, "rates": [r["requests"] / r["duration_us"] * 1e6 for r in runs],
            "p50": statistics.median(r["p50_us"] for r in runs) / 1000, "p99": max(r["p99_us"] for r in runs) / 1000,
            "max": max(r["max_us"] for r in runs) / 1000, "statuses": statuses,
            "errors": sum(n for s, n in statuses.items() if s not in wanted) + sum(socket_errors.values()),
            "socket_errors": socket_errors,
            "server_ms": sum(r["server_cpu"] for r in runs) / requests * 1000,
            "wrk_ms": sum(r["wrk_cpu"] for r in runs) / requests * 1000}


# --- after the load -----------------------------------------------------------------------------------------------

def check_visits(url: str, answered: int) -> dict:
    """Every visit answered 201 is stored, with its audit entry; the by-hand check's visit is counted too."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        visits = connection.execute(text("SELECT count(*) FROM grid_visits")).scalar()
        reports = connection.execute(text("SELECT count(*) FROM grid_visit_reports")).scalar()
        audited = connection.execute(text("SELECT count(*) FROM audit_log WHERE entity_type = 'visit' "
                                          "AND action = 'visit.record'")).scalar()
        dangling = connection.execute(text("SELECT count(*) FROM grid_visits v WHERE NOT EXISTS (SELECT 1 FROM audit_log a "
                                           "WHERE a.entity_type = 'visit' AND a.entity_id = CAST(v.id AS VARCHAR(40)))"
                                           )).scalar()
    engine.dispose()
    return {"answered 201": answered + 1, "stored": visits, "with an audit entry": visits - dangling,
            "audit entries": audited, "reports": reports}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--institutions", type=int, default=50_000)
    parser.add_argument("--cells", type=int, default=1_000)
    parser.add_argument("--grid-workers", type=int, default=8, help="grid workers, 3 cells each")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers, of each server")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections, all open at once")
    parser.add_argument("--seconds", type=float, default=10, help="of each kind in each round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warm-up", type=float, default=2, help="seconds of each kind before the rounds, not counted")
    parser.add_argument("--database-url", help="PostgreSQL URL (its public schema is dropped); SQLite in a temp dir if unset")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (database, logs, data file)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")

    work = Path(tempfile.mkdtemp(prefix="registry-load-"))
    url = args.database_url or f"sqlite:///{work / 'registry.sqlite'}"
    if args.database_url:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
            connection.execute("DROP SCHEMA public CASCADE")
            connection.execute("CREATE SCHEMA public")
    env = {**os.environ, "REGISTRY_DATABASE_URL": url, "REGISTRY_BOUNDS": demo_bounds(), "REGISTRY_SECRET_KEY": "load",
           "REGISTRY_INSECURE_COOKIES": "1", "REGISTRY_UPLOAD_DIR": str(work / "uploads")}
    env.pop("REGISTRY_REDIS_URL", None)
    env.pop("REGISTRY_ENV", None)
    steps = build(work, url, env, args)

    app, base = start_gunicorn("wsgi:app", ROOT, env, args.workers, work / "gunicorn-registry.log")
    bare, bare_base = start_gunicorn("bare_app:app", BENCH, env, args.workers, work / "gunicorn-bare.log")
    bases = {kind: bare_base if kind == "bare" else base for kind in KINDS}
    servers = {kind: bare if kind == "bare" else app for kind in KINDS}
    meter = CpuMeter(args.database_url)
    runs = {kind: [] for kind in KINDS}
    try:
        data = work / "load-data.txt"
        held = write_data(data, url, base, args)
        check_each(base, bare_base, data)
        warm = {kind: wrk(bases[kind], kind, data, args, args.warm_up, f"w{kind[0]}", meter, servers[kind]) for kind in KINDS}
        load_before = os.getloadavg()
        started = time.perf_counter()
        for n in range(args.rounds):
            for kind in KINDS:
                runs[kind].append(wrk(bases[kind], kind, data, args, args.seconds, f"r{n}", meter, servers[kind]))
        elapsed = time.perf_counter() - started
        load_after = os.getloadavg()
    finally:
        for process in (app, bare):
            process.terminate()
            process.wait(timeout=60)
    results = {kind: combine(runs[kind], kind) for kind in KINDS}
    visits = check_visits(url, sum(result["statuses"].get(201, 0)
                                   for result in [results["visit"], results["mixed"], warm["visit"], warm["mixed"]]))
    verify_ok, verify_output = _audit_verify(env)
    log_problems = [line for p in (work / "gunicorn-registry.log", work / "gunicorn-bare.log")
                    for line in p.read_text().splitlines() if re.search(r"\b(ERROR|CRITICAL|Traceback|TIMEOUT)\b", line)]

    print(report(args, results, steps, held, visits, verify_ok, verify_output, log_problems, load_before, load_after,
                 elapsed))
    if args.keep:
        print(f"work folder kept: {work}", file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)


def _audit_verify(env: dict) -> tuple[bool, str]:
    result = subprocess.run([str(Path(sys.executable).parent / "registry"), "audit", "verify"], env=env,
                            capture_output=True, text=True)
    return result.returncode == 0, (result.stdout + result.stderr).strip().splitlines()[-1:]


def report(args, results, steps, held, visits, verify_ok, verify_output, log_problems, load_before, load_after,
           elapsed) -> str:
    backend = "PostgreSQL" if args.database_url else "SQLite"
    command = (f"python bench/load.py --institutions {args.institutions} --cells {args.cells} --grid-workers "
               f"{args.grid_workers} --workers {args.workers} --threads {args.threads} --connections {args.connections} "
               f"--seconds {args.seconds:g} --rounds {args.rounds}" + (" --database-url URL" if args.database_url else ""))
    ceiling = results["bare"]["rate"]
    rows = []
    for kind in KINDS:
        r = results[kind]
        ratio = "1" if kind == "bare" else f"{r['rate'] / ceiling:.0%}"
        goal = f" (goal ≥ {GOALS[kind]:.0%}: **{'met' if r['rate'] / ceiling >= GOALS[kind] else 'missed'}**)" if kind in GOALS else ""
        answers = ", ".join(f"{s}: {n:,}" for s, n in sorted(r["statuses"].items()))
        answers += "".join(f", socket {k}: {n:,}" for k, n in r["socket_errors"].items())
        bare = results["bare"]
        quiet = "1" if kind == "bare" else f"{(bare['server_ms'] + bare['wrk_ms']) / (r['server_ms'] + r['wrk_ms']):.0%}"
        rows.append(f"| {LABELS[kind]} | {r['requests']:,} | **{r['rate']:,.0f}** ({' / '.join(f'{x:,.0f}' for x in r['rates'])}) "
                    f"| {r['p50']:.1f} | {r['p99']:.1f} | {r['errors']:,} | {answers} | {ratio}{goal} "
                    f"| {r['server_ms']:.2f} | {r['wrk_ms']:.2f} | {quiet} |")
    build_line = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in steps.items())
    lost = max(0, visits["answered 201"] - visits["stored"])
    unanswered = max(0, visits["stored"] - visits["answered 201"])
    in_flight = 2 * args.connections * (args.rounds + 1)  # wrk stops with a request open on each connection (2 kinds write)
    return f"""
### {backend}, {args.institutions:,} institutions in {args.cells:,} cells ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})

`{command}` on {platform.node()} ({os.cpu_count()} cores, Python {platform.python_version()}, {_wrk_version()});
wrk, both gunicorn servers (`--workers {args.workers}`, sync workers) and {backend} share the machine. Load averages
(1, 5, 15 min) before the rounds: {', '.join(f'{v:.2f}' for v in load_before)}; after: {', '.join(f'{v:.2f}' for v in load_after)}.
Each kind ran {args.rounds} × {args.seconds:g} s, one after another round after round ({elapsed:.0f} s in all, after
{args.warm_up:g} s of warm-up each), {args.connections} connections on {args.threads} wrk threads. Built in: {build_line}.
Data: {held['searches']} search URLs, {held['ids']:,} institution ids, {held['visit targets']:,} institutions in
the grid workers' cells.

| traffic | requests | per second (each round) | p50 ms | p99 ms | errors | answers | rate ÷ bare | server CPU ms / request | wrk CPU ms / request | bare's CPU ÷ this CPU |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
{chr(10).join(rows)}

Server CPU: user + system time of the server's gunicorn master and workers{' and of the PostgreSQL backends of its database' if args.database_url else ''}
(from /proc), over the requests answered; wrk's likewise. Where everything is CPU-bound, as on this machine, the
last column is the rate ÷ bare that an otherwise idle machine would show: it does not move with the neighbours' load.

p50 is the median of the rounds' medians, p99 the worst round's. Errors: any answer but the one wanted (200; 201 for a
visit; either in the mixed traffic) and any socket error. Visits answered 201: {visits['answered 201']:,} (warm-up and the check by hand
included); stored: {visits['stored']:,}, each with its audit entry: {visits['with an audit entry']:,}; reports
(上报) written: {visits['reports']:,}; **lost: {lost}**; stored but not answered (in flight when wrk stopped, at most
{in_flight} = connections × runs of the two kinds that write): {unanswered}. `registry audit verify`: {'passed' if verify_ok else 'FAILED'}
({' '.join(verify_output)}). Server logs: {len(log_problems)} errors{': ' + '; '.join(log_problems[:5]) if log_problems else ''}.
"""


def _wrk_version() -> str:
    result = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return (result.stdout + result.stderr).split(" Copyright")[0].strip()


if __name__ == "__main__":
    main()
