"""The staff rules of DOMAIN.md and issue 18, as pure functions over plain values.

An ID number (居民身份证号码) is checked with its check digit (python-stdnum's `cn.ric`) and gives the person's sex
and birth date; it is shown masked (`330302********1234`) and matched by a keyed digest (HMAC-SHA256), so two
rosters can be compared without either being readable. Every threshold comes in through `Limits`, built from the
settings; the defaults are the issue's.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from registry.core.dates import add_months
from registry.core.problems import N_, Problem


class Role(StrEnum):
    teaching = "teaching"                    # 教学人员
    teaching_research = "teaching_research"  # 教研人员
    management = "management"                # 管理人员
    other = "other"                          # 其他


TEACHING_ROLES = frozenset({Role.teaching, Role.teaching_research})


class CheckResult(StrEnum):
    """The result of the background check (从业人员审查: sex offences and bars from working with minors)."""

    passed = "passed"
    refused = "refused"
    pending = "pending"


class FindingKind(StrEnum):
    unqualified = "unqualified"              # teaching without the qualification the category asks
    no_check = "no_check"                    # employed without a passed background check
    check_expired = "check_expired"          # the check is older than the refresh interval
    part_time_majority = "part_time_majority"  # full-time teaching staff below the minimum share
    several_rosters = "several_rosters"      # on the roster of several institutions at once
    in_service_teacher = "in_service_teacher"  # an in-service school teacher (在职中小学教师)


# Most serious first: the order of the findings on a page.
FINDING_ORDER = (FindingKind.in_service_teacher, FindingKind.no_check, FindingKind.unqualified,
                 FindingKind.check_expired, FindingKind.several_rosters, FindingKind.part_time_majority)


@dataclass(frozen=True)
class Limits:
    check_months: int = 12  # a background check older than this many months is to be done again
    full_time_min_pct: int = 50  # full-time teaching staff are at least this share of the teaching staff
    teacher_cert_categories: frozenset = frozenset({"academic"})  # categories whose teachers need 教师资格证

    @classmethod
    def from_settings(cls, config) -> "Limits":
        return cls(check_months=config.get("REGISTRY_STAFF_CHECK_MONTHS", 12),
                   full_time_min_pct=config.get("REGISTRY_STAFF_FULL_TIME_MIN_PCT", 50),
                   teacher_cert_categories=frozenset(config.get("REGISTRY_STAFF_TEACHER_CERT_CATEGORIES", {"academic"})))


# --- the ID number -----------------------------------------------------------------------------------------------

def normalise_id(text: str | None) -> str:
    return re.sub(r"[\s-]", "", text or "").upper()


def check_id_number(number: str) -> Problem | None:
    """None when `number` (normalised) is a valid resident ID number, else what is wrong with it."""
    if not number:
        return Problem(N_("Required."))
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return Problem(N_("An ID number is 18 characters: 17 digits and a check digit (a digit or X)."))
    expected = ric.calc_check_digit(number)
    if number[17] != expected:
        return Problem(N_("The ID number's check digit is wrong: with these 17 digits it should be %(digit)s."),
                       {"digit": expected})
    try:
        ric.get_birth_date(number)
    except ValidationError:
        return Problem(N_("The ID number holds no valid birth date."))
    return None


def check_foreign_number(number: str) -> Problem | None:
    """A foreign staff member's passport or permit number: 5 to 20 letters and digits."""
    if not number:
        return Problem(N_("Required."))
    if not re.fullmatch(r"[A-Z0-9]{5,20}", number):
        return Problem(N_("A passport or permit number is 5 to 20 letters and digits."))
    return None


def sex_of(number: str) -> str:
    """'M' or 'F': the 17th digit of an ID number is odd for men."""
    return "M" if int(number[16]) % 2 else "F"


def birth_date_of(number: str) -> date:
    return ric.get_birth_date(number)


