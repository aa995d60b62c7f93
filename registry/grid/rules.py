"""The grid's rules as plain functions: the visit checklist, when a visit is flagged, when one is overdue, what a
photo is. No Flask, no database."""
from __future__ import annotations

from datetime import date

from registry.core.dates import add_months
from registry.core.problems import N_

# What a grid worker looks at on a visit. `problem` is the answer that is a problem to report (上报).
CHECKLIST = (
    ("operating", N_("Open and operating"), False),
    ("permit_displayed", N_("Permit displayed"), False),
    ("academic_signs", N_("Signs of academic training in a non-academic institution"), True),
    ("students_in_school_hours", N_("Students present during school hours"), True),
    ("advertising", N_("Advertising"), True),
    ("fire_exits_clear", N_("Fire exits clear"), False),
)
CHECKLIST_KEYS = tuple(key for key, _, _ in CHECKLIST)
CHECKLIST_LABELS = {key: label for key, label, _ in CHECKLIST}
PROBLEM_ANSWER = {key: answer for key, _, answer in CHECKLIST}
# "Not open" is worth knowing but not a problem to report by itself: a closed site has nothing to display.
NOT_A_PROBLEM_WHEN_CLOSED = {"permit_displayed", "fire_exits_clear"}

FLAG_DISTANCE, FLAG_ACCURACY, FLAG_MANUAL = "distance", "accuracy", "manual"
FLAG_LABELS = {
    FLAG_DISTANCE: N_("Checked in too far from the institution"),
    FLAG_ACCURACY: N_("Position too imprecise"),
    FLAG_MANUAL: N_("Position typed by hand (no GPS fix)"),
}


def findings(checklist: dict) -> list[str]:
    """The checklist items whose answer is a problem (for the report to the supervising department)."""
    closed = checklist.get("operating") is False
    found = []
    for key in CHECKLIST_KEYS:
        if key == "operating" or key not in checklist or checklist[key] is None:
            continue
        if closed and key in NOT_A_PROBLEM_WHEN_CLOSED:
            continue
        if checklist[key] == PROBLEM_ANSWER[key]:
            found.append(key)
    return found


def visit_flags(*, distance_m: float | None, accuracy_m: float | None, manual: bool,
                max_distance_m: float, max_accuracy_m: float) -> list[str]:
    """Why a check-in cannot be trusted to have been made at the institution (empty: it can)."""
    flags = []
    if distance_m is not None and distance_m > max_distance_m:
        flags.append(FLAG_DISTANCE)
    if manual:
        flags.append(FLAG_MANUAL)
    elif accuracy_m is None or accuracy_m > max_accuracy_m:
        flags.append(FLAG_ACCURACY)
    return flags


def visit_due(last_visit: date | None, *, every_months: int, since: date | None = None) -> date | None:
    """The day by which the next visit is due: `every_months` after the last (or after `since` when never visited)."""
    start = last_visit or since
    return add_months(start, every_months) if start else None


def overdue(last_visit: date | None, today: date, *, every_months: int) -> bool:
    """DOMAIN.md: each institution visited at least once a month (a setting); never visited is overdue."""
    if last_visit is None:
        return True
    return add_months(last_visit, every_months) < today
