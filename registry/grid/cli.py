"""The grid's commands: `registry import cells FILE.geojson`, `registry assign-cells`, `registry grid-worker`."""
from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from registry.core.commands import fail


def register_grid_commands(group, import_group) -> None:
    import_group.add_command(import_cells_command)
    group.add_command(assign_cells_command)
    group.add_command(grid_worker_command)


def print_findings(report) -> None:
    for feature, kind, message in report.findings:
        click.echo(f"{feature}: {message}", err=kind != "repaired")


def describe_assignment(result) -> str:
    return (f"{result.institutions} institutions: {result.assigned} in a cell, {result.unassigned} in none, "
            f"{result.near_border} near a border, {result.changed} changed"
            + (f", {result.kept_confirmed} kept as confirmed" if result.kept_confirmed else ""))


@click.command("cells")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--code-property", default="adcode", show_default=True, help="The feature property holding the cell's code.")
@click.option("--name-property", default="name", show_default=True, help="The feature property holding the cell's name.")
@click.option("--parent", "parent_code", help="Code of the cell these cells lie in (they become one level finer).")
@click.option("--repair", is_flag=True, help="Make invalid geometries valid (and report what changed) instead of refusing the file.")
@click.option("--allow-overlaps", is_flag=True, help="Import even when cells of the same level overlap by more than the tolerance.")
@with_appcontext
def import_cells_command(path: Path, code_property: str, name_property: str, parent_code: str | None, repair: bool,
                         allow_overlaps: bool):
    """Import grid cells from a GeoJSON FeatureCollection (Polygons and MultiPolygons); the code is the key."""
    from registry.core.audit import set_actor
    from registry.core.errors import Invalid
    from registry.extensions import db
    from registry.grid import importing

    set_actor(db.session, None)
    started = time.perf_counter()
    try:
        report = importing.import_cells(None, path.read_bytes(), code_property=code_property, name_property=name_property,
                                        parent_code=parent_code, repair=repair, allow_overlaps=allow_overlaps,
                                        source=path.name)
    except importing.CellImportRefused as refused:
        print_findings(refused.report)
        hint = " Run again with --repair to repair invalid geometries." if any(
            kind == "invalid" for _, kind, _ in refused.report.findings) else ""
        fail(refused.message + hint)
    except Invalid as error:
        fail("; ".join(m for messages in error.fields.values() for m in messages) or error.message)
    db.session.commit()
    print_findings(report)
    click.echo(f"{path.name}: {report.created} cells created, {report.updated} updated, {report.unchanged} unchanged "
               f"({time.perf_counter() - started:.1f} s).")
    click.echo(describe_assignment(report.assignment) + ".")


@click.command("assign-cells")
@with_appcontext
def assign_cells_command():
    """Assign every institution to the finest cell containing it (and mark those near a border)."""
    from registry.core.audit import set_actor
    from registry.extensions import db
    from registry.grid import services

    set_actor(db.session, None)
    started = time.perf_counter()
    result = services.assign_cells(None)
    db.session.commit()
    click.echo(f"{describe_assignment(result)} ({time.perf_counter() - started:.2f} s).")


@click.command("grid-worker")
@click.argument("username")
@click.argument("cell_codes", nargs=-1, required=True)
@click.option("--leader", is_flag=True, help="Also the cells' leader (网格长), who confirms border cases.")
@click.option("--remove", is_flag=True, help="No longer answers for these cells.")
@with_appcontext
def grid_worker_command(username: str, cell_codes: tuple[str, ...], leader: bool, remove: bool):
    """Make a grid worker answer for cells (or no longer, with --remove)."""
    from registry.core.audit import set_actor
    from registry.core.errors import Invalid, NotFound
    from registry.extensions import db
    from registry.grid import services

    set_actor(db.session, None)
    try:
        for code in cell_codes:
            if remove:
                services.remove_worker(None, code, username)
            else:
                services.add_worker(None, code, username, leader=leader)
    except Invalid as error:
        fail("; ".join(m for messages in error.fields.values() for m in messages) or error.message)
    except NotFound as error:
        fail(error.message)
    db.session.commit()
    click.echo(f"{username}: {'removed from' if remove else 'answers for'} {', '.join(cell_codes)}.")
