"""The registry's own commands, on the `registry` group itself (so its help needs no settings) and on each app's
group by `create_app` (the `registry` command itself, with `registry demo`, is registry/cli.py)."""
from __future__ import annotations

import json
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select

from registry.config import PROJECT_ROOT
from registry.core.commands import fail, import_group

FIXTURES = PROJECT_ROOT / "fixtures"
DEMO_PASSWORD = "registry-demo"
DEMO_CITY_GEOJSON = FIXTURES / "geo" / "330300_full.json"
DEMO_CITY = "330300"  # 温州市, whose districts that file holds: offered first in every district picker


def add_commands(group: click.Group) -> None:
    """The registry's own commands, and Flask-Migrate's `db` (which it adds only to a loaded app's group), on `group`."""
    from flask_migrate.cli import db as migrations_group

    group.add_command(migrations_group, "db")
    group.add_command(init_command)
    group.add_command(create_user_command)
    group.add_command(import_group)
    group.add_command(audit_group)
    group.add_command(backup_command)
    group.add_command(restore_command)
    from registry.escrow.cli import register_escrow_commands

    register_escrow_commands(group, import_group)
    from registry.grid.cli import register_grid_commands

    register_grid_commands(group, import_group)
    from registry.staff.cli import register_staff_commands

    register_staff_commands(import_group)
    from registry.annual.cli import register_annual_commands

    register_annual_commands(group, import_group)
    from registry.reports.cli import register_report_commands

    register_report_commands(group)


def initialise() -> None:
    """Build the schema by migrating, then load the reference data."""
    from registry.core.audit import set_actor
    from registry.extensions import db
    from registry.register.reference import load_reference_data

    upgrade(directory=str(PROJECT_ROOT / "migrations"))
    set_actor(db.session, None)
    load_reference_data(FIXTURES, current_app.config["REGISTRY_CATEGORY_DEPARTMENTS"])
    from registry.enforcement.services import load_reference

    load_reference(FIXTURES)  # checklists and violation types
    db.session.commit()


@click.command("init")
@with_appcontext
def init_command():
    """Create or upgrade the schema and load departments, categories and districts (no demo data)."""
    initialise()
    click.echo(f"Database ready: {current_app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")


