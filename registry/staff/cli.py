"""The staff area's commands: `registry import staff FILE.csv [--skip-invalid] [--end-missing]` and
`registry import teachers FILE.csv [--skip-invalid]`."""
from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from registry.core.commands import fail

SKIP_HELP = "Write the good rows and report the bad ones (default: write nothing when any row is bad)."


def register_staff_commands(import_group) -> None:
    import_group.add_command(import_staff_command)
    import_group.add_command(import_teachers_command)


def _run(kind: str, path: Path, **options) -> None:
    from registry.core.audit import set_actor
    from registry.core.errors import Invalid
    from registry.extensions import db
    from registry.staff import importing

    set_actor(db.session, None)
    run = importing.import_staff if kind == "staff" else importing.import_teachers
    started = time.perf_counter()
    with path.open("rb") as handle:
        try:
            report = run(None, handle, source=path.name, **options)
        except importing.ImportRefused as refused:
            _print_errors(refused.report)
            fail(refused.message)
        except Invalid as error:
            fail("; ".join(m for messages in error.fields.values() for m in messages) or error.message)
    matches = [(m.institution.name, m.staff.name, m.staff.masked_id, m.teacher_name, m.school, m.district)
               for m in report.matches]
    db.session.commit()
    _print_errors(report)
    seconds = time.perf_counter() - started
    if kind == "staff":
        click.echo(f"{path.name}: {report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
                   f"{report.ended} ended, {report.bad_rows} rows skipped ({seconds:.1f} s).")
    else:
        click.echo(f"{path.name}: {report.created} teachers added, {report.updated} updated, {report.unchanged} "
                   f"unchanged, {report.removed} no longer on the roster, {report.bad_rows} rows skipped "
                   f"({seconds:.1f} s).")
    click.echo(f"In-service teachers found on institutions' staff: {len(matches)} new.")
    for institution, name, masked, teacher, school, district in matches:
        click.echo(f"  {institution}: {name} {masked} = {teacher}, {school} {district}")


def _print_errors(report) -> None:
    for error in report.errors:
        click.echo(f"line {error.line}: {error.field}: {error.message}", err=True)


@click.command("staff")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help=SKIP_HELP)
@click.option("--end-missing", is_flag=True,
              help="End the employment of the current staff of each institution in the file who are not in it.")
@with_appcontext
def import_staff_command(path: Path, skip_invalid: bool, end_missing: bool):
    """Import institutions' staff rosters from a CSV file (UTF-8, with or without BOM, or GB18030/GBK)."""
    _run("staff", path, skip_invalid=skip_invalid, end_missing=end_missing)


@click.command("teachers")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help=SKIP_HELP)
@with_appcontext
def import_teachers_command(path: Path, skip_invalid: bool):
    """Replace the in-service school teachers' roster with a CSV file (ID number, name, school, district)."""
    _run("teachers", path, skip_invalid=skip_invalid)
