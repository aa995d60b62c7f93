"""`registry bulletin`: the bulletin for scheduled runs, as JSON, CSV or XLSX."""
from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from registry.core.commands import fail


def register_report_commands(group) -> None:
    group.add_command(bulletin_command)


@click.command("bulletin")
@click.option("--from", "start", help="First day, YYYY-MM-DD (default: the last full half-month).")
@click.option("--to", "end", help="Last day, YYYY-MM-DD.")
@click.option("--city", default="", help="City code (default: the city with the most institutions).")
@click.option("--format", "form", type=click.Choice(["json", "csv", "xlsx"]), default="json", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="File to write (default: standard output; XLSX needs a file unless the output is redirected).")
@with_appcontext
def bulletin_command(start, end, city, form, output):
    """Every indicator of the bulletin for a period, by district and for the city."""
    from registry.core.errors import Invalid
    from registry.reports import export, services

    if bool(start) != bool(end):
        fail("Give both --from and --to, or neither (the last full half-month).")
    try:
        period = services.parse_period(start, end)
    except Invalid as error:
        fail("; ".join(m for messages in error.fields.values() for m in messages) or error.message)
    with current_app.test_request_context():  # the figures' links are built like the page's
        report = services.bulletin(None, period=period, city=city)
        if form == "json":
            data = (json.dumps(export.as_json(report), ensure_ascii=False, indent=2) + "\n").encode()
        elif form == "csv":
            data = export.csv_text(report).encode("utf-8")
        else:
            data = export.xlsx(report)
    if output:
        with open(output, "wb") as handle:
            handle.write(data)
        click.echo(f"{report.city.name} {report.period.start}–{report.period.end}: {output}", err=True)
        return
    if form == "xlsx" and sys.stdout.isatty():
        fail("XLSX is binary: give --output FILE or redirect the output.")
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
