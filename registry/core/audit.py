"""The append-only, hash-chained audit log, written in the same transaction as every change.

Models that inherit `Audited` are recorded by a flush hook, so no service can change them without an
entry. Services say what the change *is* with `note(action, reason)`; the actor is set once per request
or command with `set_actor`.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import DateTime, Index, Integer, String, Text, event, insert, inspect, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from registry.core.models import Base, utcnow

GENESIS = "0" * 64
# Key of the PostgreSQL advisory lock that serialises appends, so two transactions never chain to one entry.
APPEND_LOCK = 0x5EC1_57E7
# Who a change is recorded as when no user made it (a command, a rule).
SYSTEM_ACTOR = "system"


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(80))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)  # unique: the chain cannot fork
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    __table_args__ = (
        # An institution's page shows its entries: without this every page read the whole log.
        Index("ix_audit_log_entity", "entity_type", "entity_id"),
        {"sqlite_autoincrement": True},
    )

    @property
    def before_data(self) -> dict | None:
        return json.loads(self.before) if self.before else None

    @property
    def after_data(self) -> dict | None:
        return json.loads(self.after) if self.after else None

    @property
    def changed_fields(self) -> list[str]:
        before, after = self.before_data or {}, self.after_data or {}
        return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


class Audited:
    """Mixin: every insert, update and delete of the model is written to the audit log."""

    __audit_type__: str = ""
    __audit_exclude__: frozenset[str] = frozenset({"created_at", "updated_at"})
    __audit_secret__: frozenset[str] = frozenset()  # recorded as changed, never by value
    __audit_masked__: dict = {}  # column → function giving the masked value recorded instead (e.g. an account number)


@dataclass(frozen=True)
class Change:
    entity_type: str
    entity_id: str
    before: dict | None
    after: dict | None
    reason: str | None = None  # this change's own reason, instead of the one given to `append`


# --- who and what ---------------------------------------------------------------------------------------

def set_actor(session: Session, user) -> None:
    session.info["actor"] = (user.id, user.username) if user is not None else (None, SYSTEM_ACTOR)


def note(session: Session, action: str, reason: str | None = None) -> None:
    """Name the action (and its reason) that the next flushed changes belong to."""
    session.info["action"] = action
    session.info["reason"] = reason


# --- serialising ----------------------------------------------------------------------------------------

def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def canonical(data: dict | None) -> str | None:
    if data is None:
        return None
    return json.dumps({k: _plain(v) for k, v in data.items()}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _snapshot(obj, *, before: bool) -> dict:
    state = inspect(obj)
    data = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in obj.__audit_exclude__:
            continue
        history = state.attrs[key].history
        if before and history.deleted:
            value = history.deleted[0]
        elif before and history.added and not history.deleted:
            value = None  # was unset before this flush
        else:
            value = state.attrs[key].value
        if key in obj.__audit_masked__ and value:
            value = obj.__audit_masked__[key](value)
        data[key] = "***" if key in obj.__audit_secret__ and value is not None else value
    return data


def _entry_hash(prev_hash: str, at: datetime, actor_id, actor, action, entity_type, entity_id, reason, before, after) -> str:
    payload = json.dumps([prev_hash, at.isoformat(), actor_id, actor, action, entity_type, entity_id, reason, before, after],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def entry_hash(entry: AuditEntry) -> str:
    return _entry_hash(entry.prev_hash, entry.at, entry.actor_id, entry.actor, entry.action, entry.entity_type,
                       entry.entity_id, entry.reason, entry.before, entry.after)


# --- appending ------------------------------------------------------------------------------------------

def append(connection, changes: list[Change], *, actor: tuple[int | None, str], action: str, reason: str | None) -> None:
    """Chain `changes` onto the log through `connection`, inside the caller's transaction."""
    if not changes:
        return
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_LOCK})
    prev = connection.execute(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).scalar() or GENESIS
    at = utcnow()
    actor_id, actor_name = actor
    rows = []
    for change in changes:
        before, after = canonical(change.before), canonical(change.after)
        why = change.reason if change.reason is not None else reason
        digest = _entry_hash(prev, at, actor_id, actor_name, action, change.entity_type, change.entity_id, why, before, after)
        rows.append(dict(at=at, actor_id=actor_id, actor=actor_name, action=action, entity_type=change.entity_type,
                         entity_id=change.entity_id, reason=why, before=before, after=after, prev_hash=prev, hash=digest))
        prev = digest
    for start in range(0, len(rows), 5000):
        connection.execute(insert(AuditEntry), rows[start:start + 5000])


def _entity_id(obj) -> str:
    state = inspect(obj)
    return ":".join(str(v) for v in state.mapper.primary_key_from_instance(obj))


def _changes_in_flush(session: Session) -> list[Change]:
    changes = []
    for obj in session.new:
        if isinstance(obj, Audited):
            changes.append(Change(obj.__audit_type__, _entity_id(obj), None, _snapshot(obj, before=False)))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            before, after = _snapshot(obj, before=True), _snapshot(obj, before=False)
            if before != after:
                changes.append(Change(obj.__audit_type__, _entity_id(obj), before, after))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            changes.append(Change(obj.__audit_type__, _entity_id(obj), _snapshot(obj, before=True), None))
    return changes


@event.listens_for(Session, "after_flush")
def _record_flush(session: Session, flush_context) -> None:
    changes = _changes_in_flush(session)
    if changes:
        action = session.info.get("action") or f"{changes[0].entity_type}.change"
        append(session.connection(), changes, actor=session.info.get("actor", (None, SYSTEM_ACTOR)),
               action=action, reason=session.info.get("reason"))


# --- verifying ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_id: int | None = None
    problem: str | None = None


def verify(session: Session) -> VerifyResult:
    """Walk the chain from the first entry; name the first entry that was altered or follows a deletion."""
    expected_prev = GENESIS
    checked = 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=2000)):
        if entry.prev_hash != expected_prev:
            return VerifyResult(False, checked, entry.id, "the entry before it was deleted or altered")
        if entry_hash(entry) != entry.hash:
            return VerifyResult(False, checked, entry.id, "its content does not match its hash")
        expected_prev = entry.hash
        checked += 1
    return VerifyResult(True, checked)


def entries_for(session: Session, entity_type: str, entity_id) -> list[AuditEntry]:
    return list(session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.id)
    ))


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_action(session: Session, *args) -> None:
    session.info.pop("action", None)
    session.info.pop("reason", None)
