from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, Enum, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.core.audit import Audited
from registry.core.models import Timestamped, utcnow
from registry.extensions import db
from registry.register.rules import Category, Status, TeachingMode


def _enum(enum_cls, name: str) -> Enum:
    return Enum(enum_cls, native_enum=False, length=20, name=name, create_constraint=True,
                values_callable=lambda e: [m.value for m in e])


class Department(db.Model):
    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(120))


class CategoryRef(db.Model):
    """A category and the department that supervises it (the mapping is a setting, stored here)."""

    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(80))
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"))


class District(db.Model):
    __tablename__ = "districts"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    city_code: Mapped[str] = mapped_column(String(12))
    city_name: Mapped[str] = mapped_column(String(60))


class Institution(Audited, Timestamped, db.Model):
    __tablename__ = "institutions"
    __audit_type__ = "institution"
    __audit_exclude__ = frozenset({"created_at", "updated_at", "search_text", "name_chars"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18), index=True)
    category: Mapped[Category] = mapped_column(_enum(Category, "category"), ForeignKey("categories.code"))
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    permit_number: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(300))
    district: Mapped[str] = mapped_column(ForeignKey("districts.code"), index=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    legal_representative: Mapped[str] = mapped_column(String(50), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    floor_area: Mapped[float | None] = mapped_column(Float)
    capacity: Mapped[int | None] = mapped_column(Integer)
    teaching_mode: Mapped[TeachingMode] = mapped_column(_enum(TeachingMode, "teaching_mode"), default=TeachingMode.offline)
    status: Mapped[Status] = mapped_column(_enum(Status, "status"), default=Status.applied, index=True)
    licensed_on: Mapped[date | None] = mapped_column(Date)
    status_since: Mapped[date | None] = mapped_column(Date)
    registration_reason: Mapped[str] = mapped_column(Text, default="")
    flags: Mapped[list] = mapped_column(JSON, default=list)
    converted_from_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)  # successor()
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Kept by registry.register.search_keys from the fields above; indexed for the search box.
    search_text: Mapped[str] = mapped_column(Text, default="")
    name_chars: Mapped[str] = mapped_column(Text, default="")

    converted_from = relationship("Institution", remote_side=[id], foreign_keys=[converted_from_id])
    department = relationship(Department, lazy="joined")
    district_ref = relationship(District, lazy="joined")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # One live record per credit code; a converted record hands its code to its successor.
        Index("uq_institutions_live_credit_code", "credit_code", unique=True,
              sqlite_where=text("status != 'converted'"), postgresql_where=text("status != 'converted'")),
        Index("ix_institutions_category_status", "category", "status"),
        # A filter alone lists newest first straight from its index (entries end in the id), and a district with a
        # category is counted from the index without reading the rows.
        Index("ix_institutions_category", "category"),
        Index("ix_institutions_district_category", "district", "category"),
    )


class StatusChange(db.Model):
    """One step of an institution's lifecycle, dated when it took effect: the register as of any date."""

    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[Status | None] = mapped_column(_enum(Status, "from_status"))
    to_status: Mapped[Status] = mapped_column(_enum(Status, "to_status"))
    effective_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    actor = relationship("User")
    institution = relationship(Institution)

    # The register as of a day reads the steps after that day (registry.reports.as_of).
    __table_args__ = (Index("ix_status_changes_effective_on", "effective_on", "institution_id"),)
