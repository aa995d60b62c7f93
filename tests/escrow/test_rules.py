"""The escrow rules with plain values: money, masking, charging limits, statements, coverage, deposit, status."""
from datetime import date
from fractions import Fraction

import pytest

from registry.config import ConfigError, escrow_settings
from registry.core import dates, money
from registry.escrow import rules
from registry.escrow.rules import EscrowStatus, Facts, Limits, Period

LIMITS = Limits()


# --- money ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, fen", [
    ("12345.67", 1234567), ("12,345.67", 1234567), ("¥12,345.6", 1234560), ("￥5000", 500000), ("5000元", 500000),
    (" 0.01 ", 1), ("-3.50", -350), (5000, 500000), (12345.67, 1234567), (0.1, 10), ("", None), (None, None),
])
def test_parse_money(typed, fen):
    assert money.parse_money(typed) == fen


@pytest.mark.parametrize("typed", ["12.345", "1.2.3", "abc", "1e5", "NaN", True, float("nan"), float("inf"), "10000000000000", [1]])
def test_parse_money_refuses(typed):
    with pytest.raises(ValueError):
        money.parse_money(typed)


def test_money_is_shown_in_yuan_with_separators():
    assert money.format_yuan(123456789) == "¥1,234,567.89"
    assert money.format_yuan(5) == "¥0.05"
    assert money.format_yuan(-150000) == "-¥1,500.00"
    assert money.format_yuan(None) == "—"
    assert money.yuan_text(1234567) == "12345.67" and money.yuan_text(-5) == "-0.05"


# --- account numbers ------------------------------------------------------------------------------------

def test_account_numbers_are_masked():
    assert rules.mask_account("6222021234561234") == "6222 **** **** 1234"
    assert rules.mask_account("6222 0212-3456 1234") == "6222 **** **** 1234"
    assert rules.mask_account("12345678") == "**** 5678"
    assert rules.mask_account("") == ""


def test_account_number_check():
    assert rules.check_account("6222021234561234") is None
    assert rules.check_account("1234567") is not None          # too short
    assert rules.check_account("62220212345612AB") is not None  # letters
    assert rules.normalise_account(" 6222-0212 3456 ") == "622202123456"


# --- dates ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["2026-10-31", "2026/10/31", "2026.10.31", "20261031", "2026年10月31日", "2026-10-31 "])
def test_dates_as_banks_write_them(typed):
    assert dates.parse_day(typed) == date(2026, 10, 31)


def test_bad_dates_and_months():
    for typed in ("2026-02-30", "31/10/2026", "yesterday"):
        with pytest.raises(ValueError):
            dates.parse_day(typed)
    assert dates.parse_month("2026-02") == (date(2026, 2, 1), date(2026, 2, 28))
    assert dates.parse_month("2028年2月") == (date(2028, 2, 1), date(2028, 2, 29))
    with pytest.raises(ValueError):
        dates.parse_month("2026-13")


def test_add_months_keeps_inside_the_month():
    assert dates.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert dates.add_months(date(2026, 3, 15), -3) == date(2025, 12, 15)
    assert dates.add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)


# --- charges --------------------------------------------------------------------------------------------

def violations(**kw):
    charge = dict(charged_on=date(2026, 9, 1), course_start=date(2026, 9, 10), amount=240000, class_hours=24, months=3)
    charge.update(kw)
    return [v["rule"] for v in rules.charge_violations(**charge, limits=LIMITS)]


def test_a_charge_within_every_limit_breaks_nothing():
    assert violations() == []
    assert violations(months=3, class_hours=60, amount=500000) == []  # the limits themselves are allowed
    assert violations(charged_on=date(2026, 8, 10)) == []              # exactly one month before the start


def test_each_rule_a_charge_can_break():
    assert violations(months=4) == ["over_months"]
    assert violations(class_hours=61, months=None) == ["over_hours"]
    assert violations(amount=500001) == ["over_cap"]
    assert violations(charged_on=date(2026, 8, 9)) == ["too_early"]
    assert violations(months=6, class_hours=96, amount=980000, charged_on=date(2026, 7, 1)) == [
        "over_months", "over_hours", "over_cap", "too_early"]


def test_charge_limits_are_settings():
    lenient = Limits(max_months=6, max_hours=100, charge_cap=None, months_before_start=3)
    found = rules.charge_violations(charged_on=date(2026, 7, 1), course_start=date(2026, 9, 10), amount=980000,
                                    class_hours=96, months=6, limits=lenient)
    assert found == []


