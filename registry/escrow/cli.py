"""The escrow's commands: `registry import statements|charges FILE.csv` and `registry escrow refresh`."""
from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from registry.core.commands import fail

MAP_HELP = ("Columns named differently in the file, as our_name=their_name,... "
            "(e.g. closing_balance=余额,received=贷方发生额).")


def register_escrow_commands(group, import_group) -> None:
    import_group.add_command(import_statements_command)
    import_group.add_command(import_charges_command)
    group.add_command(escrow_group)


def _run_import(kind: str, path: Path, skip_invalid: bool, mapping: str | None) -> None:
    from registry.core.audit import set_actor
    from registry.core.errors import Invalid
    from registry.escrow import importing
    from registry.extensions import db

    set_actor(db.session, None)
    run = importing.import_statements if kind == "statements" else importing.import_charges
    started = time.perf_counter()
    with path.open("rb") as handle:
        try:
            report = run(None, handle, skip_invalid=skip_invalid, source=path.name, mapping=mapping)
        except importing.ImportRefused as refused:
            _print_report_errors(refused.report)
            fail(refused.message)
        except Invalid as error:
            fail("; ".join(m for messages in error.fields.values() for m in messages) or error.message)
    db.session.commit()
    _print_report_errors(report)
    flagged = ("flagged (do not add up, or leave a gap)" if kind == "statements" else "break a charging rule")
    click.echo(f"{path.name}: {report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
               f"{report.flagged} {flagged}, {report.bad_rows} rows skipped ({time.perf_counter() - started:.1f} s).")


def _print_report_errors(report) -> None:
    if report.ignored_columns:
        click.echo(f"ignored columns: {', '.join(report.ignored_columns)}", err=True)
    for error in report.errors:
        click.echo(f"line {error.line}: {error.field}: {error.message}", err=True)
    if report.errors.more:
        click.echo(f"... and {report.errors.more:,} more errors ({report.errors.lines:,} rows have errors in all).", err=True)


@click.command("statements")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Write the good rows and report the bad ones (default: write nothing when any row is bad).")
@click.option("--map", "mapping", metavar="OURS=THEIRS,...", help=MAP_HELP)
@with_appcontext
def import_statements_command(path: Path, skip_invalid: bool, mapping: str | None):
    """Import bank statements of supervised accounts from a CSV file (UTF-8, with or without BOM, or GB18030/GBK)."""
    _run_import("statements", path, skip_invalid, mapping)


@click.command("charges")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Write the good rows and report the bad ones (default: write nothing when any row is bad).")
@click.option("--map", "mapping", metavar="OURS=THEIRS,...", help=MAP_HELP)
@with_appcontext
def import_charges_command(path: Path, skip_invalid: bool, mapping: str | None):
    """Import prepaid charges from a CSV file; each is checked against the charging rules."""
    _run_import("charges", path, skip_invalid, mapping)


@click.group("escrow")
def escrow_group():
    """Prepaid-fee escrow."""


@escrow_group.command("refresh")
@with_appcontext
def refresh_command():
    """Re-apply the escrow rules to every institution (run daily: charges run out and statements fall due)."""
    from registry.escrow import figures

    result = figures.refresh_all()
    changes = ", ".join(f"{n} now {status}" for status, n in sorted(result["changed"].items())) or "no status changed"
    click.echo(f"Checked {result['checked']} escrows: {changes}.")
