"""Records built for the bulletin's figures: institutions with dated histories (through the CSV import, which carries
them), grid cells and visits, escrows with dated statuses and statements."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from registry.enforcement import indicators as enforcement_figures
from registry.extensions import db
from tests.conftest import credit_code
from tests.grid.conftest import grid  # noqa: F401  (the grid tests' two districts and cells)

COLUMNS = ["name", "credit_code", "category", "permit_number", "address", "district", "latitude", "longitude", "status",
           "licensed_on", "status_on"]
PERIOD = {"start": "2022-12-01", "end": "2022-12-15"}  # the previous half-month: 2022-11-16 to 2022-11-30


def row(n: int, *, category: str = "academic", district: str = "330302", status: str = "licensed",
        licensed_on: str = "2020-01-01", status_on: str = "") -> dict:
    return {"name": f"测试培训学校{n}", "credit_code": credit_code(), "category": category,
            "permit_number": f"教民330302700{n:04d}", "address": "浙江省温州市鹿城区五马街道", "district": district,
            "latitude": "28.0123", "longitude": "120.6543", "status": status, "licensed_on": licensed_on, "status_on": status_on}


@pytest.fixture
def import_rows(users):
    from registry.register import importing

    def load(rows: list[dict]):
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        report = importing.import_institutions(users["admin"], out.getvalue().encode(), source="old-register.csv")
        db.session.commit()
        return report

    return load


@pytest.fixture
def reduction(import_rows):
    """Wenzhou's reduction: 1,032 academic institutions at the baseline, 1,027 closed in 2022-06, 2 more in the
    period, 3 remaining (1 in 鹿城区, 2 in 龙湾区)."""
    rows = []
    for n in range(1032):
        district = "330302" if n % 2 == 0 else "330303"
        if n < 1027:
            rows.append(row(n, district=district, status="deregistered", status_on="2022-06-01"))
        elif n < 1029:
            rows.append(row(n, district=district, status="deregistered", status_on="2022-12-05"))
        else:
            rows.append(row(n, district=district))
    import_rows(rows)


class FakeEnforcement:
    """Figures given in place of `registry.enforcement.indicators.by_district`, the enforcement area's contract with
    the bulletin, to check the reports' arithmetic on them (a city's districts summed, other cities left out, the
    change from the previous period, money in ¥ and 万元, sums per month) without recording the dozens of inspections,
    cases and leads in several districts and months they stand for. `tests/enforcement` checks `by_district` itself,
    and the bulletin on a few real records."""

    def __init__(self, figures: dict):
        self.figures = figures  # (start, end) → district → key → value
        self.calls = []

    def by_district(self, start: date, end: date) -> dict[str, dict[str, int]]:
        self.calls.append((start, end))
        found = self.figures.get((start, end), {})
        return {district: {key: values.get(key, 0) for key in enforcement_figures.KEYS} for district, values in found.items()}

    def by_month(self, ends: list[date]) -> dict[str, list[int]]:
        """The figures of each month, every district and every kind of violation summed, as `by_month` gives them."""
        totals = {key: [] for key in enforcement_figures.MONTHLY}
        for end in ends:
            figures = self.by_district(end.replace(day=1), end).values()
            totals["institutions_inspected"].append(sum(f["institutions_inspected"] for f in figures))
            totals["violations"].append(sum(v for f in figures for k, v in f.items() if k.startswith("violations_")))
            totals["fines_fen"].append(sum(f["fines_fen"] for f in figures))
        return totals


@pytest.fixture
def fake_enforcement(monkeypatch):
    def install(figures: dict) -> FakeEnforcement:
        fake = FakeEnforcement(figures)
        monkeypatch.setattr(enforcement_figures, "by_district", fake.by_district)
        monkeypatch.setattr(enforcement_figures, "by_month", fake.by_month)
        return fake

    return install