def test_violations_read_like_the_rule():
    [cap] = rules.charge_violations(charged_on=date(2026, 9, 1), course_start=date(2026, 9, 1), amount=680000,
                                    class_hours=None, months=3, limits=LIMITS)
    assert str(rules.describe_violation(cap)) == "One charge of ¥6,800.00; the local cap is ¥5,000.00."
    [early] = rules.charge_violations(charged_on=date(2026, 7, 1), course_start=date(2026, 9, 1), amount=1,
                                      class_hours=None, months=1, limits=LIMITS)
    assert "2026-07-01" in str(rules.describe_violation(early)) and "2026-09-01" in str(rules.describe_violation(early))


def test_outstanding_fees_are_those_of_lessons_not_over():
    charges = [(date(2026, 9, 1), 3, 300000),   # runs to 2026-11-30
               (date(2026, 6, 1), 1, 100000),   # ran to 2026-06-30
               (date(2026, 8, 1), None, 50000)]  # hours only: one full cycle, to 2026-10-31
    assert rules.outstanding_fees(charges, today=date(2026, 10, 15), limits=LIMITS) == 350000
    assert rules.outstanding_fees(charges, today=date(2026, 11, 1), limits=LIMITS) == 300000
    assert rules.outstanding_fees(charges, today=date(2026, 12, 1), limits=LIMITS) == 0


@pytest.mark.parametrize("ref, ok", [
    ("XY-001", True), ("S2026-0012", True), ("a1b2c3", True), ("", False), ("张小明", False),
    ("330302201001011234", False), ("33030220100101123X", False), ("13905771234", False), ("x" * 41, False),
])
def test_student_references_carry_no_personal_data(ref, ok):
    assert (rules.check_student_ref(ref) is None) is ok


def test_natural_key():
    day = date(2026, 9, 1)
    assert rules.natural_key(charge_ref="T1", charged_on=day, student_ref="XY-1", amount=5) == "ref:T1"
    assert rules.natural_key(charge_ref="", charged_on=day, student_ref="XY-1", amount=5) == "2026-09-01|XY-1|5"


def test_parse_charge():
    clean, problems = rules.parse_charge({"charged_on": "2026/09/01", "course_start": "20260910", "student_ref": " XY-1 ",
                                          "amount": "2,400", "class_hours": "", "months": "3", "channel": "课时卡"},
                                         today=date(2026, 10, 15))
    assert problems == {}
    assert clean["amount"] == 240000 and clean["months"] == 3 and clean["class_hours"] is None
    assert clean["channel"] is rules.Channel.lesson_card and clean["student_ref"] == "XY-1"
    _, problems = rules.parse_charge({"charged_on": "2026-11-01", "course_start": "", "student_ref": "王小明",
                                      "amount": "0", "months": "1.5", "channel": "cash"}, today=date(2026, 10, 15))
    assert set(problems) == {"charged_on", "course_start", "student_ref", "amount", "months", "channel"}
    _, problems = rules.parse_charge({"charged_on": "2026-09-01", "course_start": "2026-09-01", "student_ref": "XY",
                                      "amount": "100", "channel": "one_off"}, today=date(2026, 10, 15))
    assert list(problems) == ["months"]  # months or class hours, one of them


# --- statements -----------------------------------------------------------------------------------------

def test_balance_check():
    figures = dict(opening=1000000, received=500000, released=300000, refunded=20000)
    assert rules.expected_closing(**figures) == 1180000
    assert rules.balance_flag(**figures, closing=1180000, limits=LIMITS) is None
    flag = rules.balance_flag(**figures, closing=1170000, limits=LIMITS)
    assert flag == {"flag": "balance", "closing": 1170000, "expected": 1180000, "difference": -10000}
    assert str(rules.describe_flag(flag)) == ("The closing balance ¥11,700.00 does not equal opening + received − "
                                              "released − refunded = ¥11,800.00 (difference -¥100.00).")
    assert rules.balance_flag(**figures, closing=1179999, limits=Limits(balance_tolerance=1)) is None


def test_gaps_overlaps_and_carry_over_between_periods():
    periods = [Period(date(2026, 6, 1), date(2026, 6, 30), 0, 100),
               Period(date(2026, 7, 1), date(2026, 7, 31), 100, 200),    # follows on
               Period(date(2026, 9, 1), date(2026, 9, 30), 200, 300),    # August missing
               Period(date(2026, 9, 15), date(2026, 10, 15), 300, 400),  # overlaps September
               Period(date(2026, 10, 16), date(2026, 10, 31), 450, 500)]  # opens with 450, not 400
    flags = rules.sequence_flags(periods, limits=LIMITS)
    assert flags[0] == [] and flags[1] == []
    assert flags[2] == [{"flag": "gap", "from": "2026-08-01", "to": "2026-08-31"}]
    assert flags[3][0]["flag"] == "overlap"
    assert flags[4] == [{"flag": "carry_over", "previous": 400, "opening": 450}]
    assert str(rules.describe_flag(flags[2][0])) == "No statement covers 2026-08-01 to 2026-08-31."


