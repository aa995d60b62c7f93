"""The audit log: every change recorded with who, what, before and after; tampering detected."""
import pytest
from sqlalchemy import text

from registry.core.audit import AuditEntry, verify
from registry.extensions import db


def _entries():
    return db.session.query(AuditEntry).order_by(AuditEntry.id).all()


def test_every_change_is_recorded(client, users, token_for, make_institution):
    institution = make_institution(category="arts")
    headers = token_for("arts")
    client.patch(f"/api/v1/institutions/{institution.id}", json={"version": 1, "capacity": 75}, headers=headers)
    client.post(f"/api/v1/institutions/{institution.id}/transitions", json={"to": "suspended", "reason": "消防整改"}, headers=headers)
    entries = [e for e in _entries() if e.entity_type == "institution"]
    assert [e.action for e in entries] == ["institution.register", "institution.update", "institution.suspended"]
    update = entries[1]
    assert update.actor == "arts" and update.actor_id == users["arts"].id
    assert update.before_data["capacity"] == 60 and update.after_data["capacity"] == 75
    assert entries[2].reason == "消防整改"
    assert entries[2].before_data["status"] == "licensed" and entries[2].after_data["status"] == "suspended"


def test_passwords_are_never_in_the_log(users):
    for entry in _entries():
        if entry.entity_type == "user":
            assert entry.after_data["password_hash"] == "***"


def test_refused_changes_leave_no_entry(client, users, token_for, make_institution):
    institution = make_institution(category="arts")
    before = len(_entries())
    client.post(f"/api/v1/institutions/{institution.id}/transitions", json={"to": "applied", "reason": "x"},
                headers=token_for("arts"))
    client.patch(f"/api/v1/institutions/{institution.id}", json={"version": 1, "latitude": "x"}, headers=token_for("arts"))
    assert len(_entries()) == before


@pytest.fixture
def drop_guard(app):
    """What someone with rights over the schema could do before tampering (put back after the test)."""
    postgres = db.engine.dialect.name == "postgresql"

    def drop():
        if postgres:
            db.session.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))
        else:
            db.session.execute(text("DROP TRIGGER audit_log_no_update"))
            db.session.execute(text("DROP TRIGGER audit_log_no_delete"))

    yield drop
    db.session.rollback()
    if postgres:  # the PostgreSQL test database outlives the test
        db.session.execute(text("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log"))
        db.session.execute(text("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
                                "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"))
        db.session.commit()


def test_the_database_refuses_to_change_the_log(make_institution):
    from sqlalchemy.exc import DatabaseError

    make_institution()
    for statement in ("UPDATE audit_log SET reason = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert len(_entries()) > 0


def test_verify_passes_on_an_intact_log(runner, make_institution):
    make_institution()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def test_verify_names_an_altered_entry(runner, make_institution, drop_guard):
    make_institution()
    make_institution()
    target = _entries()[-2]
    drop_guard()
    db.session.execute(text("UPDATE audit_log SET after = replace(after, '60', '99') WHERE id = :id"), {"id": target.id})
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"entry {target.id}" in result.output


def test_verify_names_the_entry_after_a_deleted_one(runner, make_institution, drop_guard):
    make_institution()
    make_institution()
    entries = _entries()
    drop_guard()
    db.session.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": entries[2].id})
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"entry {entries[3].id}" in result.output


def test_verify_catches_a_rehashed_entry(app, make_institution, drop_guard):
    """Recomputing one entry's own hash does not help: the next entry's link breaks."""
    from registry.core.audit import entry_hash

    make_institution()
    make_institution()
    entries = _entries()
    victim = entries[1]
    drop_guard()
    victim.reason = "forged"
    db.session.flush()
    victim.hash = entry_hash(victim)
    db.session.commit()
    result = verify(db.session)
    assert not result.ok and result.bad_id == entries[2].id
