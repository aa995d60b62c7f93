"""The annual inspection's command: `registry import annual-materials FILE.csv [--skip-invalid]`."""
from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from registry.core.commands import fail


def register_annual_commands(group, import_group) -> None:
    import_group.add_command(import_materials_command)


@click.command("annual-materials")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Write the good rows and report the bad ones (default: write nothing when any row is bad).")
@with_appcontext
def import_materials_command(path: Path, skip_invalid: bool):
    """Import the annual-inspection materials received (credit_code, year, material, received_on[, note]) from a CSV
    file (UTF-8, with or without BOM, or GB18030/GBK)."""
    from registry.annual import importing
    from registry.core.audit import set_actor
    from registry.core.errors import Invalid
    from registry.extensions import db

    set_actor(db.session, None)
    started = time.perf_counter()
    with path.open("rb") as handle:
        try:
            report = importing.import_materials(None, handle, skip_invalid=skip_invalid)
        except importing.ImportRefused as refused:
            _print_errors(refused.report)
            fail(refused.message)
        except Invalid as error:
            fail("; ".join(m for messages in error.fields.values() for m in messages) or error.message)
    db.session.commit()
    _print_errors(report)
    click.echo(f"{path.name}: {report.created} recorded, {report.unchanged} unchanged, {report.bad_rows} rows skipped "
               f"({time.perf_counter() - started:.1f} s).")


def _print_errors(report) -> None:
    for error in report.errors:
        click.echo(f"line {error.line}: {error.field}: {error.message}", err=True)
