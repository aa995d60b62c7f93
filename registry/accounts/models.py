from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.core.audit import Audited
from registry.core.models import Timestamped
from registry.extensions import db


class Role(StrEnum):
    admin = "admin"
    officer = "officer"
    grid_worker = "grid_worker"
    market = "market"


class User(UserMixin, Audited, Timestamped, db.Model):
    __tablename__ = "users"
    __audit_type__ = "user"
    __audit_exclude__ = frozenset({"created_at", "updated_at", "tokens_ended_at"})
    __audit_secret__ = frozenset({"password_hash"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(80), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20, name="role", create_constraint=True))
    department_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    # Bumped on password change or deactivation: every session and API token issued before is void.
    session_generation: Mapped[int] = mapped_column(Integer, default=0)
    # Set at logout: API tokens issued before it are void (the user's sessions elsewhere stand).
    tokens_ended_at: Mapped[datetime | None] = mapped_column(DateTime)

    department = relationship("Department", lazy="joined")

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_generation}"

    @property
    def label(self) -> str:
        return self.display_name or self.username


class LoginSession(db.Model):
    """One login in a browser. The cookie carries only the token; the row says whether the login still
    stands, so logging out ends it on the server, even for a copy of the cookie."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)


class LoginFailures(db.Model):
    """Failed logins to one username from one address. Counted per pair, so that failures from one address lock
    that address out of that username only, never its owner working elsewhere; and counted for any name typed,
    existing or not, so the lock says nothing about which accounts exist."""

    __tablename__ = "login_failures"
    __table_args__ = (UniqueConstraint("username", "address"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
