from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField

from registry.core.forms import BaseForm, choices

ESCROW_STATUS_LABELS = {
    "none": _l("No account"), "opened": _l("Account opened"), "normal": _l("Normal"), "warning": _l("Warning"),
    "violation": _l("Violation"), "frozen": _l("Frozen"), "closed": _l("Closed"),
}
# What each status means, for the panel and the public.
ESCROW_STATUS_HINTS = {
    "none": _l("No supervised account is recorded."),
    "opened": _l("The supervised account is open; no bank statement has been recorded yet."),
    "normal": _l("The supervised balance and the risk deposit cover the fees for lessons not yet taught."),
    "warning": _l("The fees for lessons not yet taught are not fully covered, or the risk deposit is too small."),
    "violation": _l("Prepaid fees are held without a supervised account, or charges break the charging rules."),
    "frozen": _l("The supervising department has frozen the account."),
    "closed": _l("The supervised account is closed."),
}
CHANNEL_LABELS = {"one_off": _l("One-off"), "top_up": _l("Top-up"), "lesson_card": _l("Lesson card")}
ALERT_LABELS = {
    "no_account": _l("Prepaid fees without a supervised account"),
    "low_coverage": _l("Coverage below the minimum"),
    "deposit_shortfall": _l("Risk deposit too small"),
    "overdue_statement": _l("Statement overdue"),
    "flagged_statement": _l("Statement flagged"),
    "charge_violation": _l("Charges breaking the rules"),
}
# What the money figure of each kind of alert is.
ALERT_AMOUNT_HINTS = {
    "no_account": _l("prepaid fees held"),
    "low_coverage": _l("missing to full coverage"),
    "deposit_shortfall": _l("missing from the risk deposit"),
    "overdue_statement": _l("fees not yet taught, unverified"),
    "flagged_statement": _l("unexplained, or fees not yet taught"),
    "charge_violation": _l("charged against the rules"),
}
OFFICER_ACTION_LABELS = {"freeze": _l("Freeze the account"), "unfreeze": _l("Lift the freeze"), "close": _l("Close the account")}
ESCROW_ACTION_LABELS = {
    "escrow.open": _l("Account opened"), "escrow.update": _l("Account details changed"),
    "escrow.freeze": _l("Frozen"), "escrow.unfreeze": _l("Freeze lifted"), "escrow.close": _l("Account closed"),
    "escrow.rule": _l("Status set by rule"), "escrow.statement": _l("Statement recorded"),
    "escrow.statement_correct": _l("Statement corrected"), "escrow.statement_import": _l("Statements imported"),
    "escrow.statement_check": _l("Statements checked"), "escrow.statement_resolve": _l("Flagged statement resolved"),
    "escrow.charge": _l("Charge recorded"), "escrow.charge_import": _l("Charges imported"),
    "escrow.charge_resolve": _l("Charge violation dealt with"),
}
ESCROW_FIELD_LABELS = {
    "bank": _l("Bank"), "account_number": _l("Account number"), "opened_on": _l("Opened on"),
    "closed_on": _l("Closed on"), "risk_deposit": _l("Risk deposit"), "status": _l("Escrow status"),
    "status_since": _l("Status since"), "version": _l("Record version"), "institution_id": _l("Institution"),
}
STATEMENT_FIELD_LABELS = {
    "period": _l("Period (month)"), "period_start": _l("Period from"), "period_end": _l("Period to"),
    "opening_balance": _l("Opening balance"), "received": _l("Prepaid fees received"),
    "released": _l("Released for lessons taught"), "refunded": _l("Refunds"), "closing_balance": _l("Closing balance"),
    "unearned": _l("Fees for lessons not yet taught"),
}
CHARGE_FIELD_LABELS = {
    "charge_ref": _l("Charge number"), "charged_on": _l("Charged on"), "course_start": _l("Course starts"),
    "student_ref": _l("Student reference"), "amount": _l("Amount"), "class_hours": _l("Class hours"),
    "months": _l("Months covered"), "channel": _l("Channel"),
}
COLUMN_LABELS = {"credit_code": _l("Credit code"), "account_number": _l("Account number"),
                 **STATEMENT_FIELD_LABELS, **CHARGE_FIELD_LABELS}

_money = {"inputmode": "decimal", "placeholder": "0.00"}


class AccountForm(BaseForm):
    bank = StringField(_l("Bank"), render_kw={"placeholder": "中国工商银行温州分行"})
    account_number = StringField(_l("Account number"), render_kw={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"})
    opened_on = StringField(_l("Opened on"), render_kw={"type": "date"})
    risk_deposit = StringField(_l("Risk deposit (¥)"), render_kw=_money)
    reason = TextAreaField(_l("Reason"), render_kw={"rows": 2})
    version = HiddenField()


class StatusForm(BaseForm):
    reason = TextAreaField(_l("Reason"), render_kw={"rows": 3})
    effective_on = StringField(_l("Effective on"), render_kw={"type": "date"})
    version = HiddenField()
    confirm = BooleanField(_l("I understand that a closed account takes no more prepaid fees."))


class StatementForm(BaseForm):
    period_start = StringField(STATEMENT_FIELD_LABELS["period_start"], render_kw={"type": "date"})
    period_end = StringField(STATEMENT_FIELD_LABELS["period_end"], render_kw={"type": "date"})
    opening_balance = StringField(_l("Opening balance (¥)"), render_kw=_money)
    received = StringField(_l("Prepaid fees received (¥)"), render_kw=_money)
    released = StringField(_l("Released for lessons taught (¥)"), render_kw=_money)
    refunded = StringField(_l("Refunds (¥)"), render_kw=_money)
    closing_balance = StringField(_l("Closing balance (¥)"), render_kw=_money)
    unearned = StringField(_l("Fees for lessons not yet taught (¥)"), render_kw=_money)
    accept_mismatch = BooleanField(_l("Record it as the bank sent it: it will be flagged for checking."))


class ChargeForm(BaseForm):
    charged_on = StringField(CHARGE_FIELD_LABELS["charged_on"], render_kw={"type": "date"})
    course_start = StringField(CHARGE_FIELD_LABELS["course_start"], render_kw={"type": "date"})
    student_ref = StringField(CHARGE_FIELD_LABELS["student_ref"], render_kw={"autocomplete": "off"})
    amount = StringField(_l("Amount (¥)"), render_kw=_money)
    class_hours = StringField(CHARGE_FIELD_LABELS["class_hours"], render_kw={"inputmode": "numeric"})
    months = StringField(CHARGE_FIELD_LABELS["months"], render_kw={"inputmode": "numeric"})
    channel = SelectField(CHARGE_FIELD_LABELS["channel"], choices=choices([("", "—")] + list(CHANNEL_LABELS.items())),
                          validate_choice=False)
    charge_ref = StringField(_l("Charge number (optional)"))


class ResolveForm(BaseForm):
    resolution = TextAreaField(_l("How it was resolved"), render_kw={"rows": 3})


class ImportForm(BaseForm):
    skip_invalid = SelectField(_l("When a row is bad"), choices=choices([("", _l("import nothing")), ("1", _l("import the good rows"))]),
                               validate_choice=False)
