"""Benchmark: entering the grid at a province's scale, 200,000 institutions in 5,000 cells.

    python bench/grid.py [--institutions 200000] [--cells 5000] [--seed 7] [--database-url URL]

Builds a fresh database (migrated, reference data loaded), imports N generated cells (a Voronoi tessellation, so
cells have irregular shapes and shared borders) through the import service, bulk-inserts M institutions (about 4% of them
outside every cell), then times, in one run:

- the full assignment through the service `registry assign-cells` uses (read coordinates, locate, border distances,
  write), first with every row new, then again with nothing changed;
- its steps: `CellIndex.locate` (points per second) and the border distances;
- the floor: the fastest bare shapely call on the same arrays (STRtree query with a predicate; bounding-box query then
  `intersects_xy` on prepared polygons; `contains_xy` per cell over its bounding-box candidates);
- a naive Python loop over cells (`polygon.contains(point)` until one holds it) on a sample, scaled;
- on PostgreSQL, the write of every row as one upsert per row (plain) against COPY into a temporary table and one
  INSERT ... ON CONFLICT (batched);
- re-assigning one institution as it is saved (the session hook's locate and guarded write; median of 1,000).

Prints a Markdown section for bench/RESULTS-grid.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXTENT = (120.40, 27.80, 121.00, 28.30)  # around Wenzhou


def voronoi_cells(count: int, rng) -> dict:
    min_lon, min_lat, max_lon, max_lat = EXTENT
    seeds = shapely.multipoints(np.column_stack([rng.uniform(min_lon, max_lon, count), rng.uniform(min_lat, max_lat, count)]))
    frame = shapely.box(*EXTENT)
    regions = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame))
    regions = shapely.intersection(regions, frame)
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": f"B{n:05d}", "name": f"网格{n}"},
         "geometry": shapely.geometry.mapping(shapely.set_precision(region, 1e-7))}
        for n, region in enumerate(regions) if region.geom_type == "Polygon" and not region.is_empty]}


def insert_institutions(connection, count: int, rng) -> None:
    from registry.register.models import Institution

    min_lon, min_lat, max_lon, max_lat = EXTENT
    lon = rng.uniform(min_lon - 0.012, max_lon + 0.012, count)  # a margin: about 4% land in no cell
    lat = rng.uniform(min_lat - 0.0, max_lat, count)
    from stdnum.cn import uscc

    rows = [dict(name=f"基准机构{n}", credit_code=f"52330302{n:09d}" + uscc.calc_check_digit(f"52330302{n:09d}"), category="arts", department_code="culture",
                 permit_number="", address="浙江省温州市", district="330302", latitude=float(y), longitude=float(x),
                 legal_representative="", contact_phone="", teaching_mode="offline", status="licensed",
                 registration_reason="", flags=[], version=1)
            for n, (x, y) in enumerate(zip(lon.tolist(), lat.tolist()))]
    for start in range(0, len(rows), 20_000):
        connection.execute(Institution.__table__.insert(), rows[start:start + 20_000])


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def floors(index, lon, lat, points) -> dict:
    """Bare shapely ways of finding each point's polygon, on the same arrays (and the same point geometries)."""
    results = {}
    results["STRtree.query(points, predicate='intersects')"] = timed(index.tree.query, points, predicate="intersects")[0]

    def bbox_then_xy():
        p, c = index.tree.query(points)
        return shapely.intersects_xy(index.geometries[c], lon[p], lat[p])

    results["STRtree.query(points) + intersects_xy(prepared)"] = timed(bbox_then_xy)[0]

    def per_cell_contains_xy():
        p, c = index.tree.query(points)
        order = np.argsort(c, kind="stable")
        p, c = p[order], c[order]
        bounds = np.flatnonzero(np.diff(c)) + 1
        for ps, cs in zip(np.split(p, bounds), np.split(c, bounds)):
            if len(cs):
                shapely.contains_xy(index.geometries[cs[0]], lon[ps], lat[ps])

    results["contains_xy(prepared cell, its bbox candidates), loop over cells"] = timed(per_cell_contains_xy)[0]
    return results


