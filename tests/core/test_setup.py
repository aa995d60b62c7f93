"""Setting up: the demo command, `registry init`, and the settings production insists on."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from registry import create_app
from registry.cli import cli
from registry.config import COUNTRY_BOUNDS, ConfigError, parse_bounds, parse_category_departments


def test_demo_creates_then_reuses_its_data(tmp_path, monkeypatch):
    from click.testing import CliRunner

    monkeypatch.setenv("REGISTRY_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("REGISTRY_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite'}")
    monkeypatch.setenv("REGISTRY_SECRET_KEY", "demo-test")
    monkeypatch.delenv("REGISTRY_BOUNDS", raising=False)
    runner = CliRunner()
    first = runner.invoke(cli, ["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    assert "registry-demo" in first.output and "market" in first.output
    second = runner.invoke(cli, ["demo", "--no-serve"])
    assert second.exit_code == 0 and "reusing" in second.output

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'demo.sqlite'}", "SECRET_KEY": "x"})
    with app.app_context():
        from registry.accounts.models import User
        from registry.core.audit import verify
        from registry.extensions import db
        from registry.register.models import Institution

        assert {u.username for u in db.session.scalars(select(User))} == {
            "admin", "edu", "tech", "arts", "sports", "grid", "market", "edu2", "tech2", "arts2", "sports2", "market2"}
        statuses = dict(db.session.execute(select(Institution.status, func.count()).group_by(Institution.status)).all())
        assert sum(statuses.values()) == 301  # 300 from the fixture and the record one conversion created
        assert set(statuses) == {"applied", "licensed", "rejected", "suspended", "revoked", "deregistered", "converted"}
        assert verify(db.session).ok
        _check_enforcement_demo()
        db.engine.dispose()


def test_demo_serves_the_app(tmp_path, monkeypatch):
    from click.testing import CliRunner

    served = {}
    monkeypatch.setattr("werkzeug.serving.run_simple", lambda host, port, app, **kw: served.update(host=host, port=port, app=app))
    monkeypatch.setenv("REGISTRY_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("REGISTRY_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite'}")
    monkeypatch.setenv("REGISTRY_SECRET_KEY", "demo-test")
    result = CliRunner().invoke(cli, ["demo", "--host", "0.0.0.0", "--port", "5123"])
    assert result.exit_code == 0, result.output
    assert (served["host"], served["port"]) == ("0.0.0.0", 5123)
    assert served["app"].test_client().get("/login").status_code == 200
    with served["app"].app_context():
        from registry.extensions import db

        db.engine.dispose()


def _fresh_environment(instance):
    """The environment of a new user's shell: no settings, only a fresh instance folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REGISTRY_", "FLASK_"))}
    return {**env, "REGISTRY_INSTANCE_DIR": str(instance)}


def _registry(env, *args):
    script = Path(sys.executable).with_name("registry")
    return subprocess.run([str(script), *args], env=env, capture_output=True, text=True, timeout=600)


