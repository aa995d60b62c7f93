"""The grid's rules as plain functions: the visit checklist, when a visit is flagged, when one is overdue, what a
photo is. No Flask, no database."""
from __future__ import annotations

from datetime import date

from registry.core.dates import add_months
from registry.core.problems import N_

# What a grid worker looks at on a visit: the item, the answer that is a problem to report (上报), and the words of
# its two answers, the good one first, so that neither reads as a bare yes or no whose meaning flips between items.
CHECKLIST = (
    ("operating", N_("Open and operating"), False, N_("Open for business"), N_("Not open")),
    ("permit_displayed", N_("Permit displayed"), False, N_("Permit on display"), N_("Permit not displayed")),
    ("academic_signs", N_("Signs of academic training in a non-academic institution"), True, N_("No signs seen"),
     N_("Signs seen")),
    ("students_in_school_hours", N_("Students present during school hours"), True, N_("No students"),
     N_("Students present")),
    ("advertising", N_("Advertising"), True, N_("No advertising seen"), N_("Advertising seen")),
    ("fire_exits_clear", N_("Fire exits clear"), False, N_("Exits clear"), N_("Exits blocked")),
)
CHECKLIST_KEYS = tuple(item[0] for item in CHECKLIST)
CHECKLIST_LABELS = {item[0]: item[1] for item in CHECKLIST}
PROBLEM_ANSWER = {item[0]: item[2] for item in CHECKLIST}
# The checklist of a visit that found nothing wrong.
ALL_CLEAR = {key: not problem for key, problem in PROBLEM_ANSWER.items()}
# item → {answer: its words}: True and False as the item's own words (是 and 否 mean opposite things across items)
ANSWER_LABELS = {key: {not problem: good, problem: bad} for key, _, problem, good, bad in CHECKLIST}
# "Not open" is worth knowing but not a problem to report by itself: a closed site has nothing to display.
NOT_A_PROBLEM_WHEN_CLOSED = {"permit_displayed", "fire_exits_clear"}

# Whether the worker could inspect. A visit that could not (the site closed, entry refused) is kept with its reason,
# answers no checklist, and leaves the institution due a visit.
INSPECTED, CLOSED, REFUSED = "inspected", "closed", "refused"
OUTCOME_LABELS = {
    INSPECTED: N_("Inspected"),
    CLOSED: N_("Could not inspect: closed"),
    REFUSED: N_("Could not inspect: entry refused"),
}


def visit_problems(outcome: str, checklist: dict, reason: str) -> dict[str, str]:
    """What is missing for a visit to say what was found (field → message id): every checklist answer after an
    inspection; the reason, and no answers, when the worker could not inspect."""
    if outcome not in OUTCOME_LABELS:
        return {"outcome": N_("Say whether you could inspect.")}
    if outcome == INSPECTED:
        missing = [key for key in CHECKLIST_KEYS if checklist.get(key) is None]
        return {"checklist": N_("Answer every item of the checklist.")} if missing else {}
    problems = {}
    if not reason:
        problems["outcome_reason"] = N_("Say why you could not inspect.")
    if checklist:
        problems["checklist"] = N_("A visit that could not inspect has no checklist answers.")
    return problems


# A cell's level by its depth: a file imported without a parent holds districts, each level below nests one step.
LEVEL_NAMES = (N_("District"), N_("Street"), N_("Community"), N_("Grid cell"))


def level_name(level: int) -> str:
    """The message id of a level's name; anything below the fourth level is a grid cell too."""
    return LEVEL_NAMES[min(max(level, 0), len(LEVEL_NAMES) - 1)]


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
