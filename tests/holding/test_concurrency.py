"""Several processes writing at once: every accepted write is stored, every refused one got a clear answer
(409 for a stale edit, 503 with Retry-After for a busy database), nothing is half-written."""
import multiprocessing
import sqlite3
import time

import pytest
from sqlalchemy import select

from registry.core.audit import AuditEntry, verify
from registry.extensions import db
from registry.register.models import Institution
from tests.conftest import PG_URL
from tests.holding import workers

REGISTRANTS, EDITORS, ROUNDS = 2, 3, 6


def test_processes_registering_and_editing_at_once_lose_nothing(app, users, make_institution, database_url):
    contested = [make_institution(category="arts", name=f"鹿城区共享{n}号艺术培训学校").id for n in range(3)]
    db.session.commit()
    db.engine.dispose()

    with multiprocessing.get_context("spawn").Pool(REGISTRANTS + EDITORS) as pool:
        registering = [pool.apply_async(workers.register_institutions, (database_url, "arts", 15, seed))
                       for seed in range(1, REGISTRANTS + 1)]
        editing = [pool.apply_async(workers.edit_capacity, (database_url, "arts", contested, ROUNDS, seed))
                   for seed in range(1, EDITORS + 1)]
        registered = [answer for job in registering for answer in job.get(timeout=300)]
        edited = [answer for job in editing for answer in job.get(timeout=300)]

    assert {status for _, status in registered} <= {201, 503}
    stored = set(db.session.scalars(select(Institution.credit_code)))
    for code, status in registered:
        assert (code in stored) == (status == 201), (code, status)

    assert {status for _, _, status in edited} <= {200, 409, 503}
    assert any(status == 200 for _, _, status in edited)
    accepted = {(i, capacity) for i, capacity, status in edited if status == 200}
    updates = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "institution.update")).all()
    logged = {(int(e.entity_id), e.after_data["capacity"]) for e in updates}
    assert logged == accepted  # each accepted edit is in the log once; no refused one is
    in_order = sorted(updates, key=lambda e: e.id)
    for institution_id in contested:
        institution = db.session.get(Institution, institution_id)
        capacities = [e.after_data["capacity"] for e in in_order if int(e.entity_id) == institution_id]
        assert institution.version == 1 + len(capacities)
        assert institution.capacity == (capacities[-1] if capacities else 60)
    assert verify(db.session).ok


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's one write lock; PostgreSQL's readers never wait for a writer")
def test_officers_read_while_an_import_holds_the_write_lock(as_user, users, make_institution, database_url):
    institution_id = make_institution(name="鹿城区读写并行艺术培训学校", category="arts").id
    db.session.commit()
    client = as_user("market")  # logging in writes: before the lock is taken
    importer = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    importer.execute("BEGIN IMMEDIATE")  # a long import, mid-way
    try:
        started = time.monotonic()
        assert "鹿城区读写并行艺术培训学校" in client.get(f"/institutions/{institution_id}").get_data(as_text=True)
        assert "鹿城区读写并行艺术培训学校" in client.get("/institutions?q=读写并行").get_data(as_text=True)
        assert client.get(f"/api/v1/institutions/{institution_id}").status_code == 200
        # Each would have waited the whole busy timeout (15 s) behind the import, then answered 503.
        assert time.monotonic() - started < 5
    finally:
        importer.execute("ROLLBACK")
        importer.close()
