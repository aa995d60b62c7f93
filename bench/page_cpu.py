"""CPU time of one page in one process: the Flask test client on a database that `bench/load.py --keep` built.

    python bench/page_cpu.py WORK_FOLDER [--page institution|search|PATH] [--requests 200] [--profile]

WORK_FOLDER is the folder `bench/load.py --keep` printed (it holds registry.sqlite and load-data.txt). Logs in as the
benchmark's market-regulation user, warms up, then times three batches of requests (random institutions, or
bench/search.py's search URLs, or one path) and prints the best batch's CPU and wall time per request and the SQL
statements per request. No gunicorn, no network: what the app itself costs. `--profile` prints a pyinstrument
profile instead (pip install pyinstrument).
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from load import PASSWORD  # noqa: E402  (bench/load.py, beside this file)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path)
    parser.add_argument("--page", default="institution")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    os.environ.update(REGISTRY_DATABASE_URL=f"sqlite:///{args.work / 'registry.sqlite'}", REGISTRY_ENV="development")

    from sqlalchemy import event

    from registry import create_app
    from registry.extensions import db

    app = create_app({"SECRET_KEY": "page-cpu", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    statements = [0]
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1))
    client = app.test_client()
    if client.post("/login", data={"username": "load-market", "password": PASSWORD}).status_code != 302:
        sys.exit("could not log in as load-market: is this a work folder of bench/load.py --keep?")
    searches = [line.split(" ", 1)[1] for line in (args.work / "load-data.txt").read_text().splitlines()
                if line.startswith("search ")]
    with app.app_context():
        count = db.session.execute(db.text("SELECT max(id) FROM institutions")).scalar()
    chosen = random.Random(1)

    def url() -> str:
        if args.page == "institution":
            return f"/institutions/{chosen.randint(1, count)}"
        return chosen.choice(searches) if args.page == "search" else args.page

    for _ in range(20):
        client.get(url())
    if args.profile:
        from pyinstrument import Profiler

        with Profiler(interval=0.0005) as profiler:
            for _ in range(args.requests):
                client.get(url())
        print(profiler.output_text(unicode=True))
        return
    best_cpu = best_wall = float("inf")
    statements[0] = 0
    for _ in range(3):
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(args.requests):
            response = client.get(url())
            if response.status_code != 200:
                sys.exit(f"{response.status_code} from {url()}")
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    print(f"{args.page}: {1000 * best_cpu / args.requests:.2f} ms CPU, {1000 * best_wall / args.requests:.2f} ms wall, "
          f"{statements[0] / (3 * args.requests):.1f} SQL statements per request (best of 3 × {args.requests})")


if __name__ == "__main__":
    main()
