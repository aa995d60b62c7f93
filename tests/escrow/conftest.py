"""Escrow fixtures: an institution with a supervised account, and CSV files of statements and charges."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from registry.extensions import db

ACCOUNT = "6222 0212 3456 1234"
STATEMENT_COLUMNS = ["account_number", "credit_code", "period_start", "period_end", "opening_balance", "received",
                     "released", "refunded", "closing_balance", "unearned"]
CHARGE_COLUMNS = ["credit_code", "charge_ref", "charged_on", "course_start", "student_ref", "amount", "class_hours",
                  "months", "channel"]


def csv_bytes(columns, rows, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in columns})
    return out.getvalue().encode(encoding)


def month_rows(account: str, months, *, opening="10000.00", received="5000.00", released="3000.00", refunded="0.00",
               unearned=None) -> list[dict]:
    """Consecutive monthly statements of 2026 that add up: months like [7, 8, 9]."""
    from decimal import Decimal

    rows = []
    balance = Decimal(opening)
    for month in months:
        closing = balance + Decimal(received) - Decimal(released) - Decimal(refunded)
        last = {2: 28, 4: 30, 6: 30, 9: 30, 11: 30}.get(month, 31)
        rows.append({"account_number": account, "period_start": f"2026-{month:02d}-01",
                     "period_end": f"2026-{month:02d}-{last}", "opening_balance": f"{balance:.2f}",
                     "received": received, "released": released, "refunded": refunded,
                     "closing_balance": f"{closing:.2f}", "unearned": unearned or f"{closing:.2f}"})
        balance = closing
    return rows


def charge_row(credit_code: str, **overrides) -> dict:
    row = {"credit_code": credit_code, "charge_ref": "", "charged_on": "2026-09-01", "course_start": "2026-09-10",
           "student_ref": "XY-001", "amount": "2400.00", "class_hours": "24", "months": "3", "channel": "one_off"}
    row.update(overrides)
    return row


@pytest.fixture
def with_account(users):
    """Give an institution a supervised account (as the admin), with a risk deposit."""
    from registry.escrow import services

    def make(institution, *, number: str = ACCOUNT, deposit: str = "20000", opened_on: str = "2026-06-15"):
        escrow = services.record_account(users["admin"], institution.id,
                                         {"bank": "中国工商银行温州分行", "account_number": number, "opened_on": opened_on,
                                          "risk_deposit": deposit}, reason="签订资金监管协议")
        db.session.commit()
        return escrow

    return make


@pytest.fixture
def arts_escrow(make_institution, with_account):
    """A licensed arts institution (supervised by culture: the `arts` officer) with its account."""
    institution = make_institution(name="鹿城区星光舞蹈培训学校", category="arts")
    with_account(institution)
    return institution


TODAY = date(2026, 10, 15)  # the escrow tests' today: statements to September are current, charges of autumn run


@pytest.fixture(autouse=True)
def pin_today(monkeypatch):
    """Pin the escrow's idea of today (TODAY unless a test pins another day), so dates mean what they say."""

    def pin(day: date) -> date:
        for module in ("registry.escrow.services.reading", "registry.escrow.services.account",
                       "registry.escrow.services.statements", "registry.escrow.services.charges",
                       "registry.escrow.figures", "registry.escrow.importing", "registry.escrow.views"):
            monkeypatch.setattr(f"{module}.local_today", lambda: day)
        return day

    pin(TODAY)
    return pin
