"""Staff fixtures: valid ID numbers, an arts institution with a roster, CSV files of rosters and teachers."""
from __future__ import annotations

import csv
import io
import itertools
from datetime import date

import pytest
from stdnum.cn import ric

from registry.extensions import db

STAFF_COLUMNS = ["credit_code", "name", "id_number", "role", "subjects", "full_time", "hired_on", "nationality",
                 "teacher_cert", "professional_cert", "certificate_on", "check_result", "checked_on"]
TEACHER_COLUMNS = ["id_number", "name", "school", "district"]
TODAY = date(2026, 10, 15)  # the staff tests' today: a check of 2026-03-01 is current, one of 2025-09-01 is not

_serial = itertools.count(100)


def id_number(region: str = "330302", born: str = "19900101", sex: str = "M") -> str:
    """A valid resident ID number, different on every call: odd 17th digit for a man, even for a woman."""
    serial = next(_serial) % 100
    body = f"{region}{born}{serial:02d}{1 if sex == 'M' else 2}"
    return body + ric.calc_check_digit(body + "0")


def csv_bytes(columns, rows, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in columns})
    return out.getvalue().encode(encoding)


def member_data(**overrides) -> dict:
    data = {"name": "李明", "id_number": id_number(), "role": "teaching", "subjects": "舞蹈", "full_time": True,
            "hired_on": "2024-09-01", "nationality": "中国", "teacher_cert": "20193300012345", "professional_cert": "",
            "certificate_on": "2026-02-20", "check_result": "passed", "checked_on": "2026-03-01"}
    data.update(overrides)
    return data


@pytest.fixture
def add_staff(users):
    """Put a person on an institution's staff (as the admin)."""
    from registry.staff import services

    def add(institution, **overrides):
        member = services.add_member(users["admin"], institution.id, member_data(**overrides))
        db.session.commit()
        return member

    return add


@pytest.fixture
def arts(make_institution):
    """A licensed arts institution (supervised by culture: the `arts` officer)."""
    return make_institution(name="鹿城区星光舞蹈培训学校", category="arts")


@pytest.fixture(autouse=True)
def pin_today(monkeypatch):
    for module in ("registry.staff.services", "registry.staff.findings"):
        monkeypatch.setattr(f"{module}.local_today", lambda: TODAY, raising=False)
    return TODAY
