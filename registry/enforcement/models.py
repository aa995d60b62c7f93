"""Enforcement's tables: checklists and violation types (reference data), inspections with their staff and results,
leads, penalty cases with their steps, fines with their payments. Money columns hold integer fen (分).

Nothing is deleted: a checklist item is retired, a lead is closed, a case is closed. Every change of the audited
records goes to the audit log with the action that made it.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.core.audit import Audited
from registry.core.models import Timestamped, utcnow
from registry.enforcement.rules import BulletinGroup, LeadOutcome, LeadSource, LeadState, Outcome, Result, Step
from registry.extensions import db
from registry.register.models import _enum


class ChecklistItem(Audited, Timestamped, db.Model):
    """One item of a category's inspection checklist, with its short legal basis; retired, never deleted."""

    __tablename__ = "checklist_items"
    __audit_type__ = "checklist_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(ForeignKey("categories.code"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    label_zh: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    legal_basis: Mapped[str] = mapped_column(String(300), default="")
    # The bulletin's kind of violation a failed item counts as (indicator 4); empty: not counted.
    bulletin_group: Mapped[str] = mapped_column(String(20), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (UniqueConstraint("category", "key", name="uq_checklist_items_category_key"),)


class ViolationType(db.Model):
    """A kind of violation a case is decided for, with its legal basis and fine range (a setting, from fixtures/)."""

    __tablename__ = "violation_types"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(200))
    legal_basis: Mapped[str] = mapped_column(String(300), default="")
    fine_min: Mapped[int | None] = mapped_column(BigInteger)  # fen
    fine_max: Mapped[int | None] = mapped_column(BigInteger)  # fen
    income_times_min: Mapped[float | None] = mapped_column(Float)  # or: multiples of the illegal income
    income_times_max: Mapped[float | None] = mapped_column(Float)
    bulletin_group: Mapped[BulletinGroup] = mapped_column(_enum(BulletinGroup, "bulletin_group"))


class Inspection(Audited, Timestamped, db.Model):
    """An inspection of an institution by department enforcement staff, or a re-inspection of an earlier one."""

    __tablename__ = "inspections"
    __audit_type__ = "inspection"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)  # the leading department
    inspected_on: Mapped[date] = mapped_column(Date, index=True)
    joint: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[Outcome] = mapped_column(_enum(Outcome, "inspection_outcome"))
    deadline: Mapped[date | None] = mapped_column(Date)  # of the rectification ordered
    follows_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"), index=True)  # re-inspection of
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    institution = relationship("Institution", lazy="joined")
    department = relationship("Department")
    follows = relationship("Inspection", remote_side=[id], foreign_keys=[follows_id])
    recorded_by = relationship("User")
    staff = relationship("InspectionStaff", order_by="InspectionStaff.id", back_populates="inspection")
    results = relationship("InspectionResult", order_by="InspectionResult.id", back_populates="inspection")

    __mapper_args__ = {"version_id_col": version}

    @property
    def partner_departments(self) -> set[str]:
        return {s.department_code for s in self.staff}

    @property
    def failed_results(self) -> list:
        return [r for r in self.results if r.result is Result.failed]


class InspectionStaff(Audited, db.Model):
    """One of the enforcement staff who made an inspection, with the department they came from."""

    __tablename__ = "inspection_staff"
    __audit_type__ = "inspection_staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)

    inspection = relationship(Inspection, back_populates="staff")
    user = relationship("User", lazy="joined")

    __table_args__ = (UniqueConstraint("inspection_id", "user_id", name="uq_inspection_staff_person"),)


class InspectionResult(Audited, db.Model):
    """A checklist item as found: pass, fail or not applicable, with a note and an optional photo. On a re-inspection,
    the earlier inspection's failed items: pass = fixed, fail = not fixed."""

    __tablename__ = "inspection_results"
    __audit_type__ = "inspection_result"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("checklist_items.id"), index=True)
    result: Mapped[Result] = mapped_column(_enum(Result, "item_result"))
    note: Mapped[str] = mapped_column(Text, default="")
    photo_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    photo_type: Mapped[str | None] = mapped_column(String(40))

    inspection = relationship(Inspection, back_populates="results")
    item = relationship(ChecklistItem, lazy="joined")

    __table_args__ = (UniqueConstraint("inspection_id", "item_id", name="uq_inspection_results_item"),)


