"""The annual inspection's tables: campaigns, the institutions due in each (one per institution and year), materials
received, item results, and grade corrections (kept beside the grade they corrected)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.annual.rules import Grade, Proposal, ProposalState, State
from registry.core.audit import Audited
from registry.core.models import Timestamped, utcnow
from registry.extensions import db
from registry.register.models import _enum


class Campaign(Audited, Timestamped, db.Model):
    """A department's annual inspection of a year, over the whole city or one district (`area`).

    `department_code` + `area` are what an office will be (issue 16): a campaign opened by an office becomes one
    `office_id` column, and its scope the office's districts."""

    __tablename__ = "annual_campaigns"
    __audit_type__ = "annual_campaign"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    area: Mapped[str] = mapped_column(String(12), default="")  # a district's code; "" for the whole city
    year: Mapped[int] = mapped_column(Integer)
    materials_deadline: Mapped[date] = mapped_column(Date)
    results_deadline: Mapped[date] = mapped_column(Date)
    cutoff: Mapped[date] = mapped_column(Date)
    opened_on: Mapped[date] = mapped_column(Date)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_count: Mapped[int] = mapped_column(Integer, default=0)
    exempt_count: Mapped[int] = mapped_column(Integer, default=0)
    published_on: Mapped[date | None] = mapped_column(Date)  # its results published to the public (年检结果公告)

    department = relationship("Department", lazy="joined")

    __table_args__ = (UniqueConstraint("department_code", "area", "year", name="uq_annual_campaigns_scope_year"),)


class AnnualInspection(Audited, Timestamped, db.Model):
    """One institution's annual inspection of a year: due or exempt, then its materials, review, grade and what
    follows. It stays with the campaign (the office) that opened it whatever later happens to the institution."""

    __tablename__ = "annual_inspections"
    __audit_type__ = "annual_inspection"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("annual_campaigns.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    year: Mapped[int] = mapped_column(Integer)
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"))
    district: Mapped[str] = mapped_column(ForeignKey("districts.code"))
    state: Mapped[State] = mapped_column(_enum(State, "annual_state"), default=State.due)
    exempt_reason: Mapped[str] = mapped_column(String(40), default="")
    grade: Mapped[Grade | None] = mapped_column(_enum(Grade, "annual_grade"))
    points: Mapped[int | None] = mapped_column(Integer)
    refused: Mapped[bool] = mapped_column(Boolean, default=False)  # 未参检 by refusal, not by silence
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cosigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rectification: Mapped[str] = mapped_column(Text, default="")
    rectification_deadline: Mapped[date | None] = mapped_column(Date)
    rectified_on: Mapped[date | None] = mapped_column(Date)
    enrolment_stopped: Mapped[bool] = mapped_column(Boolean, default=False)
    proposal: Mapped[Proposal | None] = mapped_column(_enum(Proposal, "annual_proposal"))
    proposal_state: Mapped[ProposalState | None] = mapped_column(_enum(ProposalState, "annual_proposal_state"))
    proposal_reason: Mapped[str] = mapped_column(Text, default="")
    closed_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    campaign = relationship(Campaign, lazy="joined")
    institution = relationship("Institution", lazy="joined")
    signed_by = relationship("User", foreign_keys=[signed_by_id])
    cosigned_by = relationship("User", foreign_keys=[cosigned_by_id])
    materials = relationship("Material", order_by="Material.kind", viewonly=True)
    item_results = relationship("ItemResult", order_by="ItemResult.id", viewonly=True)
    corrections = relationship("GradeCorrection", order_by="GradeCorrection.id", viewonly=True)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("institution_id", "year", name="uq_annual_inspections_institution_year"),
        Index("ix_annual_inspections_campaign_state", "campaign_id", "state", "grade"),
        Index("ix_annual_inspections_year_district", "year", "district"),
    )


class Material(Audited, db.Model):
    """A material received for an annual inspection, and when."""

    __tablename__ = "annual_materials"
    __audit_type__ = "annual_material"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("annual_inspections.id"))
    kind: Mapped[str] = mapped_column(String(30))
    received_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("inspection_id", "kind", name="uq_annual_materials_inspection_kind"),)


class ItemResult(Audited, db.Model):
    """An item of the standard as reviewed: points lost and why, or the failing finding."""

    __tablename__ = "annual_item_results"
    __audit_type__ = "annual_item_result"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("annual_inspections.id"), index=True)
    item_key: Mapped[str] = mapped_column(String(40))
    points_lost: Mapped[int] = mapped_column(Integer, default=0)
    fails_whole: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")


class GradeCorrection(Audited, db.Model):
    """A grade corrected, with its reason; the grade before is kept here."""

    __tablename__ = "annual_grade_corrections"
    __audit_type__ = "annual_grade_correction"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("annual_inspections.id"), index=True)
    from_grade: Mapped[Grade] = mapped_column(_enum(Grade, "annual_from_grade"))
    to_grade: Mapped[Grade] = mapped_column(_enum(Grade, "annual_to_grade"))
    from_points: Mapped[int | None] = mapped_column(Integer)
    to_points: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