def mask_id(number: str | None) -> str:
    """`330302********1234`: the region and the last four shown, the birth date hidden."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    head = 6 if len(number) == 18 else 2
    return number[:head] + "*" * (len(number) - head - 4) + number[-4:]


def id_digest(key: str | bytes, number: str) -> str:
    """The keyed digest an ID number is matched by (HMAC-SHA256, hex)."""
    secret = key.encode("utf-8") if isinstance(key, str) else key
    return hmac.new(secret, normalise_id(number).encode("ascii", "replace"), hashlib.sha256).hexdigest()


# --- the rules -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Member:
    """What the rules know of one person employed by an institution."""

    id: int
    role: Role
    full_time: bool
    teacher_cert: str = ""
    professional_cert: str = ""
    check_result: CheckResult | None = None
    checked_on: date | None = None
    other_institutions: int = 0  # how many other institutions employ the same person now
    in_service: bool = False     # found on the in-service teachers' roster


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    member_id: int | None = None  # None: a finding about the institution as a whole
    params: dict = field(default_factory=dict)


def qualified(*, category: str, role: Role, teacher_cert: str, professional_cert: str, limits: Limits) -> bool:
    """Whether a staff member holds what the category asks of its teaching staff (others need nothing)."""
    if role not in TEACHING_ROLES:
        return True
    if category in limits.teacher_cert_categories:
        return bool(teacher_cert)
    return bool(teacher_cert or professional_cert)


def check_due(checked_on: date | None, *, today: date, limits: Limits) -> bool:
    """A passed check is to be done again once older than the refresh interval."""
    return checked_on is None or add_months(checked_on, limits.check_months) < today


def member_findings(member: Member, *, category: str, today: date, limits: Limits) -> list[Finding]:
    found = []
    if member.in_service:
        found.append(Finding(FindingKind.in_service_teacher, member.id))
    if member.check_result is not CheckResult.passed:
        found.append(Finding(FindingKind.no_check, member.id,
                             {"result": member.check_result.value if member.check_result else "none"}))
    elif check_due(member.checked_on, today=today, limits=limits):
        found.append(Finding(FindingKind.check_expired, member.id,
                             {"checked_on": member.checked_on.isoformat() if member.checked_on else "",
                              "months": limits.check_months}))
    if not qualified(category=category, role=member.role, teacher_cert=member.teacher_cert,
                     professional_cert=member.professional_cert, limits=limits):
        found.append(Finding(FindingKind.unqualified, member.id,
                             {"needs": "teacher" if category in limits.teacher_cert_categories else "either"}))
    if member.other_institutions:
        found.append(Finding(FindingKind.several_rosters, member.id, {"others": member.other_institutions}))
    return found


def full_time_share(members: list[Member]) -> tuple[int, int]:
    """(full-time teaching staff, all teaching staff)."""
    teaching = [m for m in members if m.role in TEACHING_ROLES]
    return sum(1 for m in teaching if m.full_time), len(teaching)


def institution_findings(members: list[Member], *, category: str, today: date, limits: Limits) -> list[Finding]:
    """Every finding of an institution's current staff, most serious first."""
    found = [f for m in members for f in member_findings(m, category=category, today=today, limits=limits)]
    full, teaching = full_time_share(members)
    if teaching and full * 100 < limits.full_time_min_pct * teaching:
        found.append(Finding(FindingKind.part_time_majority, None,
                             {"full": full, "teaching": teaching, "minimum": limits.full_time_min_pct}))
    return sorted(found, key=lambda f: FINDING_ORDER.index(f.kind))


def describe(finding: Finding) -> Problem:
    """What a finding says, to translate at the edge."""
    p = finding.params
    if finding.kind is FindingKind.in_service_teacher:
        return Problem(N_("An in-service school teacher is on the staff."))
    if finding.kind is FindingKind.no_check:
        if p.get("result") == "refused":
            return Problem(N_("Employed although the background check refused them."))
        if p.get("result") == "pending":
            return Problem(N_("Employed while the background check is pending."))
        return Problem(N_("Employed without a background check."))
    if finding.kind is FindingKind.check_expired:
        return Problem(N_("The background check of %(checked_on)s is older than %(months)s months."), p)
    if finding.kind is FindingKind.unqualified:
        if p.get("needs") == "teacher":
            return Problem(N_("Teaches without a teacher qualification certificate."))
        return Problem(N_("Teaches without a teacher qualification or a professional certificate."))
    if finding.kind is FindingKind.several_rosters:
        return Problem(N_("Also on the staff of %(others)s other institutions."), p)
    return Problem(N_("Only %(full)s of %(teaching)s teaching staff are full-time (at least %(minimum)s%% required)."), p)
