"""Setting up: the demo command, `registry init`, and the settings production insists on."""
import pytest
from sqlalchemy import func, select

from registry import create_app
from registry.cli import cli
from registry.config import ConfigError, parse_bounds, parse_category_departments


def test_demo_creates_then_reuses_its_data(tmp_path, monkeypatch):
    from click.testing import CliRunner

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
    monkeypatch.setenv("REGISTRY_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite'}")
    monkeypatch.setenv("REGISTRY_SECRET_KEY", "demo-test")
    result = CliRunner().invoke(cli, ["demo", "--host", "0.0.0.0", "--port", "5123"])
    assert result.exit_code == 0, result.output
    assert (served["host"], served["port"]) == ("0.0.0.0", 5123)
    assert served["app"].test_client().get("/login").status_code == 200
    with served["app"].app_context():
        from registry.extensions import db

        db.engine.dispose()


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
    assert {lead.source.value for lead in db.session.scalars(select(Lead))} == {"grid", "hotline", "public"}
