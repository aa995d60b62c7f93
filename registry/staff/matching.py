"""The in-service-teacher cross-check: every staff member (now or in the past) whose ID number's digest is on the
in-service teachers' roster becomes a match, recorded once, kept when either roster changes, and announced with the
`teacher_found` signal (enforcement makes it a lead for the institution's office).

The match is one join on the indexed digest columns, run in the database, not a loop over either roster.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from registry.core import audit
from registry.core.models import utcnow
from registry.extensions import db
from registry.staff.models import SchoolTeacher, StaffMember, TeacherMatch
from registry.staff.signals import teacher_found


def cross_check(*, staff_ids: list[int] | None = None) -> list[TeacherMatch]:
    """Record the matches not yet recorded (of `staff_ids` only, when given); returns the new ones."""
    query = (select(StaffMember.id, StaffMember.institution_id, StaffMember.left_on, SchoolTeacher.name,
                    SchoolTeacher.school, SchoolTeacher.district)
             .join(SchoolTeacher, SchoolTeacher.id_digest == StaffMember.id_digest)
             .outerjoin(TeacherMatch, TeacherMatch.staff_id == StaffMember.id)
             .where(TeacherMatch.id.is_(None)))
    if staff_ids is not None:
        if not staff_ids:
            return []
        query = query.where(StaffMember.id.in_(staff_ids))
    found = db.session.execute(query.order_by(StaffMember.id)).all()
    if not found:
        return []
    now = utcnow()
    matches = [TeacherMatch(staff_id=staff_id, institution_id=institution_id, teacher_name=name, school=school,
                            district=district, found_at=now, employed_when_found=left_on is None)
               for staff_id, institution_id, left_on, name, school, district in found]
    audit.note(db.session, "staff.teacher_match")
    db.session.add_all(matches)
    db.session.flush()
    sender = current_app._get_current_object()
    for match in matches:
        teacher_found.send(sender, match=match)
    return matches
