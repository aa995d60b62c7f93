"""The escrow's tables: one escrow record per institution, its status history, bank statements and charges.

Money columns hold integer fen (分).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.core.audit import Audited
from registry.core.models import Timestamped, utcnow
from registry.escrow.rules import Channel, EscrowStatus, mask_account
from registry.extensions import db
from registry.register.models import _enum

# Figures the escrow keeps from its statements and charges, refreshed by every write and by
# `registry escrow refresh`: derived, so they are not written to the audit log.
SUMMARY_COLUMNS = frozenset({
    "latest_period_end", "balance", "unearned", "required_deposit", "prepaid_held", "open_violations",
    "violation_amount", "flagged_statements", "flagged_amount",
})


class Escrow(Audited, Timestamped, db.Model):
    """An institution's fund supervision: its supervised account (when opened), risk deposit and status."""

    __tablename__ = "escrows"
    __audit_type__ = "escrow"
    __audit_exclude__ = frozenset({"created_at", "updated_at"}) | SUMMARY_COLUMNS
    __audit_masked__ = {"account_number": mask_account}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), unique=True)
    bank: Mapped[str] = mapped_column(String(100), default="")
    account_number: Mapped[str] = mapped_column(String(32), default="", index=True)
    opened_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    risk_deposit: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[EscrowStatus] = mapped_column(_enum(EscrowStatus, "escrow_status"), default=EscrowStatus.none, index=True)
    status_since: Mapped[date | None] = mapped_column(Date)
    # Bumped by the officers' changes only (not by refreshed figures or rule changes): a form sent with an older
    # version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    latest_period_end: Mapped[date | None] = mapped_column(Date)
    balance: Mapped[int | None] = mapped_column(BigInteger)
    unearned: Mapped[int | None] = mapped_column(BigInteger)
    required_deposit: Mapped[int | None] = mapped_column(BigInteger)
    prepaid_held: Mapped[int] = mapped_column(BigInteger, default=0)
    open_violations: Mapped[int] = mapped_column(Integer, default=0)
    violation_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    flagged_statements: Mapped[int] = mapped_column(Integer, default=0)
    flagged_amount: Mapped[int] = mapped_column(BigInteger, default=0)

    institution = relationship("Institution", lazy="joined")

    @property
    def has_account(self) -> bool:
        return bool(self.account_number)

    @property
    def masked_account(self) -> str:
        return mask_account(self.account_number)


class EscrowStatusChange(db.Model):
    """One change of an escrow's status: by an officer with a reason, or by a rule with the rule's finding."""

    __tablename__ = "escrow_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escrow_id: Mapped[int] = mapped_column(ForeignKey("escrows.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[EscrowStatus | None] = mapped_column(_enum(EscrowStatus, "escrow_from_status"))
    to_status: Mapped[EscrowStatus] = mapped_column(_enum(EscrowStatus, "escrow_to_status"))
    by_rule: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    effective_on: Mapped[date] = mapped_column(Date)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    actor = relationship("User")


class Statement(Audited, Timestamped, db.Model):
    """A bank's figures for one period of an institution's supervised account."""

    __tablename__ = "escrow_statements"
    __audit_type__ = "escrow_statement"
    __audit_exclude__ = frozenset({"created_at", "updated_at", "flags", "flag_count"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    opening_balance: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[int] = mapped_column(BigInteger)
    released: Mapped[int] = mapped_column(BigInteger)
    refunded: Mapped[int] = mapped_column(BigInteger)
    closing_balance: Mapped[int] = mapped_column(BigInteger)
    unearned: Mapped[int] = mapped_column(BigInteger)  # fees received for lessons not yet taught
    flags: Mapped[list] = mapped_column(JSON, default=list)  # found by the rules from the figures: not audited
    flag_count: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(200), default="")
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_on: Mapped[date | None] = mapped_column(Date)

    resolved_by = relationship("User")

    __table_args__ = (
        UniqueConstraint("institution_id", "period_start", name="uq_escrow_statements_period"),
        Index("ix_escrow_statements_institution_end", "institution_id", "period_end"),  # the last statement by a day
    )

    @property
    def flagged(self) -> bool:
        return bool(self.flag_count) and not self.resolved_on


class Charge(Audited, Timestamped, db.Model):
    """One prepaid charge to a family: what it paid for, and the charging rules it broke."""

    __tablename__ = "escrow_charges"
    __audit_type__ = "escrow_charge"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    natural_key: Mapped[str] = mapped_column(String(120))
    charge_ref: Mapped[str] = mapped_column(String(60), default="")
    charged_on: Mapped[date] = mapped_column(Date)
    course_start: Mapped[date] = mapped_column(Date)
    student_ref: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(BigInteger)
    class_hours: Mapped[int | None] = mapped_column(Integer)
    months: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "channel"))
    violations: Mapped[list] = mapped_column(JSON, default=list)  # [{rule, value, limit}], see rules.charge_violations
    violation_count: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(200), default="")
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_on: Mapped[date | None] = mapped_column(Date)

    resolved_by = relationship("User")

    __table_args__ = (
        UniqueConstraint("institution_id", "natural_key", name="uq_escrow_charges_key"),
        Index("ix_escrow_charges_institution_charged_on", "institution_id", "charged_on"),
    )

    @property
    def violating(self) -> bool:
        return bool(self.violation_count) and not self.resolved_on