def test_parse_statement():
    clean, problems = rules.parse_statement({"period": "2026-09", "opening_balance": "1,000", "received": "500",
                                             "released": "300", "refunded": "0", "closing_balance": "1200",
                                             "unearned": "1100.5"}, today=date(2026, 10, 15))
    assert problems == {}
    assert (clean["period_start"], clean["period_end"], clean["unearned"]) == (date(2026, 9, 1), date(2026, 9, 30), 110050)
    _, problems = rules.parse_statement({"period_start": "2026-10-01", "period_end": "2026-10-31", "opening_balance": "-1",
                                         "received": "x", "released": "", "refunded": "0", "closing_balance": "0",
                                         "unearned": "0"}, today=date(2026, 10, 15))
    assert set(problems) == {"period_end", "opening_balance", "received", "released"}  # period ends in the future
    _, problems = rules.parse_statement({"period_start": "2026-09-30", "period_end": "2026-09-01"}, today=date(2026, 10, 15))
    assert "period_end" in problems


# --- coverage and deposit -------------------------------------------------------------------------------

def test_coverage():
    assert rules.coverage(balance=80000, deposit=20000, unearned=100000) == Fraction(1)
    assert rules.coverage(balance=60000, deposit=10000, unearned=100000) == Fraction(7, 10)
    assert rules.coverage(balance=5, deposit=0, unearned=0) is None
    assert rules.format_percent(Fraction(7, 10)) == "70.0%" and rules.format_percent(Fraction(2, 3)) == "66.7%"
    assert rules.coverage_shortfall(balance=60000, deposit=10000, unearned=100000, limits=LIMITS) == 30000
    assert rules.coverage_shortfall(balance=60000, deposit=50000, unearned=100000, limits=LIMITS) == 0
    assert rules.coverage_shortfall(balance=100000, deposit=0, unearned=100000, limits=Limits(min_coverage_pct=120)) == 20000


def test_required_deposit_is_one_cycle_of_fees():
    months = [(date(2026, m, 1), date(2026, m, 28 if m == 2 else 30 if m in (4, 6, 9) else 31), 100000 * m) for m in range(1, 10)]
    assert rules.cycle_fees(months, limits=LIMITS) == 700000 + 800000 + 900000  # July to September
    quarterly = [(date(2026, 4, 1), date(2026, 6, 30), 300000), (date(2026, 7, 1), date(2026, 9, 30), 600000)]
    assert rules.cycle_fees(quarterly, limits=LIMITS) == 600000
    assert rules.cycle_fees(quarterly, limits=Limits(deposit_cycle_months=6)) == 900000
    # a statement straddling the cycle's start counts pro rata by day
    straddling = [(date(2026, 6, 16), date(2026, 7, 15), 300000), (date(2026, 7, 16), date(2026, 9, 15), 600000)]
    assert rules.cycle_fees(straddling, limits=LIMITS) == 600000 + round(Fraction(300000 * 30, 30))
    assert rules.required_deposit(months, limits=Limits(deposit_required=False)) is None


# --- status ---------------------------------------------------------------------------------------------

def status(current=EscrowStatus.normal, **facts):
    base = dict(has_account=True, has_statement=True, balance=100000, unearned=100000, deposit=30000, required_deposit=30000)
    base.update(facts)
    return rules.status_by_rule(current, Facts(**base), limits=LIMITS)


def test_status_follows_the_rules():
    assert status()[0] is EscrowStatus.normal
    assert status(balance=60000, deposit=30000)[0] is EscrowStatus.warning            # 90% coverage
    assert status(balance=70000, deposit=30000)[0] is EscrowStatus.normal             # exactly 100%
    assert status(deposit=20000, required_deposit=30000)[0] is EscrowStatus.warning   # deposit short
    assert status(deposit=20000, required_deposit=None)[0] is EscrowStatus.normal     # no deposit required
    assert status(open_violations=2)[0] is EscrowStatus.violation
    assert status(has_statement=False, balance=0, unearned=0)[0] is EscrowStatus.opened
    assert status(has_statement=False, open_violations=1)[0] is EscrowStatus.violation
    assert status(EscrowStatus.none, has_account=False, prepaid_held=250000)[0] is EscrowStatus.violation
    assert status(EscrowStatus.violation, has_account=False, prepaid_held=0)[0] is EscrowStatus.none
    assert status(unearned=0, balance=0)[0] is EscrowStatus.normal


