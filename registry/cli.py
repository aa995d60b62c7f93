"""The `registry` command: Flask's own commands (run, shell, db ...) plus the registry's (registry/commands.py, listed
without loading the app), and `registry demo`, which makes its own app."""
from __future__ import annotations

import os

import click
from flask.cli import FlaskGroup

from registry import create_app
from registry.commands import DEMO_CITY, DEMO_PASSWORD, add_commands, demo_bounds, initialise, load_demo
from registry.config import ConfigError, mark_demo


def make_app():
    try:
        # A command (an import, a bulletin at a city's scale) may run long: the statement timeout is for requests.
        return create_app({"REGISTRY_DATABASE_STATEMENT_TIMEOUT": 0})
    except ConfigError as error:  # a missing or malformed setting: one line saying which, not a traceback
        raise click.ClickException(str(error)) from None


class RegistryGroup(FlaskGroup):
    """Flask's command group, listing its commands without loading the app: the registry's commands belong to
    the group itself, so `registry --help` needs no settings; only running a command loads the app."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugin_commands()  # `db`, `limiter`, ... from the installed extensions
        return sorted(super(FlaskGroup, self).list_commands(ctx))


@click.group(cls=RegistryGroup, create_app=make_app)
def cli():
    """校外培训机构监管登记系统 — the registry of off-campus training institutions."""


@cli.command("demo", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Set up the demo database and stop.")
def demo_command(host: str, port: int, no_serve: bool):
    """Create (or reuse) a SQLite database with demo data and serve the app."""
    if not os.environ.get("REGISTRY_BOUNDS"):
        os.environ["REGISTRY_BOUNDS"] = demo_bounds()
    os.environ.setdefault("REGISTRY_CITY", DEMO_CITY)
    app = create_app(demo=True)
    mark_demo(app.instance_path, app.config["SQLALCHEMY_DATABASE_URI"], os.environ["REGISTRY_BOUNDS"],
              os.environ["REGISTRY_CITY"])
    with app.app_context():
        initialise()
        created = load_demo()
    click.echo("Demo data " + ("loaded." if created else "already there: reusing it."))
    click.echo(f"Demo accounts (password “{DEMO_PASSWORD}”): admin; edu, tech, arts, sports (licensing officers) and "
               "edu2, tech2, arts2, sports2 (their enforcement colleagues); grid (grid worker); market, market2 (market "
               "regulation).")
    if not no_serve:
        from werkzeug.serving import run_simple

        # Not app.run(): Flask ignores it inside its own command line.
        click.echo(f"Serving on http://{host}:{port}/ (Ctrl+C to stop)")
        run_simple(host, port, app, threaded=True)


add_commands(cli)