def naive(index, lon, lat, sample: int) -> float:
    """A Python loop over cells for each point of a sample; seconds for the sample."""
    geometries = list(index.geometries)
    started = time.perf_counter()
    for x, y in zip(lon[:sample].tolist(), lat[:sample].tolist()):
        point = shapely.Point(x, y)
        for geometry in geometries:
            if geometry.intersects(point):
                break
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--institutions", type=int, default=200_000)
    parser.add_argument("--cells", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sample", type=int, default=2_000, help="points of the naive loop's sample")
    parser.add_argument("--database-url", help="PostgreSQL URL (its public schema is dropped); default SQLite in a temp dir")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    from sqlalchemy import create_engine, delete, text

    from registry import create_app
    from registry.commands import initialise
    from registry.extensions import db
    from registry.grid import assignment, importing, services
    from registry.grid.models import CellAssignment

    workdir = tempfile.mkdtemp(prefix="bench-grid-")
    url = args.database_url or f"sqlite:///{workdir}/bench.sqlite"
    if args.database_url:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "REGISTRY_BOUNDS": (73.4, 18.1, 135.1, 53.6),
                      "REGISTRY_UPLOAD_DIR": workdir})
    lines = []
    with app.app_context():
        initialise()
        backend = db.engine.dialect.name
        document = voronoi_cells(args.cells, rng)
        import_time, report = timed(importing.import_cells, None, document, code_property="code", name_property="name",
                                    source="bench")
        db.session.commit()
        insert_institutions(db.session.connection(), args.institutions, rng)
        db.session.commit()

        fulls, agains = [], []
        for _ in range(3):  # every row new (the table emptied before), then nothing changed
            db.session.execute(delete(CellAssignment))
            db.session.commit()
            seconds, first = timed(lambda: (services.assign_cells(None), db.session.commit())[0])
            fulls.append(seconds)
            agains.append(timed(lambda: (services.assign_cells(None), db.session.commit())[0])[0])
        full, again = statistics.median(fulls), statistics.median(agains)

        connection = db.session.connection()
        index = assignment.current_index(connection)
        data = connection.execute(text("SELECT longitude, latitude FROM institutions ORDER BY id")).all()
        lon = np.array([r[0] for r in data])
        lat = np.array([r[1] for r in data])
        points_time = min(timed(shapely.points, lon, lat)[0] for _ in range(3))
        points = shapely.points(lon, lat)
        locate_times = [timed(index.locate, lon, lat, points)[0] for _ in range(3)]
        found = index.locate(lon, lat, points)
        border_time, _ = timed(index.border_distances, lon, lat, found, 30.0, points)
        runs = [floors(index, lon, lat, points) for _ in range(3)]
        floor = {name: min(run[name] for run in runs) for name in runs[0]}
        naive_time = naive(index, lon, lat, args.sample)
        db.session.rollback()

        plain = None
        if backend == "postgresql":
            db.session.execute(delete(CellAssignment))
            db.session.commit()
            plain = timed(lambda: (assignment.assign_all(db.session.connection(), method="plain"), db.session.commit()))[0]

        # One institution as it is saved: the hook's locate and write, median of 1,000.
        connection = db.session.connection()
        singles = []
        for n in range(1000):
            x, y = float(lon[n]), float(lat[n])
            started = time.perf_counter()
            assignment.assign_institutions(connection, [n + 1], [x], [y])
            singles.append(time.perf_counter() - started)
        db.session.rollback()
        from registry.register import services as register
        from registry.register.models import Institution

        from registry.core.audit import set_actor

        admin = _admin()
        set_actor(db.session, admin)
        saves = []
        for n in range(1, 201):
            institution = db.session.get(Institution, n)
            started = time.perf_counter()
            register.update_institution(admin, n, {"latitude": institution.latitude + 0.0001},
                                        version=institution.version)
            db.session.commit()
            saves.append(time.perf_counter() - started)

    locate = min(locate_times)
    floor_name, floor_time = min(floor.items(), key=lambda item: item[1])
    naive_scaled = naive_time * args.institutions / args.sample
    n = args.institutions
    lines.append(f"### {n:,} institutions in {len(document['features']):,} cells, "
                 f"{'PostgreSQL' if backend == 'postgresql' else 'SQLite'} ({time.strftime('%Y-%m-%d')})\n")
    lines.append(f"`python bench/grid.py --institutions {n} --cells {args.cells} --seed {args.seed}"
                 f"{' --database-url URL' if args.database_url else ''}` on {platform.node()} "
                 f"({os.cpu_count()} cores, Python {platform.python_version()}, shapely {shapely.__version__}, "
                 f"GEOS {'.'.join(map(str, shapely.geos_version))}).\n")
    lines.append("| step | time | compared with | ratio |\n| --- | --- | --- | --- |")
    lines.append(f"| import of the {len(document['features']):,} cells (checks, overlaps, write) | {import_time:.2f} s | | |")
    batched = "COPY into a temporary table + one INSERT ... ON CONFLICT" if backend == "postgresql" else "one executemany"
    lines.append(f"| **full assignment** through `services.assign_cells` (read, locate, borders, write {first.changed:,} rows "
                 f"by {batched}, commit), median of 3 ({', '.join(f'{t:.2f}' for t in fulls)}) | **{full:.2f} s** | "
                 f"goal 5 s | |")
    lines.append(f"| the same again (nothing changed, nothing written), median of 3 | {again:.2f} s | | |")
    lines.append(f"| point geometries from the coordinates (`shapely.points`, shared by locate and borders) | "
                 f"{points_time:.3f} s | | |")
    lines.append(f"| locate step (`CellIndex.locate`, finest cell by the border rule): **{n / locate / 1e6:.2f} M points/s** | "
                 f"{locate:.3f} s | floor, {floor_name}: {floor_time:.3f} s | {locate / floor_time:.2f}× |")
    for name, value in floor.items():
        lines.append(f"| bare shapely: {name} | {value:.3f} s | | |")
    lines.append(f"| naive loop over cells (`polygon.intersects(point)`), {args.sample:,} points scaled to {n:,} | "
                 f"{naive_scaled:.1f} s | locate step: {locate:.3f} s | {naive_scaled / locate:,.0f}× |")
    lines.append(f"| border distances (30 m), {first.near_border:,} institutions marked | {border_time:.3f} s | | |")
    if plain is not None:
        lines.append(f"| baseline: the full assignment writing one upsert per row | {plain:.2f} s | batched: {full:.2f} s | "
                     f"{plain / full:.1f}× slower |")
    lines.append(f"| re-assigning one institution on save (the session hook's `assign_institutions`), median of 1,000 | "
                 f"{statistics.median(singles) * 1000:.3f} ms | | |")
    lines.append(f"| saving one institution's new coordinates (`update_institution`, audit, commit), median of 200 | "
                 f"{statistics.median(saves) * 1000:.1f} ms | | |")
    lines.append(f"\nAssigned: {first.assigned:,} in a cell, {first.unassigned:,} in none, {first.near_border:,} near a border.\n")
    print("\n".join(lines))


def _admin():
    from sqlalchemy import select

    from registry.accounts.models import User
    from registry.accounts.services import create_user
    from registry.extensions import db

    user = db.session.scalar(select(User).where(User.username == "bench-admin"))
    if user is None:
        user = create_user(None, username="bench-admin", role="admin", password="bench-admin-1")
        db.session.commit()
    return user


if __name__ == "__main__":
    main()