def test_officer_decisions_stand():
    assert status(EscrowStatus.frozen, open_violations=3) == (EscrowStatus.frozen, [])
    assert status(EscrowStatus.closed, has_account=False, prepaid_held=100) == (EscrowStatus.closed, [])


def test_status_says_why():
    new, reasons = status(balance=50000, deposit=10000, required_deposit=20000)
    assert new is EscrowStatus.warning
    assert [str(r) for r in reasons] == ["Coverage 60.0% is below 100%.",
                                         "The risk deposit ¥100.00 is below the fees of one cycle, ¥200.00."]
    _, reasons = status(EscrowStatus.none, has_account=False, prepaid_held=250000)
    assert str(reasons[0]) == "Holds ¥2,500.00 of prepaid fees without a supervised account."


def test_statement_overdue():
    opened = date(2026, 5, 1)
    kwargs = dict(status=EscrowStatus.normal, opened_on=opened, today=date(2026, 10, 15), limits=LIMITS)
    assert not rules.statement_overdue(latest_period_end=date(2026, 9, 30), **kwargs)
    assert rules.statement_overdue(latest_period_end=date(2026, 9, 14), **kwargs)
    assert rules.statement_overdue(latest_period_end=None, **kwargs)  # opened in May, never a statement
    assert not rules.statement_overdue(latest_period_end=date(2026, 8, 31), **{**kwargs, "limits": Limits(statement_overdue_months=2)})
    assert not rules.statement_overdue(latest_period_end=None, **{**kwargs, "status": EscrowStatus.closed})


def test_officer_actions():
    assert rules.check_officer_action(EscrowStatus.warning, "freeze") is None
    assert rules.check_officer_action(EscrowStatus.frozen, "freeze") is not None
    assert rules.check_officer_action(EscrowStatus.frozen, "unfreeze") is None
    assert rules.check_officer_action(EscrowStatus.frozen, "close") is None
    assert rules.check_officer_action(EscrowStatus.closed, "close") is not None
    assert rules.check_officer_action(EscrowStatus.normal, "explode") is not None


# --- settings -------------------------------------------------------------------------------------------

def test_settings_default_to_domain_values():
    limits = Limits.from_settings(escrow_settings({}))
    assert limits == Limits()
    assert (limits.max_months, limits.max_hours, limits.charge_cap, limits.months_before_start) == (3, 60, 500000, 1)
    assert (limits.min_coverage_pct, limits.deposit_required, limits.deposit_cycle_months) == (100, True, 3)
    assert limits.statement_overdue_months == 1 and limits.balance_tolerance == 0


def test_settings_from_the_environment():
    limits = Limits.from_settings(escrow_settings({
        "REGISTRY_ESCROW_MAX_MONTHS": "6", "REGISTRY_ESCROW_MAX_HOURS": "90", "REGISTRY_ESCROW_CHARGE_CAP": "0",
        "REGISTRY_ESCROW_MONTHS_BEFORE_START": "2", "REGISTRY_ESCROW_MIN_COVERAGE": "120",
        "REGISTRY_ESCROW_DEPOSIT_REQUIRED": "0", "REGISTRY_ESCROW_DEPOSIT_CYCLE_MONTHS": "6",
        "REGISTRY_ESCROW_STATEMENT_OVERDUE_MONTHS": "2", "REGISTRY_ESCROW_BALANCE_TOLERANCE": "0.50"}))
    assert limits == Limits(6, 90, None, 2, 120, False, 6, 2, 50)
    assert escrow_settings({"REGISTRY_ESCROW_CHARGE_CAP": "3000.5"})["REGISTRY_ESCROW_CHARGE_CAP"] == 300050


@pytest.mark.parametrize("name, value", [("REGISTRY_ESCROW_MAX_MONTHS", "three"), ("REGISTRY_ESCROW_MAX_MONTHS", "0"),
                                         ("REGISTRY_ESCROW_CHARGE_CAP", "-5"), ("REGISTRY_ESCROW_CHARGE_CAP", "5000.001"),
                                         ("REGISTRY_ESCROW_DEPOSIT_REQUIRED", "maybe")])
def test_bad_settings_stop_the_app(name, value):
    with pytest.raises(ConfigError, match=name):
        escrow_settings({name: value})
