"""Enforcement's rules with plain values."""
from datetime import date

from registry.enforcement import rules
from registry.enforcement.rules import FineState, FineTerms, Step

TODAY = date(2026, 11, 30)
ITEMS = ["permit_displayed", "fire_safety"]


def _inspection(**overrides):
    values = dict(staff_count=2, inspected_on=date(2026, 11, 20), today=TODAY, outcome="compliant", deadline=None,
                  results={"permit_displayed": "pass", "fire_safety": "na"}, item_keys=ITEMS, notes={})
    values.update(overrides)
    return {key: str(problem) for key, problem in rules.check_inspection(**values).items()}


def test_an_inspection_needs_two_staff_and_every_item_answered():
    assert _inspection() == {}
    assert "at least 2" in _inspection(staff_count=1)["staff"]
    assert "1 left" in _inspection(results={"permit_displayed": "pass"})["items"]


def test_a_failed_item_needs_a_note_and_cannot_be_compliant():
    problems = _inspection(results={"permit_displayed": "fail", "fire_safety": "pass"})
    assert "without a note" in problems["items"]
    assert "not compliant" in problems["outcome"]
    assert _inspection(results={"permit_displayed": "fail", "fire_safety": "pass"}, notes={"permit_displayed": "未公示"},
                       outcome="rectification", deadline=date(2026, 12, 20)) == {}


def test_rectification_needs_a_deadline_after_the_inspection():
    assert "deadline" in _inspection(outcome="rectification")["deadline"]
    assert "after" in _inspection(outcome="rectification", deadline=date(2026, 11, 20))["deadline"]
    assert "future" in _inspection(inspected_on=date(2026, 12, 1))["inspected_on"]


def test_joint_when_staff_come_from_more_than_one_department():
    assert rules.is_joint(["edu", "market"]) and not rules.is_joint(["edu", "edu"])


def test_rectification_overdue_until_reinspected():
    args = dict(outcome="rectification", deadline=date(2026, 11, 29), today=TODAY)
    assert rules.rectification_overdue(**args, followed_up=False)
    assert not rules.rectification_overdue(**args, followed_up=True)
    assert not rules.rectification_overdue(outcome="rectification", deadline=TODAY, today=TODAY, followed_up=False)


def test_leads_are_routed_by_category_or_to_market():
    assert rules.route_lead(supervising_department="culture", institution_status="licensed") == "culture"
    assert rules.route_lead(supervising_department="culture", institution_status="suspended") == "culture"
    assert rules.route_lead(supervising_department="culture", institution_status="revoked") == "market"
    assert rules.route_lead(supervising_department=None, institution_status=None) == "market"


def test_lead_deadline_overdue_and_on_time():
    deadline = rules.lead_deadline(date(2026, 11, 1), 15)
    assert deadline == date(2026, 11, 16)
    assert rules.lead_overdue(state="handling", deadline=deadline, today=date(2026, 11, 17))
    assert not rules.lead_overdue(state="closed", deadline=deadline, today=date(2026, 11, 17))
    assert rules.closed_on_time(closed_on=date(2026, 11, 16), deadline=deadline)
    assert not rules.closed_on_time(closed_on=date(2026, 11, 17), deadline=deadline)


def test_lead_states_move_in_a_loop():
    assert rules.check_lead_move("received", "assigned") is None
    assert rules.check_lead_move("received", "handling") is not None
    assert rules.check_lead_move("closed", "assigned") is not None


def test_tracking_numbers():
    number = rules.tracking_number("ABCD2345WXYZ")
    assert number == "ABCD-2345-WXYZ" and rules.tracking_looks_valid(number)
    assert rules.normalise_tracking("abcd 2345 wxyz") == number
    assert not rules.tracking_looks_valid("ABCD-2345")


def test_case_number():
    assert rules.case_number("edu", 2026, 7) == "EDU-2026-0007"


