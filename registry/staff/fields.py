"""A staff member's fields as typed in a form, sent to the API or read from a CSV row: checked and made into column
values, each problem on its field. Pure: no Flask or database."""
from __future__ import annotations

from datetime import date

from registry.core.dates import parse_day
from registry.core.problems import N_, Problem
from registry.staff import rules
from registry.staff.rules import CheckResult, Role

FIELDS = ("name", "id_number", "role", "subjects", "full_time", "hired_on", "nationality", "teacher_cert",
          "professional_cert", "certificate_on", "check_result", "checked_on")
LIMITS = {"name": 50, "subjects": 200, "nationality": 40, "teacher_cert": 40, "professional_cert": 100}
CHINA = {"", "中国", "中华人民共和国", "CN", "CHN", "CHINA"}

# Spreadsheets typed by hand carry the Chinese words; the API's codes are accepted too.
ROLE_WORDS = {"教学": "teaching", "教学人员": "teaching", "教师": "teaching", "教研": "teaching_research",
              "教研人员": "teaching_research", "管理": "management", "管理人员": "management", "其他": "other",
              "其他人员": "other"}
CHECK_WORDS = {"通过": "passed", "已通过": "passed", "合格": "passed", "未通过": "refused", "不通过": "refused",
               "不合格": "refused", "待查": "pending", "审查中": "pending", "待审查": "pending", "": "pending"}
YES = {"1", "true", "yes", "y", "是", "全职", "full_time", "full"}
NO = {"0", "false", "no", "n", "否", "兼职", "part_time", "part"}


def _text(raw: dict, name: str) -> str:
    value = raw.get(name)
    if value is None:
        return ""
    return " ".join(str(value).split()) if not isinstance(value, bool) else str(value)


def _day(raw: dict, name: str, problems: dict, *, today: date, required: bool = False) -> date | None:
    try:
        value = parse_day(raw.get(name) if not isinstance(raw.get(name), str) else raw.get(name).strip())
    except (ValueError, TypeError):
        problems[name] = Problem(N_("Enter a date as YYYY-MM-DD."))
        return None
    if value is None and required:
        problems[name] = Problem(N_("Required."))
    elif value is not None and value > today:
        problems[name] = Problem(N_("The date cannot be in the future."))
    return value


def parse_member(raw: dict, *, today: date) -> tuple[dict, dict]:
    """(column values, {field: Problem}) of a staff member; sex and birth date come from the ID number."""
    problems: dict = {}
    clean: dict = {}
    for name, limit in LIMITS.items():
        clean[name] = _text(raw, name)
        if len(clean[name]) > limit:
            problems[name] = Problem(N_("At most %(limit)s characters."), {"limit": limit})
    if not clean["name"]:
        problems["name"] = Problem(N_("Required."))
    nationality = clean["nationality"]
    clean["is_foreign"] = nationality.upper() not in CHINA
    clean["nationality"] = nationality if clean["is_foreign"] else "中国"

    number = rules.normalise_id(_text(raw, "id_number"))
    problem = rules.check_foreign_number(number) if clean["is_foreign"] else rules.check_id_number(number)
    if problem:
        problems["id_number"] = problem
    clean["id_number"] = number
    if not problem and not clean["is_foreign"]:
        clean["sex"], clean["birth_date"] = rules.sex_of(number), rules.birth_date_of(number)
    else:
        clean["sex"], clean["birth_date"] = None, None

    role = _text(raw, "role")
    role = ROLE_WORDS.get(role, role)
    if role not in {r.value for r in Role}:
        problems["role"] = Problem(N_("Choose teaching, teaching research, management or other."))
    else:
        clean["role"] = Role(role)

    full_time = raw.get("full_time")
    if isinstance(full_time, bool):
        clean["full_time"] = full_time
    elif (text := _text(raw, "full_time").lower()) in YES:
        clean["full_time"] = True
    elif text in NO:
        clean["full_time"] = False
    else:
        problems["full_time"] = Problem(N_("Say full time or part time."))

    clean["hired_on"] = _day(raw, "hired_on", problems, today=today, required=True)
    clean["certificate_on"] = _day(raw, "certificate_on", problems, today=today)
    clean["checked_on"] = _day(raw, "checked_on", problems, today=today)
    result = _text(raw, "check_result")
    result = CHECK_WORDS.get(result, result)
    if result not in {r.value for r in CheckResult}:
        problems["check_result"] = Problem(N_("Choose passed, refused or pending."))
    else:
        clean["check_result"] = CheckResult(result)
        if result != "pending" and clean["checked_on"] is None and "checked_on" not in problems:
            problems["checked_on"] = Problem(N_("Give the day the check was answered."))
    return clean, problems


def parse_left_on(raw_value, *, hired_on: date | None, today: date) -> tuple[date | None, Problem | None]:
    """The last day of employment: required, not in the future, not before the hiring."""
    problems: dict = {}
    left_on = _day({"left_on": raw_value}, "left_on", problems, today=today, required=True)
    if problems:
        return None, problems["left_on"]
    if hired_on is not None and left_on < hired_on:
        return None, Problem(N_("The last day cannot be before the hiring (%(day)s)."), {"day": hired_on.isoformat()})
    return left_on, None
