"""Reference data every register needs: departments, categories and their mapping, districts."""
from __future__ import annotations

import csv
from pathlib import Path

from registry.extensions import db
from registry.register.models import CategoryRef, Department, District


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def load_reference_data(fixtures: Path, category_departments: dict[str, str]) -> None:
    """Insert or update departments, categories (with the configured mapping) and districts; idempotent."""
    for row in _rows(fixtures / "departments.csv"):
        db.session.merge(Department(code=row["code"], name_zh=row["name_zh"], name_en=row["name_en"]))
    db.session.flush()
    for row in _rows(fixtures / "categories.csv"):
        db.session.merge(CategoryRef(code=row["code"], name_zh=row["name_zh"], name_en=row["name_en"],
                                     department_code=category_departments[row["code"]]))
    for row in _rows(fixtures / "districts.csv"):
        db.session.merge(District(code=row["code"], name=row["name"], city_code=row["city_code"], city_name=row["city_name"]))
    db.session.flush()
