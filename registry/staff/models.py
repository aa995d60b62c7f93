"""The staff area's tables: the people an institution employs, the in-service school teachers' roster (by digest
only), and the matches between them.

An ID number is kept for the supervising office to reveal (an audited action) and is recorded masked in the audit
log; `id_digest` (HMAC-SHA256 under REGISTRY_STAFF_DIGEST_KEY) is what rosters are matched by, through its index.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.core.audit import Audited
from registry.core.models import Timestamped, utcnow
from registry.extensions import db
from registry.register.models import _enum
from registry.staff.rules import CheckResult, Role, mask_id


class StaffMember(Audited, Timestamped, db.Model):
    """One person on an institution's roster, now (no `left_on`) or in the past."""

    __tablename__ = "staff_members"
    __audit_type__ = "staff_member"
    __audit_exclude__ = frozenset({"created_at", "updated_at", "id_digest"})
    __audit_masked__ = {"id_number": mask_id}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    id_number: Mapped[str] = mapped_column(String(20))
    id_digest: Mapped[str] = mapped_column(String(64), index=True)
    sex: Mapped[str | None] = mapped_column(String(1))  # M / F, from the ID number
    birth_date: Mapped[date | None] = mapped_column(Date)  # from the ID number
    role: Mapped[Role] = mapped_column(_enum(Role, "staff_role"))
    subjects: Mapped[str] = mapped_column(String(200), default="")
    full_time: Mapped[bool] = mapped_column(Boolean, default=True)
    hired_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date, index=True)
    nationality: Mapped[str] = mapped_column(String(40), default="中国")
    is_foreign: Mapped[bool] = mapped_column(Boolean, default=False)
    teacher_cert: Mapped[str] = mapped_column(String(40), default="")  # 教师资格证 number
    professional_cert: Mapped[str] = mapped_column(String(100), default="")
    certificate_on: Mapped[date | None] = mapped_column(Date)  # 无犯罪记录证明: the date of the certificate
    check_result: Mapped[CheckResult] = mapped_column(_enum(CheckResult, "staff_check_result"), default=CheckResult.pending)
    checked_on: Mapped[date | None] = mapped_column(Date)
    left_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    institution = relationship("Institution", lazy="joined")

    __table_args__ = (UniqueConstraint("institution_id", "id_digest", name="uq_staff_members_person"),)

    @property
    def masked_id(self) -> str:
        return mask_id(self.id_number)

    @property
    def current(self) -> bool:
        return self.left_on is None


class SchoolTeacher(db.Model):
    """An in-service primary or secondary school teacher, from the education bureau's HR roster: the ID number is
    kept only as its digest, so the roster can be matched and not read."""

    __tablename__ = "school_teachers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_digest: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    school: Mapped[str] = mapped_column(String(200), default="")
    district: Mapped[str] = mapped_column(String(40), default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class TeacherMatch(Audited, db.Model):
    """An institution's staff member found on the in-service teachers' roster, with the teacher's record as it was
    found: kept when the roster is refreshed, so a match is never silently dropped."""

    __tablename__ = "staff_teacher_matches"
    __audit_type__ = "staff_teacher_match"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"), unique=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    teacher_name: Mapped[str] = mapped_column(String(50))
    school: Mapped[str] = mapped_column(String(200), default="")
    district: Mapped[str] = mapped_column(String(40), default="")
    found_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    employed_when_found: Mapped[bool] = mapped_column(Boolean, default=True)

    staff = relationship("StaffMember", lazy="joined")
    institution = relationship("Institution", lazy="joined")
