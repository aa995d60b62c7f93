"""The grid's tables: cells, which cell each institution stands in, who answers for a cell, visits and reports.

A cell's `path` lists its ancestors' ids and its own (`/1/5/23/`), so "this cell and everything under it" is one
`LIKE` on the path. Assignments are derived (re-computed whenever cells or coordinates change), so they live in
their own table rather than on the institution: a re-assignment neither bumps the institution's version nor
fills its history.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.core.audit import Audited
from registry.core.models import Timestamped, utcnow
from registry.extensions import db
from registry.grid.rules import CHECKLIST_LABELS


class Cell(Audited, Timestamped, db.Model):
    """A grid cell (网格): a polygon in WGS-84, nested through its parent (district → street → community → cell)."""

    __tablename__ = "grid_cells"
    __audit_type__ = "cell"
    __audit_exclude__ = frozenset({"created_at", "updated_at", "geometry", "revision"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("grid_cells.id"), index=True)
    level: Mapped[int] = mapped_column(Integer, default=0)  # 0 for a cell without parent
    path: Mapped[str] = mapped_column(String(400), default="", index=True)
    geometry: Mapped[bytes] = mapped_column(LargeBinary)  # WKB
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    area_m2: Mapped[float] = mapped_column(Float)
    geometry_hash: Mapped[str] = mapped_column(String(64), default="")  # sha256 of the WKB: "changed?" at a glance
    source: Mapped[str] = mapped_column(String(200), default="")
    # Set on every change to a new highest value (at least the time in microseconds, so a database restored or
    # rebuilt never repeats one), so a process knows its cached index is out of date: cells are never deleted, and
    # the highest revision and id, two index lookups, tell whether anything changed.
    revision: Mapped[int] = mapped_column(BigInteger, default=1, index=True)

    parent = relationship("Cell", remote_side=[id])


class CellAssignment(db.Model):
    """Which cell an institution stands in (none: unassigned), and whether it is close to a border."""

    __tablename__ = "grid_assignments"

    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="CASCADE"), primary_key=True)
    cell_id: Mapped[int | None] = mapped_column(ForeignKey("grid_cells.id", ondelete="SET NULL"), index=True)
    # Metres to the nearest cell border when closer than the setting, else null.
    border_m: Mapped[float | None] = mapped_column(Float)
    near_border: Mapped[bool] = mapped_column(Boolean, default=False)
    # A grid leader's confirmation holds while the institution stays where it was when confirmed.
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_lat: Mapped[float | None] = mapped_column(Float)
    confirmed_lon: Mapped[float | None] = mapped_column(Float)

    cell = relationship(Cell)
    confirmed_by = relationship("User")

    # Only the few near a border are looked up by it: a partial index, which a bulk write barely pays for.
    __table_args__ = (Index("ix_grid_assignments_near_border", "cell_id", sqlite_where=text("near_border"),
                            postgresql_where=text("near_border")),)


class CellWorker(Audited, db.Model):
    """A grid worker answering for a cell (and the cells under it); a leader (网格长) confirms border cases."""

    __tablename__ = "grid_cell_workers"
    __audit_type__ = "cell_worker"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("grid_cells.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    leader: Mapped[bool] = mapped_column(Boolean, default=False)

    cell = relationship(Cell)
    user = relationship("User")

    __table_args__ = (UniqueConstraint("cell_id", "user_id", name="uq_grid_cell_workers_cell_user"),)


class Visit(Audited, db.Model):
    """A grid worker's site visit, checked in from a phone."""

    __tablename__ = "grid_visits"
    __audit_type__ = "visit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    cell_id: Mapped[int | None] = mapped_column(ForeignKey("grid_cells.id", ondelete="SET NULL"), index=True)
    visited_at: Mapped[datetime] = mapped_column(DateTime, index=True)  # naive UTC
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    position_source: Mapped[str] = mapped_column(String(10), default="gps")  # gps | manual
    distance_m: Mapped[float | None] = mapped_column(Float)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    flag_reason: Mapped[str] = mapped_column(String(60), default="")  # comma-separated: distance, accuracy, manual
    # inspected, or why not (closed, refused: see rules.OUTCOMES); only an inspection answers the checklist and
    # counts as the institution's last visit.
    outcome: Mapped[str] = mapped_column(String(10), default="inspected", server_default="inspected")
    outcome_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    checklist: Mapped[dict] = mapped_column(JSON, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    client_id: Mapped[str | None] = mapped_column(String(64))

    institution = relationship("Institution")
    worker = relationship("User")
    cell = relationship(Cell)
    photos = relationship("VisitPhoto", order_by="VisitPhoto.id", back_populates="visit")
    report = relationship("VisitReport", uselist=False, back_populates="visit")

    __table_args__ = (
        UniqueConstraint("worker_id", "client_id", name="uq_grid_visits_worker_client"),
        # The bulletin counts a period's visits from this index alone (registry.reports.indicators).
        Index("ix_grid_visits_visited_at_counted", "visited_at", "institution_id", "cell_id", "flagged"),
    )


class VisitPhoto(db.Model):
    __tablename__ = "grid_visit_photos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("grid_visits.id", ondelete="CASCADE"), index=True)
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(200), default="")

    visit = relationship(Visit, back_populates="photos")


class VisitReport(Audited, db.Model):
    """A problem found on a visit, reported (上报) to the institution's supervising department."""

    __tablename__ = "grid_visit_reports"
    __audit_type__ = "visit_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("grid_visits.id"), unique=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    findings: Mapped[list] = mapped_column(JSON, default=list)  # checklist items that found a problem
    notes: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    visit = relationship(Visit, back_populates="report")
    institution = relationship("Institution")
    department = relationship("Department")

    def finding_labels(self) -> list[str]:
        """Each finding's message id (to translate with gettext), for the areas that hear of the report."""
        return [CHECKLIST_LABELS.get(key, key) for key in self.findings or []]
