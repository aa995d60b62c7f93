"""The reads of every institution page find their rows through an index, not by reading the whole table (at a
province's scale a scan of the audit log or of the register made the page six times slower: bench/load.py)."""
import pytest
from sqlalchemy import select, text

from registry.core.audit import AuditEntry
from registry.extensions import db
from registry.register.models import Institution


def _plan(statement) -> str:
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "sqlite":
        return " ".join(str(row[-1]) for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    db.session.execute(text("SET LOCAL enable_seqscan = off"))  # tiny test tables: ask whether an index can serve
    return " ".join(row[0] for row in db.session.execute(text(f"EXPLAIN {compiled}")))


@pytest.mark.parametrize("statement, index", [
    (select(AuditEntry).where(AuditEntry.entity_type == "institution", AuditEntry.entity_id == "7")
     .order_by(AuditEntry.id), "ix_audit_log_entity"),
    (select(Institution.id).where(Institution.converted_from_id == 7), "ix_institutions_converted_from_id"),
])
def test_an_institution_page_reads_through_indexes(app, statement, index):
    assert index in _plan(statement)
