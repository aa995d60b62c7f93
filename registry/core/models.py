"""The model base every area's tables stand on."""
from __future__ import annotations

import os
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, MetaData, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Constraint names are fixed so migrations name things alike on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# The register's own day: a licence issued at 07:00 in Wenzhou is dated that day, not the UTC day before.
LOCAL_TIMEZONE = ZoneInfo(os.environ.get("REGISTRY_TIMEZONE", "Asia/Shanghai"))


MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds, on SQLite and PostgreSQL alike


def local_today() -> date:
    return datetime.now(LOCAL_TIMEZONE).date()


def local_time(moment: datetime) -> datetime:
    """A stored time (naive UTC) in the configured time zone."""
    return moment.replace(tzinfo=timezone.utc).astimezone(LOCAL_TIMEZONE)


def local_date(moment: datetime | None) -> date | None:
    """The day a stored time (naive UTC) fell on in the configured time zone: 00:30 in Beijing is the day before in
    UTC, so never take `.date()` of a stored time."""
    return local_time(moment).date() if moment else None


def utcnow() -> datetime:
    """Naive UTC, as stored in every timestamp column."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp(), onupdate=func.current_timestamp()
    )
