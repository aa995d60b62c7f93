"""Enforcement's fixtures: a second officer in some departments (inspections need two staff), and helpers that
record an inspection, open a case and take it to its decision through the API."""
from datetime import timedelta

import pytest

from registry.core.models import local_today
from registry.extensions import db


@pytest.fixture
def staff(users, make_user):
    """The `users` plus a second officer of culture and of education and a second market staff member."""
    return {**users, "arts2": make_user("arts2", "officer", "culture"), "edu2": make_user("edu2", "officer", "edu"),
            "market2": make_user("market2", "market")}


def days_ago(n: int) -> str:
    return (local_today() - timedelta(days=n)).isoformat()


def answers(client, headers, category: str, failed=()) -> dict:
    items = client.get(f"/api/v1/checklists/{category}", headers=headers).json["items"]
    return {i["key"]: "fail" if i["key"] in failed else "pass" for i in items}


@pytest.fixture
def inspect(client, token_for):
    """POST an inspection through the API as `username`; returns the response."""
    def record(username, institution, *, failed=(), outcome=None, staff=None, on=5, deadline=None, **extra):
        headers = token_for(username)
        outcome = outcome or ("rectification" if failed else "compliant")
        body = {"institution_id": institution.id, "inspected_on": days_ago(on), "staff": staff or [username, f"{username}2"],
                "results": answers(client, headers, institution.category.value, failed),
                "item_notes": {key: "现场发现问题" for key in failed}, "outcome": outcome, **extra}
        if outcome == "rectification":
            body["deadline"] = deadline or days_ago(on - 10)
        return client.post("/api/v1/inspections", json=body, headers=headers)

    return record


STEP_DOCUMENTS = {"investigated": "询问笔录2份", "notified": "行政处罚告知书〔2026〕1号", "reviewed": "法制审核意见书",
                  "decided": "行政处罚决定书〔2026〕1号", "served": "送达回证", "executed": "缴款凭证", "closed": "结案报告"}


@pytest.fixture
def step(client, token_for):
    """POST the case's next step through the API as `username`."""
    def record(username, case, name, *, on=None, people=None, **extra):
        body = {"step": name, "on": on or local_today().isoformat(), "people": people or [username, f"{username}2"],
                "documents": STEP_DOCUMENTS.get(name, ""), "version": case["version"], **extra}
        return client.post(f"/api/v1/cases/{case['id']}/steps", json=body, headers=token_for(username))

    return record


def commit():
    db.session.commit()


@pytest.fixture
def token_for(token_for):
    """API headers of `username`, asking for English answers (the Chinese ones are checked in test_api_in_chinese)."""
    def make(username: str) -> dict:
        return {**token_for(username), "Accept-Language": "en"}

    return make