def _step(current, requested, **overrides):
    values = dict(on=date(2026, 11, 10), previous_on=date(2026, 11, 1), today=TODAY, people=2, documents="温教罚告〔2026〕3号")
    values.update(overrides)
    return {k: str(v) for k, v in rules.check_step(current, requested, **values).items()}


def test_steps_cannot_be_skipped_or_backdated():
    assert _step("opened", "investigated") == {}
    assert "investigated" in _step("opened", "decided")["step"]
    assert "before the previous one" in _step("opened", "investigated", on=date(2026, 10, 30))["on"]
    assert "at least 2" in _step("opened", "investigated", people=1)["people"]
    assert "documents" in _step("investigated", "notified", documents=" ")["documents"]
    assert "closed" in _step("closed", "closed")["step"]
    assert rules.next_step(None) is Step.opened and rules.next_step(Step.reviewed) is Step.decided
    assert rules.next_step(Step.closed) is None


def test_fine_ranges():
    fixed = FineTerms(min_fen=100, max_fen=5_000_000)
    assert rules.fine_range(fixed, illegal_income=None) == (100, 5_000_000)
    by_income = FineTerms(min_times=1, max_times=5)
    assert rules.fine_range(by_income, illegal_income=None) is None
    assert rules.fine_range(by_income, illegal_income=300_000) == (300_000, 1_500_000)
    assert rules.fine_range(FineTerms(min_fen=0, max_fen=50_000_000), illegal_income=None)[1] == rules.MAX_FINE


def _decision(**overrides):
    values = dict(sanctions=["fine"], fine=6_000_000, confiscation=None, illegal_income=None,
                  terms=FineTerms(min_fen=100, max_fen=5_000_000), refund_order="", institution_status="licensed")
    values.update(overrides)
    return {k: str(v) for k, v in rules.check_decision(**values).items()}


def test_a_fine_outside_its_range_is_refused_with_the_range():
    assert _decision()["fine"] == "The fine must be between ¥1.00 and ¥50,000.00 for this violation type."
    assert _decision(fine=5_000_000) == {}
    assert "no fine" in _decision(terms=FineTerms(min_fen=0, max_fen=0), fine=100)["fine"]
    assert "illegal income" in _decision(terms=FineTerms(min_times=1, max_times=5))["illegal_income"]


def test_sanctions_fit_the_institution():
    assert "licensed" in _decision(sanctions=["suspension"], fine=None, institution_status="revoked")["sanctions"]
    assert "not both" in _decision(sanctions=["suspension", "revocation"], fine=None)["sanctions"]
    assert "register" in _decision(sanctions=["revocation"], fine=None, institution_status=None)["sanctions"]
    assert _decision(sanctions=["revocation"], fine=None, institution_status="suspended") == {}
    assert "refund" in _decision(sanctions=["refund"], fine=None)["refund_order"]
    assert "not among" in _decision(sanctions=["warning"])["fine"]


def test_fine_state():
    due = date(2026, 11, 20)
    assert rules.fine_state(amount=100, paid=100, due_on=due, today=TODAY) is FineState.paid
    assert rules.fine_state(amount=100, paid=50, due_on=due, today=TODAY) is FineState.overdue
    assert rules.fine_state(amount=100, paid=50, due_on=TODAY, today=TODAY) is FineState.part_paid
    assert rules.fine_state(amount=100, paid=0, due_on=TODAY, today=TODAY) is FineState.unpaid


def test_payments():
    ok = dict(amount=50, outstanding=100, paid_on=date(2026, 11, 25), decided_on=date(2026, 11, 20), today=TODAY, receipt="R1")
    assert rules.check_payment(**ok) == {}
    assert "¥1.00" in str(rules.check_payment(**{**ok, "amount": 150})["amount"])
    assert "before the decision" in str(rules.check_payment(**{**ok, "paid_on": date(2026, 11, 1)})["paid_on"])
    assert "receipt" in str(rules.check_payment(**{**ok, "receipt": ""})["receipt_number"])