class Lead(Audited, Timestamped, db.Model):
    """A tip or a field finding, through the closed loop: received → assigned → handling → closed."""

    __tablename__ = "leads"
    __audit_type__ = "lead"
    __audit_masked__ = {"reporter_phone": lambda phone: phone[:3] + "****" + phone[-4:] if len(phone) > 7 else "****"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracking_number: Mapped[str] = mapped_column(String(20), unique=True)
    source: Mapped[LeadSource] = mapped_column(_enum(LeadSource, "lead_source"))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    subject_name: Mapped[str] = mapped_column(String(200), default="")  # the operator, when not in the register
    subject_address: Mapped[str] = mapped_column(String(300), default="")
    district: Mapped[str | None] = mapped_column(ForeignKey("districts.code"), index=True)
    description: Mapped[str] = mapped_column(Text)
    reporter_name: Mapped[str] = mapped_column(String(50), default="")
    reporter_phone: Mapped[str] = mapped_column(String(30), default="")
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    visit_report_id: Mapped[int | None] = mapped_column(ForeignKey("grid_visit_reports.id"), unique=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"), index=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    state: Mapped[LeadState] = mapped_column(_enum(LeadState, "lead_state"), default=LeadState.received, index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    received_on: Mapped[date] = mapped_column(Date, index=True)
    deadline: Mapped[date] = mapped_column(Date, index=True)
    closed_on: Mapped[date | None] = mapped_column(Date, index=True)
    outcome: Mapped[LeadOutcome | None] = mapped_column(_enum(LeadOutcome, "lead_outcome"))
    reply: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    institution = relationship("Institution", lazy="joined")
    reported_by = relationship("User", foreign_keys=[reported_by_id])
    assignee = relationship("User", foreign_keys=[assignee_id])
    department = relationship("Department", lazy="joined")
    district_ref = relationship("District")

    __mapper_args__ = {"version_id_col": version}

    @property
    def subject(self) -> str:
        return self.institution.name if self.institution else self.subject_name


class PenaltyCase(Audited, Timestamped, db.Model):
    """An administrative penalty case (行政处罚案件), numbered by department and year, moving step by step."""

    __tablename__ = "penalty_cases"
    __audit_type__ = "penalty_case"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    serial: Mapped[int] = mapped_column(Integer)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    subject_name: Mapped[str] = mapped_column(String(200), default="")
    district: Mapped[str | None] = mapped_column(ForeignKey("districts.code"), index=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"), index=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")  # the facts the case is opened on
    step: Mapped[Step] = mapped_column(_enum(Step, "case_step"), default=Step.opened, index=True)
    violation_type_code: Mapped[str | None] = mapped_column(ForeignKey("violation_types.code"))
    sanctions: Mapped[list] = mapped_column(JSON, default=list)
    illegal_income: Mapped[int | None] = mapped_column(BigInteger)
    fine_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    confiscation_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    refund_order: Mapped[str] = mapped_column(Text, default="")
    decided_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    institution = relationship("Institution", lazy="joined")
    violation_type = relationship(ViolationType, lazy="joined")
    steps = relationship("CaseStep", order_by="CaseStep.id", back_populates="case")
    department = relationship("Department", lazy="joined")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("department_code", "year", "serial", name="uq_penalty_cases_serial"),)

    @property
    def subject(self) -> str:
        return self.institution.name if self.institution else self.subject_name


class CaseStep(Audited, db.Model):
    """One step of a case: its date, the officers who did it, the references of its documents."""

    __tablename__ = "case_steps"
    __audit_type__ = "case_step"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("penalty_cases.id"), index=True)
    step: Mapped[Step] = mapped_column(_enum(Step, "step"))
    done_on: Mapped[date] = mapped_column(Date, index=True)
    people: Mapped[list] = mapped_column(JSON, default=list)  # usernames of the officers who did it
    documents: Mapped[str] = mapped_column(Text, default="")  # document numbers, e.g. 温教罚告〔2026〕3号
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    case = relationship(PenaltyCase, back_populates="steps")
    recorded_by = relationship("User")

    __table_args__ = (UniqueConstraint("case_id", "step", name="uq_case_steps_step"),)


class Fine(Audited, Timestamped, db.Model):
    """The money a decision orders paid: the fine and the illegal income confiscated, due by a date."""

    __tablename__ = "fines"
    __audit_type__ = "fine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("penalty_cases.id"), unique=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    fine_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    confiscation_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    amount: Mapped[int] = mapped_column(BigInteger)  # fine + confiscation
    decided_on: Mapped[date] = mapped_column(Date, index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    paid: Mapped[int] = mapped_column(BigInteger, default=0)  # sum of the payments, kept with each payment
    paid_on: Mapped[date | None] = mapped_column(Date)  # when paid in full
    version: Mapped[int] = mapped_column(Integer, default=1)

    case = relationship(PenaltyCase, lazy="joined")
    institution = relationship("Institution")
    payments = relationship("Payment", order_by="Payment.id", back_populates="fine")

    __mapper_args__ = {"version_id_col": version}

    @property
    def outstanding(self) -> int:
        return max(self.amount - self.paid, 0)


class Payment(Audited, db.Model):
    __tablename__ = "fine_payments"
    __audit_type__ = "fine_payment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fine_id: Mapped[int] = mapped_column(ForeignKey("fines.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date] = mapped_column(Date)
    receipt_number: Mapped[str] = mapped_column(String(60), unique=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    fine = relationship(Fine, back_populates="payments")
    recorded_by = relationship("User")