def test_the_readme_commands_run_on_the_demo_instance_without_settings(tmp_path, monkeypatch):
    """After `registry demo`, the README's other commands run on the demo's instance folder as the demo does."""
    from click.testing import CliRunner

    instance = tmp_path / "instance"
    env = _fresh_environment(instance)
    demo = _registry(env, "demo", "--no-serve")
    assert demo.returncode == 0, demo.stderr
    verified = _registry(env, "audit", "verify")
    assert verified.returncode == 0 and verified.stdout.startswith("Audit log intact"), verified.stderr
    bulletin = _registry(env, "bulletin", "--format", "csv")
    assert bulletin.returncode == 0 and "Traceback" not in bulletin.stderr, bulletin.stderr
    backup = _registry(env, "backup", str(tmp_path / "copy.sqlite"))
    assert backup.returncode == 0 and (tmp_path / "copy.sqlite").stat().st_size > 0, backup.stderr

    for name in list(os.environ):
        if name.startswith("REGISTRY_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("REGISTRY_INSTANCE_DIR", str(instance))
    result = CliRunner().invoke(cli, ["audit", "verify"])
    assert result.exit_code == 0 and "Audit log intact" in result.output, result.output
    # The demo's city bounds hold for later commands too.
    assert create_app().config["REGISTRY_BOUNDS"] != COUNTRY_BOUNDS
    # Pointed at another database, the folder is not the demo's: the key is required again.
    monkeypatch.setenv("REGISTRY_DATABASE_URL", f"sqlite:///{tmp_path / 'other.sqlite'}")
    with pytest.raises(ConfigError):
        create_app()


def test_help_lists_every_command_without_settings_and_a_command_says_what_is_missing(tmp_path):
    env = _fresh_environment(tmp_path / "instance")
    shown = _registry(env, "--help")
    assert shown.returncode == 0 and not shown.stderr, shown.stderr
    listed = {line.split()[0] for line in shown.stdout.split("Commands:")[1].splitlines() if line.strip()}
    assert {"demo", "init", "create-user", "import", "audit", "backup", "restore", "bulletin", "escrow",
            "assign-cells", "grid-worker", "db", "run", "shell", "routes"} <= listed
    assert "statements" in _registry(env, "import", "--help").stdout
    for args in (["audit", "verify"], ["import", "institutions", __file__], ["bulletin"]):
        refused = _registry(env, *args)
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        assert refused.stderr.strip().splitlines() == [
            "Error: REGISTRY_SECRET_KEY is not set: set it to a long random string, or run `registry demo` (which "
            "keeps its own key in the instance folder), or set REGISTRY_ENV=development."]


def test_init_loads_reference_data_only(tmp_path, monkeypatch):
    from click.testing import CliRunner

    monkeypatch.setenv("REGISTRY_DATABASE_URL", f"sqlite:///{tmp_path / 'city.sqlite'}")
    monkeypatch.setenv("REGISTRY_SECRET_KEY", "init-test")
    result = CliRunner().invoke(cli, ["init"])
    assert result.exit_code == 0, result.output
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'city.sqlite'}", "SECRET_KEY": "x"})
    with app.app_context():
        from registry.accounts.models import User
        from registry.extensions import db
        from registry.register.models import CategoryRef, District, Institution

        assert db.session.scalar(select(func.count()).select_from(User)) == 0
        assert db.session.scalar(select(func.count()).select_from(Institution)) == 0
        assert db.session.get(CategoryRef, "arts").department_code == "culture"
        assert db.session.get(District, "330302").name == "鹿城区"
        db.engine.dispose()


def test_production_refuses_to_start_without_a_secret(monkeypatch):
    monkeypatch.delenv("REGISTRY_SECRET_KEY", raising=False)
    monkeypatch.delenv("REGISTRY_ENV", raising=False)
    with pytest.raises(ConfigError, match="REGISTRY_SECRET_KEY"):
        create_app()


def test_settings_parsing():
    assert parse_bounds("119.6,27.0,121.3,28.6") == (119.6, 27.0, 121.3, 28.6)
    with pytest.raises(ConfigError):
        parse_bounds("121,27,119,28")
    assert parse_category_departments("arts:culture2")["arts"] == "culture2"
    with pytest.raises(ConfigError):
        parse_category_departments("custody:market")


def _check_enforcement_demo():
    """The enforcement demo holds what a supervisor looks for: overdue rectifications, overdue leads, fines in each
    state, cases at several steps."""
    from registry.enforcement import services
    from registry.enforcement.models import Fine, Lead, PenaltyCase
    from registry.extensions import db
    from registry.accounts.models import User

    admin = db.session.scalar(select(User).where(User.username == "admin"))
    assert services.list_inspections(admin, filters=services.InspectionFilters(overdue=True)).total == 2
    assert services.list_leads(admin, filters=services.LeadFilters(overdue=True)).total >= 1
    assert {services.state_of(f).value for f in db.session.scalars(select(Fine))} >= {"paid", "overdue"}
    assert len({c.step for c in db.session.scalars(select(PenaltyCase))}) >= 3
    assert {lead.source.value for lead in db.session.scalars(select(Lead))} == {"grid", "hotline", "public", "staff"}
