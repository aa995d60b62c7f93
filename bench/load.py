"""Many people at once: client processes reading and editing institutions through gunicorn workers.

    python bench/load.py [--institutions 20000] [--clients 8] [--seconds 30] [--workers 4] [--database-url URL]

Loads a register (the import benchmark's generator), starts gunicorn with several workers on a loopback port,
and runs client processes for a fixed time: each reads the list, reads an institution, and one time in five
edits one (read, then PATCH with the version read). Prints throughput, latency percentiles and every status
seen, beside a baseline in the same run: the same clients fetching a static file (no database at all).
Every PATCH answered 200 is then checked against the audit log: nothing accepted may be missing.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_institutions import make_csv, run  # noqa: E402

from registry.cli import demo_bounds  # noqa: E402

PASSWORD = "load-test-password"


def _request(url, *, method="GET", body=None, token=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, method=method, headers=headers), timeout=60) as r:
            status, payload = r.status, r.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    return status, payload, time.perf_counter() - started


def client(base: str, seconds: float, ids: list[int], static_only: bool, seed: int) -> dict:
    rng = random.Random(seed)
    token = None
    if not static_only:
        token = json.loads(_request(base + "/api/v1/auth/token", method="POST",
                                    body={"username": "loadtest", "password": PASSWORD})[1])["token"]
    latencies, statuses, accepted = [], Counter(), []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if static_only:
            status, _, elapsed = _request(base + "/static/css/registry.css")
            latencies.append(elapsed)
            statuses[status] += 1
            continue
        institution_id = rng.choice(ids)
        status, payload, elapsed = _request(f"{base}/api/v1/institutions?page={rng.randint(1, 50)}", token=token)
        latencies.append(elapsed)
        statuses[status] += 1
        status, payload, elapsed = _request(f"{base}/api/v1/institutions/{institution_id}", token=token)
        latencies.append(elapsed)
        statuses[status] += 1
        if status == 200 and rng.random() < 0.2:
            capacity = rng.randint(10, 500)
            version = json.loads(payload)["version"]
            status, _, elapsed = _request(f"{base}/api/v1/institutions/{institution_id}", method="PATCH", token=token,
                                          body={"version": version, "capacity": capacity})
            latencies.append(elapsed)
            statuses[f"PATCH {status}"] += 1
            if status == 200:
                accepted.append((institution_id, capacity))
    return {"latencies": latencies, "statuses": statuses, "accepted": accepted}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(base: str) -> None:
    for _ in range(150):
        try:
            if _request(base + "/login")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("gunicorn did not start")


def _round(base, args, ids, static_only) -> tuple[dict, float]:
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(args.clients) as pool:
        results = pool.starmap(client, [(base, args.seconds, ids, static_only, seed) for seed in range(args.clients)])
    elapsed = time.perf_counter() - started
    merged = {"latencies": [], "statuses": Counter(), "accepted": []}
    for result in results:
        merged["latencies"] += result["latencies"]
        merged["statuses"].update(result["statuses"])
        merged["accepted"] += result["accepted"]
    return merged, elapsed


def _summary(name: str, result: dict, elapsed: float) -> str:
    lat = sorted(result["latencies"])
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000  # noqa: E731
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(result["statuses"].items(), key=str))
    return (f"| {name} | {len(lat):,} | {len(lat) / elapsed:,.0f} | {statistics.median(lat) * 1000:.1f} | {p(0.95):.1f} "
            f"| {p(0.99):.1f} | {statuses} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--institutions", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database-url", help="PostgreSQL URL (its public schema is dropped); SQLite in a temp dir if unset")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="registry-load-"))
    url = args.database_url or f"sqlite:///{work / 'registry.sqlite'}"
    if args.database_url:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
            connection.execute("DROP SCHEMA public CASCADE")
            connection.execute("CREATE SCHEMA public")
    env = {**os.environ, "REGISTRY_DATABASE_URL": url, "REGISTRY_BOUNDS": demo_bounds(), "REGISTRY_SECRET_KEY": "load",
           "REGISTRY_INSECURE_COOKIES": "1"}
    env.pop("REGISTRY_REDIS_URL", None)
    registry = str(Path(sys.executable).parent / "registry")
    make_csv(work / "institutions.csv", args.institutions, seed=11)
    run([registry, "init"], env)
    run([registry, "import", "institutions", str(work / "institutions.csv")], env)
    run([registry, "create-user", "loadtest", "--role", "admin", "--password", PASSWORD], env)

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--workers", str(args.workers),
                               "--bind", f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(base)
        ids = list(range(1, args.institutions + 1))
        baseline, baseline_time = _round(base, args, ids, static_only=True)
        mixed, mixed_time = _round(base, args, ids, static_only=False)
    finally:
        server.terminate()
        server.wait()

    lost = _check_audit(url, mixed["accepted"])
    backend = "PostgreSQL" if args.database_url else "SQLite"
    command = (f"python bench/load.py --institutions {args.institutions} --clients {args.clients} --seconds {args.seconds:g} "
               f"--workers {args.workers}" + (" --database-url URL" if args.database_url else ""))
    mixed_rate = len(mixed["latencies"]) / mixed_time
    baseline_rate = len(baseline["latencies"]) / baseline_time
    print(f"""
### Load: {args.clients} client processes, gunicorn with {args.workers} workers, {backend}, {args.institutions:,} institutions ({time.strftime('%Y-%m-%d')})

`{command}` on {platform.node()} ({os.cpu_count()} cores, Python {platform.python_version()}); clients and server share the machine.

| traffic | requests | per second | p50 ms | p95 ms | p99 ms | answers |
| --- | --- | --- | --- | --- | --- | --- |
{_summary("baseline: a static file, no database", baseline, baseline_time)}
{_summary("list page + one institution, 1 in 5 edited", mixed, mixed_time)}

Throughput of the register traffic is {mixed_rate / baseline_rate:.2f}× the static baseline. Edits accepted: {len(mixed["accepted"]):,};
missing from the audit log afterwards: {lost}.
""")


def _check_audit(url: str, accepted: list[tuple[int, int]]) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT entity_id, after FROM audit_log WHERE action = 'institution.update'"))
        logged = Counter()
        for entity_id, after in rows:
            after = json.loads(after)
            logged[(int(entity_id), after.get("capacity"))] += 1
    engine.dispose()
    wanted = Counter(accepted)
    return sum(max(0, n - logged[key]) for key, n in wanted.items())


if __name__ == "__main__":
    main()
