"""Importing old records with the dates their status took effect: the register as of a past date is their real one."""
from __future__ import annotations

from sqlalchemy import select

from registry.extensions import db
from registry.register.models import StatusChange
from tests.reports.conftest import row


def test_an_old_deregistration_keeps_its_dates(import_rows):
    import_rows([row(1, status="deregistered", licensed_on="2019-05-01", status_on="2021-09-30"),
                 row(2, status="licensed", licensed_on="2018-03-01")])
    steps = db.session.execute(select(StatusChange.from_status, StatusChange.to_status, StatusChange.effective_on)
                               .order_by(StatusChange.institution_id, StatusChange.id)).all()
    assert [(str(f) if f else None, str(t), d.isoformat()) for f, t, d in steps] == [
        (None, "licensed", "2019-05-01"), ("licensed", "deregistered", "2021-09-30"), (None, "licensed", "2018-03-01")]


def test_a_status_date_before_the_licence_is_refused(import_rows):
    from registry.register.importing import ImportRefused

    try:
        import_rows([row(1, status="deregistered", licensed_on="2019-05-01", status_on="2018-09-30")])
    except ImportRefused as refused:
        assert [(e.line, e.field) for e in refused.report.errors] == [(2, "status_on")]
    else:
        raise AssertionError("the file was imported")
