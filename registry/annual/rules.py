"""The annual inspection's rules (年度检查), as pure functions over plain values: who is due, the scored standard,
points and grade, and what a grade brings.

The standard is data (fixtures/annual_standard.csv): items with their points and what loses them, and the items that
fail the inspection whatever the score (prepaid fees without a supervised account, ...). Thresholds are settings.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from registry.core.problems import N_, Problem


class Grade(StrEnum):
    passed = "pass"       # 合格
    basic = "basic"       # 基本合格
    failed = "fail"       # 不合格
    absent = "absent"     # 未参检 (counts as failing)


class State(StrEnum):
    due = "due"            # to be inspected this year
    exempt = "exempt"      # licensed after the cut-off day: listed, not inspected
    reviewed = "reviewed"  # graded (absent included)
    closed = "closed"      # stopped being due (revoked, deregistered, converted) before a result


class Proposal(StrEnum):
    suspend = "suspend"    # 责令停止招生 / 停业整顿: the register's `suspended`
    revoke = "revoke"      # 吊销许可: the register's `revoked`


class ProposalState(StrEnum):
    proposed = "proposed"
    confirmed = "confirmed"
    declined = "declined"


# The materials an institution hands in (DOMAIN: the annual report and what goes with it).
MATERIAL_KINDS = ("annual_report", "audit_report", "fee_contracts", "enrolment", "staff", "premises_fire", "escrow_statement")
EXEMPT_LICENSED_AFTER_CUTOFF = "licensed_after_cutoff"
FAILING_GRADES = frozenset({Grade.failed, Grade.absent})
MAX_REASON = 500


@dataclass(frozen=True)
class Thresholds:
    passed: int = 70  # 合格 at or above
    basic: int = 60   # 基本合格 at or above; below: 不合格


@dataclass(frozen=True)
class Item:
    key: str
    label_zh: str
    label_en: str
    points: int
    loses_points_when_zh: str
    loses_points_when_en: str
    fails_whole: bool


def read_standard(text: str) -> tuple[Item, ...]:
    """The standard's items from its CSV text; ValueError naming the line of a bad row."""
    items = []
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            points = int(row["points"])
            if points < 0:
                raise ValueError
            items.append(Item(key=row["key"].strip(), label_zh=row["label_zh"].strip(), label_en=row["label_en"].strip(),
                              points=points, loses_points_when_zh=row["loses_points_when_zh"].strip(),
                              loses_points_when_en=row["loses_points_when_en"].strip(),
                              fails_whole=row["fails_whole"].strip().lower() in ("true", "1", "yes", "是")))
        except (KeyError, ValueError, AttributeError):
            raise ValueError(f"annual standard, line {line}: a row needs key, labels, whole points and fails_whole")
    if len({i.key for i in items}) != len(items):
        raise ValueError("annual standard: an item key appears twice")
    return tuple(items)


def full_marks(standard: tuple[Item, ...]) -> int:
    return sum(item.points for item in standard)


def check_results(standard: tuple[Item, ...], lost: dict[str, int], reasons: dict[str, str],
                  failing: set[str]) -> dict[str, Problem]:
    """What is wrong with an officer's item results: points lost beyond an item's, without a reason, unknown items."""
    by_key = {item.key: item for item in standard}
    problems: dict[str, Problem] = {}
    for key, points in lost.items():
        item = by_key.get(key)
        if item is None or item.fails_whole:
            problems[key] = Problem(N_("Not an item of the standard that scores points."))
        elif not 0 <= points <= item.points:
            problems[key] = Problem(N_("Between 0 and %(points)s points can be lost on this item."), {"points": item.points})
        elif points and not reasons.get(key, "").strip():
            problems[key] = Problem(N_("Say why points are lost."))
    for key in failing:
        item = by_key.get(key)
        if item is None or not item.fails_whole:
            problems[key] = Problem(N_("Not an item that fails the inspection."))
        elif not reasons.get(key, "").strip():
            problems[key] = Problem(N_("Say what was found."))
    return problems


def points(standard: tuple[Item, ...], lost: dict[str, int]) -> int:
    """The score: full marks less the points lost on each item (never below zero)."""
    return max(0, full_marks(standard) - sum(lost.values()))


def grade(score: int, *, failing_items: bool, thresholds: Thresholds = Thresholds()) -> Grade:
    """合格 ≥ 70, 基本合格 60–69, 不合格 < 60; an item that fails the whole inspection makes it 不合格."""
    if failing_items or score < thresholds.basic:
        return Grade.failed
    if score < thresholds.passed:
        return Grade.basic
    return Grade.passed


def cutoff_day(year: int, month_day: str = "10-01") -> date:
    """The cut-off day of a year's inspection: licensed after it, an institution is exempt that year."""
    month, day = (int(part) for part in month_day.split("-"))
    return date(year, month, day)


def parse_cutoff_setting(value: str) -> str:
    """A cut-off setting `MM-DD` (checked against a leap year), or ValueError."""
    cutoff_day(2024, value)
    return value


def needs_rectification(grade_: Grade) -> bool:
    return grade_ is not Grade.passed


def stops_enrolment(grade_: Grade) -> bool:
    """不合格 and 未参检 bring a stop on enrolment until rectified."""
    return grade_ in FAILING_GRADES


def proposal(grade_: Grade, previous: Grade | None, *, refused: bool, suspended: bool) -> Proposal | None:
    """The second 不合格 in a row, or refusing to take part, proposes suspension (revocation when already suspended);
    an officer confirms it through the register's lifecycle."""
    second_fail = grade_ in FAILING_GRADES and previous in FAILING_GRADES
    if not (second_fail or (grade_ is Grade.absent and refused)):
        return None
    return Proposal.revoke if suspended else Proposal.suspend


def is_late(reviewed_on: date, results_deadline: date) -> bool:
    return reviewed_on > results_deadline


def check_campaign_dates(year: int, materials_deadline: date | None, results_deadline: date | None,
                         today: date) -> dict[str, Problem]:
    problems: dict[str, Problem] = {}
    if not 2000 <= year <= today.year:
        problems["year"] = Problem(N_("A year from 2000 to this year."))
    if materials_deadline is None:
        problems["materials_deadline"] = Problem(N_("Give the deadline for materials."))
    if results_deadline is None:
        problems["results_deadline"] = Problem(N_("Give the deadline for results."))
    if materials_deadline and results_deadline and results_deadline < materials_deadline:
        problems["results_deadline"] = Problem(N_("Results are due after the materials."))
    if materials_deadline and materials_deadline.year < year:
        problems["materials_deadline"] = Problem(N_("Materials of a year are handed in after it begins."))
    return problems