@click.command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["admin", "officer", "grid_worker", "market"]))
@click.option("--department", "department_code", help="Department code, required for officers (edu, tech, culture, sports, market).")
@click.option("--name", "display_name", default="", help="Name shown in the interface.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="Prompted for when not given.")
@with_appcontext
def create_user_command(username, role, department_code, display_name, password):
    """Create a user account."""
    from registry.accounts.services import create_user
    from registry.core.audit import set_actor
    from registry.core.errors import Invalid
    from registry.extensions import db

    set_actor(db.session, None)
    try:
        user = create_user(None, username=username, role=role, department_code=department_code,
                           password=password, display_name=display_name)
    except Invalid as error:
        fail("; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.fields.items()) or error.message)
    db.session.commit()
    click.echo(f"Created {user.username} ({user.role.value}{', ' + user.department_code if user.department_code else ''}).")


@import_group.command("institutions")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Write the good rows and report the bad ones (default: write nothing when any row is bad).")
@with_appcontext
def import_institutions_command(path: Path, skip_invalid: bool):
    """Import institutions from a CSV file (UTF-8, with or without BOM, or GB18030/GBK)."""
    from registry.core.audit import set_actor
    from registry.core.errors import Invalid
    from registry.extensions import db
    from registry.register import importing

    set_actor(db.session, None)
    started = time.perf_counter()
    with path.open("rb") as handle:
        try:
            report = importing.import_institutions(None, handle, skip_invalid=skip_invalid, source=path.name)
        except importing.ImportRefused as refused:
            _print_errors(refused.report)
            fail(refused.message)
        except Invalid as error:
            fail(error.message)
    db.session.commit()
    _print_errors(report)
    click.echo(f"{path.name}: {report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
               f"{report.errors.lines} rows skipped ({time.perf_counter() - started:.1f} s).")


def _print_errors(report) -> None:
    for error in report.errors:
        click.echo(f"line {error.line}: {error.field}: {error.message}", err=True)
    if report.errors.more:
        click.echo(f"... and {report.errors.more:,} more errors ({report.errors.lines:,} rows have errors in all).", err=True)


@click.group("audit")
def audit_group():
    """The audit log."""


@audit_group.command("verify")
@with_appcontext
def audit_verify_command():
    """Check the audit log's hash chain; exits non-zero naming the first bad entry."""
    from registry.core.audit import verify
    from registry.extensions import db

    result = verify(db.session)
    if not result.ok:
        fail(f"Audit log broken at entry {result.bad_id}: {result.problem} ({result.checked} entries before it are intact).")
    click.echo(f"Audit log intact: {result.checked} entries.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH when it exists.")
@with_appcontext
def backup_command(path: Path, force: bool):
    """Copy the SQLite database to PATH while the app keeps running (PostgreSQL: use pg_dump)."""
    from registry.core.backup import BackupRefused, backup_sqlite
    from registry.extensions import db

    try:
        result = backup_sqlite(db.engine, path, force=force)
    except BackupRefused as refused:
        fail(str(refused))
    click.echo(f"Backed up to {result.path} ({result.size:,} bytes, {result.audit_entries} audit entries).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool):
    """Replace the SQLite database's content with the backup at PATH, once it is checked (whole, this version's
    schema, its audit log intact) and no app has the database open."""
    from registry.core.backup import BackupRefused, restore_sqlite
    from registry.extensions import db

    if not yes:
        click.confirm(f"Everything in {db.engine.url.database} will be replaced by {path}. Stop the app first. Go on?",
                      abort=True)
    try:
        restored = restore_sqlite(db.engine, path)
    except BackupRefused as refused:
        fail(str(refused))
    click.echo(f"Restored from {path}; audit log intact: {restored.audit_entries} entries.")


def demo_bounds() -> str:
    """The demo city's extent, padded a little, as REGISTRY_BOUNDS."""
    from shapely.geometry import shape

    features = json.loads(DEMO_CITY_GEOJSON.read_text(encoding="utf-8"))["features"]
    bounds = [shape(f["geometry"]).bounds for f in features]
    pad = 0.05
    return ",".join(f"{v:.4f}" for v in (min(b[0] for b in bounds) - pad, min(b[1] for b in bounds) - pad,
                                         max(b[2] for b in bounds) + pad, max(b[3] for b in bounds) + pad))


def load_demo() -> bool:
    """Demo users and institutions from fixtures/, once; returns whether anything was loaded."""
    import csv

    from registry.accounts.models import User
    from registry.accounts.services import create_user
    from registry.core.audit import set_actor
    from registry.extensions import db
    from registry.register import importing, services
    from registry.register.models import Institution
    from registry.register.rules import Category, Status

    if db.session.scalar(select(func.count()).select_from(User)):
        return False
    set_actor(db.session, None)
    with (FIXTURES / "demo_users.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            create_user(None, username=row["username"], role=row["role"], department_code=row["department"] or None,
                        display_name=row["display_name"], password=DEMO_PASSWORD)
    db.session.commit()
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    set_actor(db.session, admin)
    importing.import_institutions(admin, (FIXTURES / "demo_institutions.csv").read_bytes(), source="demo_institutions.csv")
    db.session.commit()
    # One academic institution went through conversion (转型), so the demo shows a linked pair.
    academic = db.session.scalars(select(Institution).where(Institution.category == Category.academic,
                                                            Institution.status == Status.licensed)
                                  .order_by(Institution.id)).first()
    if academic is not None:
        services.transition_institution(admin, academic.id, to="converted", new_category="arts",
                                        reason="压减转型：转为文化艺术类培训机构")
    db.session.commit()
    from registry.core.models import local_today
    from registry.escrow.demo import load_escrow_demo

    load_escrow_demo(admin, FIXTURES, local_today())
    from registry.grid.demo import load_grid_demo

    load_grid_demo(admin, FIXTURES)
    from registry.enforcement.demo import load_enforcement_demo

    load_enforcement_demo(local_today())
    from registry.staff.demo import load_staff_demo

    load_staff_demo(admin, local_today())
    from registry.annual.demo import load_annual_demo

    load_annual_demo(local_today())
    return True
