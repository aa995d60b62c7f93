"""The staff demo: a roster for every live demo institution and an in-service teachers' roster, loaded through the two
imports (so the cross-check and its leads run as they do for a real office), with every kind of finding present.

Made from a fixed seed, dated back from `today`: most staff are in order; some have no passed background check (one
pending, one refused), some a check older than the refresh interval, some teach without the qualification their
category asks, one institution has mostly part-time teachers, one person is on two rosters, and two in-service school
teachers are found by the cross-check (one still employed, one who has left).
"""
from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

from sqlalchemy import select
from stdnum.cn import ric

from registry.core.dates import add_months
from registry.extensions import db
from registry.register.models import Institution
from registry.register.rules import Status
from registry.staff import importing

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "霞",
         "平", "刚", "桂英", "晓东", "雪梅", "志强", "海燕", "建华", "丹", "婷婷", "子涵", "思远", "欣怡", "浩然", "嘉怡"]
SUBJECTS = {"academic": ["语文", "数学", "英语", "物理"], "tech": ["编程", "机器人", "科学实验"],
            "arts": ["舞蹈", "钢琴", "美术", "书法", "声乐"], "sports": ["游泳", "篮球", "足球", "跆拳道"]}
PROFESSIONAL = {"tech": "全国青少年编程能力等级认证讲师", "arts": "中国舞蹈家协会考级教师证",
                "sports": "社会体育指导员（国家职业资格）", "academic": ""}
SCHOOLS = ["温州市第二中学", "温州市实验小学", "鹿城区广场路小学", "龙湾区永中第一小学", "瓯海区外国语学校", "温州市第八中学"]
COLUMNS = ["credit_code", "name", "id_number", "role", "subjects", "full_time", "hired_on", "left_on", "nationality",
           "teacher_cert", "professional_cert", "certificate_on", "check_result", "checked_on"]


def _id_number(rng: random.Random, region: str, used: set) -> str:
    while True:
        born = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 35))
        body = f"{region}{born:%Y%m%d}{rng.randrange(1000):03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number not in used:
            used.add(number)
            return number


def _csv(columns: list[str], rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _person(rng: random.Random, institution: Institution, today: date, used: set, *, role: str = "teaching") -> dict:
    category = institution.category.value
    hired = add_months(today, -rng.randrange(3, 48))
    checked = max(hired - timedelta(days=rng.randrange(5, 30)), add_months(today, -rng.randrange(1, 11)))
    row = {"credit_code": institution.credit_code, "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
           "id_number": _id_number(rng, institution.district, used), "role": role,
           "subjects": rng.choice(SUBJECTS[category]) if role == "teaching" else "", "full_time": "1",
           "hired_on": hired.isoformat(), "nationality": "中国", "check_result": "passed",
           "certificate_on": (checked - timedelta(days=7)).isoformat(), "checked_on": checked.isoformat()}
    if role in ("teaching", "teaching_research"):
        if category == "academic" or rng.random() < 0.5:
            row["teacher_cert"] = f"{hired.year - rng.randrange(1, 10)}33{rng.randrange(10**9):09d}"
        else:
            row["professional_cert"] = PROFESSIONAL[category]
    return row


def build(institutions: list[Institution], today: date) -> tuple[list[dict], list[dict]]:
    """(staff rows, in-service teacher rows) for the demo's institutions, every finding present."""
    rng = random.Random(18)
    used: set = set()
    staff: list[dict] = []
    for institution in institutions:
        people = [_person(rng, institution, today, used) for _ in range(rng.randrange(2, 6))]
        people.append(_person(rng, institution, today, used, role=rng.choice(["management", "other"])))
        if rng.random() < 0.3:
            people.append(_person(rng, institution, today, used, role="teaching_research"))
        if rng.random() < 0.2:  # someone who left
            gone = _person(rng, institution, today, used)
            gone["left_on"] = add_months(today, -1).isoformat()
            people.append(gone)
        staff.extend(people)
    by_institution = {i.credit_code: [r for r in staff if r["credit_code"] == i.credit_code] for i in institutions}

    def first_teacher(index: int) -> dict:
        return [r for r in by_institution[institutions[index].credit_code] if r["role"] == "teaching"][0]

    pending, refused, expired = first_teacher(1), first_teacher(2), first_teacher(3)
    pending.update(check_result="pending", checked_on="")
    refused.update(check_result="refused", checked_on=add_months(today, -2).isoformat())
    expired.update(checked_on=add_months(today, -15).isoformat(), certificate_on=add_months(today, -15).isoformat())
    unqualified = first_teacher(4)
    unqualified.update(teacher_cert="", professional_cert="")
    academic = [i for i in institutions if i.category.value == "academic"]
    if academic:  # an academic teacher with a professional certificate only: not enough there
        first = [r for r in by_institution[academic[0].credit_code] if r["role"] == "teaching"][0]
        first.update(teacher_cert="", professional_cert="英语专业八级证书")
    for row in by_institution[institutions[5].credit_code]:  # mostly part-time teachers
        if row["role"] == "teaching":
            row["full_time"] = "0"
    foreign = first_teacher(6)
    foreign.update(nationality="英国", id_number=f"GB{rng.randrange(10**8):08d}", subjects="英语口语",
                   teacher_cert="", professional_cert="TESOL")
    twice = dict(first_teacher(7), credit_code=institutions[8].credit_code, full_time="0")  # on two rosters
    staff.append(twice)

    teachers = [{"id_number": _id_number(rng, "330302", used), "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                 "school": rng.choice(SCHOOLS), "district": "鹿城区"} for _ in range(120)]
    current, former = first_teacher(9), first_teacher(10)
    former["left_on"] = add_months(today, -3).isoformat()
    for person, school in ((current, "温州市第二中学"), (former, "鹿城区广场路小学")):
        teachers.append({"id_number": person["id_number"], "name": person["name"], "school": school,
                         "district": "鹿城区"})
    return staff, teachers


def load_staff_demo(admin, today: date) -> dict:
    """Rosters for the live demo institutions, then the in-service teachers' roster; the cross-check runs on both."""
    institutions = list(db.session.scalars(select(Institution).where(
        Institution.status.in_((Status.licensed, Status.suspended))).order_by(Institution.id)))
    if len(institutions) < 11:
        return {}
    staff, teachers = build(institutions, today)
    reports = {"staff": importing.import_staff(admin, _csv(COLUMNS, staff), source="demo_staff.csv")}
    db.session.commit()
    reports["teachers"] = importing.import_teachers(admin, _csv(["id_number", "name", "school", "district"], teachers),
                                                    source="demo_teachers.csv")
    db.session.commit()
    return reports
