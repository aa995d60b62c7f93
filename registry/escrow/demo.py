"""Loading the escrow demo (fixtures/demo_escrow_*.csv, written by fixtures/build_escrow_demo.py).

The files are dated as of `DEMO_AS_OF`. Loading moves every date forward by whole months to the current month,
so the demo's statements are as recent (and as overdue) on any day as on the day the files were made.
"""
from __future__ import annotations

import calendar
import csv
import io
from datetime import date
from pathlib import Path

from sqlalchemy import select

from registry.core.dates import add_months
from registry.escrow import importing, services
from registry.extensions import db
from registry.register.models import Institution
from registry.register.rules import Status

DEMO_AS_OF = date(2026, 11, 1)  # the files hold nothing later than the month before this one
ACCOUNTS = "demo_escrow_accounts.csv"
STATEMENTS = "demo_escrow_statements.csv"
CHARGES = "demo_escrow_charges.csv"
DATE_COLUMNS = {"opened_on", "then_on", "period_start", "period_end", "charged_on", "course_start"}


def months_since_files(today: date) -> int:
    return (today.year * 12 + today.month) - (DEMO_AS_OF.year * 12 + DEMO_AS_OF.month)


def shift(day: date, months: int) -> date:
    """`day` moved by whole months; a month's last day stays the last day."""
    moved = add_months(day, months)
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return moved.replace(day=calendar.monthrange(moved.year, moved.month)[1])
    return moved


def _shifted_rows(path: Path, months: int) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        columns = list(reader.fieldnames or [])
    for row in rows:
        for column in DATE_COLUMNS & row.keys():
            if row[column]:
                row[column] = shift(date.fromisoformat(row[column]), months).isoformat()
    return columns, rows


def _csv_bytes(columns: list[str], rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def load_escrow_demo(admin, fixtures: Path, today: date) -> dict:
    """Accounts, then statements and charges through the imports, then the officers' freezes and closures."""
    months = months_since_files(today)
    _, accounts = _shifted_rows(fixtures / ACCOUNTS, months)
    institutions = {i.credit_code: i for i in db.session.scalars(
        select(Institution).where(Institution.status != Status.converted))}
    for row in accounts:
        institution = institutions[row["credit_code"]]
        services.record_account(admin, institution.id, {k: row[k] for k in services.ACCOUNT_FIELDS}, reason=row["reason"])
    db.session.commit()
    reports = {}
    for kind, name, run in (("statements", STATEMENTS, importing.import_statements),
                            ("charges", CHARGES, importing.import_charges)):
        columns, rows = _shifted_rows(fixtures / name, months)
        reports[kind] = run(admin, _csv_bytes(columns, rows), source=name)
        db.session.commit()
    for row in accounts:
        if row["then_action"]:
            services.change_status(admin, institutions[row["credit_code"]].id, action=row["then_action"],
                                   reason=row["then_reason"], effective_on=row["then_on"])
    db.session.commit()
    return reports
