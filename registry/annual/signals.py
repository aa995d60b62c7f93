"""A converted, revoked or deregistered institution stops being due from that day: its open annual inspection is
closed with that reason, in the same flush as the register's lifecycle step (the register knows nothing of annual:
annual listens to the register's table)."""
from __future__ import annotations

from sqlalchemy import event, select, update
from sqlalchemy.orm import object_session

from registry.annual.models import AnnualInspection
from registry.annual.rules import State
from registry.core import audit
from registry.register.models import StatusChange
from registry.register.rules import Status

ENDING = frozenset({Status.converted, Status.revoked, Status.deregistered})


@event.listens_for(StatusChange, "after_insert")
def close_open_inspection(mapper, connection, step: StatusChange) -> None:
    if step.to_status not in ENDING:
        return
    table = AnnualInspection.__table__
    ids = connection.execute(select(table.c.id).where(table.c.institution_id == step.institution_id,
                                                      table.c.state == State.due)).scalars().all()
    if not ids:
        return
    reason = f"{step.effective_on.isoformat()} {step.reason}"[:500]
    connection.execute(update(table).where(table.c.id.in_(ids))
                       .values(state=State.closed, closed_reason=reason, version=table.c.version + 1))
    session = object_session(step)
    actor = session.info.get("actor", (None, audit.SYSTEM_ACTOR)) if session is not None else (None, audit.SYSTEM_ACTOR)
    audit.append(connection, [audit.Change("annual_inspection", str(i), {"state": State.due.value},
                                           {"state": State.closed.value, "closed_reason": reason}) for i in ids],
                 actor=actor, action="annual.close", reason=step.reason)
