"""Enforcement's forms and the words for its codes, marked for translation."""
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from registry.core.forms import BaseForm
from registry.enforcement.rules import STEP_NAMES

RESULT_LABELS = {"pass": _l("Pass"), "fail": _l("Fail"), "na": _l("Not applicable")}
FOLLOW_UP_LABELS = {"pass": _l("Fixed"), "fail": _l("Not fixed")}
OUTCOME_LABELS = {"compliant": _l("Compliant"), "rectification": _l("Rectification ordered"), "case": _l("Case opened")}
SOURCE_LABELS = {"grid": _l("Grid worker's report"), "inspection": _l("Inspection finding"), "hotline": _l("Hotline"),
                 "public": _l("Public form"), "staff": _l("Staff cross-check")}
LEAD_STATE_LABELS = {"received": lazy_pgettext("lead state", "Received"), "assigned": _l("Assigned"), "handling": _l("Handling"),
                     "closed": lazy_pgettext("lead state", "Closed")}
LEAD_OUTCOME_LABELS = {"unfounded": _l("Unfounded"), "rectified": _l("Rectified"), "case_opened": _l("Case opened"),
                       "transferred": _l("Transferred")}
STEP_LABELS = {step.value: _l(name) for step, name in STEP_NAMES.items()}
STEP_HINTS = {"investigated": _l("Evidence taken by at least two officers: inquiry records, on-site records, copies."),
              "notified": _l("The notice of the intended penalty, with the right to state, defend and ask for a hearing."),
              "reviewed": _l("The legal review opinion before the decision."),
              "decided": _l("The penalty decision: violation type and sanctions."),
              "served": _l("Service of the decision; the fine is payable within 15 days of it."),
              "executed": _l("The decision carried out: the fine paid in full, the orders complied with."),
              "closed": _l("The case report closing the file.")}
SANCTION_LABELS = {"warning": _l("Warning or public criticism"), "fine": _l("Fine"),
                   "confiscation": _l("Confiscation of illegal income"), "refund": _l("Order to refund students"),
                   "suspension": _l("Suspension (停业整顿)"), "revocation": _l("Permit revoked")}
GROUP_LABELS = {"disguised": _l("Disguised academic training"), "advertising": lazy_pgettext("violation", "Advertising"), "fees": _l("Fees"),
                "staff": _l("Staff"), "safety": _l("Safety"), "unlicensed": _l("Unlicensed")}
FINE_STATE_LABELS = {"unpaid": _l("Unpaid"), "part_paid": _l("Part-paid"), "paid": _l("Paid"), "overdue": _l("Overdue")}
INDICATOR_LABELS = {
    "staff_person_times": _l("Staff dispatched (person-times)"),
    "institutions_inspected": _l("Institutions inspected (institution-times)"),
    "joint_inspections": _l("Joint inspections"),
    "violations_disguised": _l("Violations: disguised academic training"),
    "violations_advertising": _l("Violations: advertising"), "violations_fees": _l("Violations: fees"),
    "violations_staff": _l("Violations: staff"), "violations_safety": _l("Violations: safety"),
    "violations_unlicensed": _l("Violations: unlicensed"),
    "cases_opened": _l("Cases opened"), "cases_decided": _l("Cases decided"), "cases_closed": _l("Cases closed"),
    "fines_fen": _l("Fines and confiscations"),
    "leads_received": _l("Leads received"), "leads_closed": _l("Leads closed"),
    "leads_closed_on_time": _l("Leads closed on time"), "leads_overdue": _l("Leads overdue"),
}
ENFORCEMENT_ACTION_LABELS = {
    "inspection.record": _l("Inspection recorded"), "inspection.reinspect": _l("Re-inspection recorded"),
    "inspection.note": _l("Note added to an inspection"), "lead.hotline": _l("Lead recorded from the hotline"),
    "lead.public": _l("Lead submitted by the public"), "lead.from_visit": _l("Lead from a grid worker's report"),
    "lead.from_inspection": _l("Lead referred from an inspection"), "lead.from_staff": _l("Lead from the staff cross-check"), "lead.assign": _l("Lead assigned"),
    "lead.handle": _l("Lead being handled"), "lead.close": _l("Lead closed"), "case.open": _l("Case opened"),
    **{f"case.{step}": label for step, label in STEP_LABELS.items() if step != "opened"},
    "fine.payment": _l("Payment recorded"), "checklist.add": _l("Checklist item added"),
    "checklist.change": _l("Checklist item changed"), "checklist.load": _l("Checklists loaded"),
}


class Checkboxes(SelectMultipleField):
    """Several choices as a list of checkboxes (a multiple select needs Ctrl-click, and is lost on a phone)."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InspectionForm(BaseForm):
    inspected_on = StringField(_l("Date of the inspection"), render_kw={"type": "date"})
    staff = Checkboxes(_l("Enforcement staff (at least two)"), choices=[], validate_choice=False,
                       render_kw={"class": "checks"})
    outcome = SelectField(_l("Outcome"), choices=[], validate_choice=False)
    deadline = StringField(_l("Rectification deadline"), render_kw={"type": "date"})
    notes = TextAreaField(_l("Notes"))
    case_summary = TextAreaField(_l("Facts the case is opened on"))
    case_documents = StringField(_l("Document references of the opening (立案审批表)"))


class NoteForm(BaseForm):
    version = HiddenField()
    notes = TextAreaField(_l("Add a note"))


class ReferForm(BaseForm):
    department = SelectField(_l("Department"), choices=[], validate_choice=False)
    description = TextAreaField(_l("Finding"))


class HotlineForm(BaseForm):
    institution = StringField(_l("Institution in the register (type its name or credit code)"),
                              render_kw={"autocomplete": "off", "maxlength": 60})
    subject_name = StringField(_l("Operator's name (when not in the register)"))
    subject_address = StringField(_l("Address"))
    district = SelectField(_l("District"), choices=[], validate_choice=False)
    description = TextAreaField(_l("What was reported"))
    reporter_name = StringField(_l("Caller's name"))
    reporter_phone = StringField(_l("Caller's phone"))
    received_on = StringField(_l("Call received on"), render_kw={"type": "date"})


class PublicLeadForm(BaseForm):
    subject_name = StringField(_l("Name of the institution or operator"))
    subject_address = StringField(_l("Where it is (address)"))
    district = SelectField(_l("District"), choices=[], validate_choice=False)
    description = TextAreaField(_l("What did you see?"))
    reporter_name = StringField(_l("Your name (optional)"))
    reporter_phone = StringField(_l("Your phone"))


class TrackForm(BaseForm):
    class Meta:
        csrf = False  # a read-only lookup by GET

    number = StringField(_l("Tracking number"))
    phone = StringField(_l("Last four digits of your phone"))


class AssignForm(BaseForm):
    version = HiddenField()
    assignee = SelectField(_l("Assign to"), choices=[], validate_choice=False)
    note = StringField(_l("Instruction"))


class HandleForm(BaseForm):
    version = HiddenField()
    note = StringField(_l("Note"))


class CloseLeadForm(BaseForm):
    version = HiddenField()
    outcome = SelectField(_l("Outcome"), choices=[], validate_choice=False)
    closed_on = StringField(lazy_pgettext("lead", "Closed on"), render_kw={"type": "date"})
    reply = TextAreaField(_l("Reply given"))
    case_summary = TextAreaField(_l("Facts the case is opened on (outcome “case opened”)"))


INTAKE_LABELS = {"unfounded": _l("Not accepted: plainly unfounded (不予受理)"),
                 "transferred": _l("Transferred to the body it belongs to (移交)")}


class IntakeForm(BaseForm):
    """Closing a lead just received without assigning it: a named outcome, its reason, and a confirmation."""
    version = HiddenField()
    outcome = SelectField(_l("Outcome"), choices=[], validate_choice=False)
    reply = TextAreaField(_l("Reason"))
    confirm = BooleanField(_l("I confirm: the lead is closed without being handled, and the reason is sent to whoever "
                              "reported it."))

    def validate_confirm(self, field):
        if not field.data:
            from wtforms.validators import ValidationError

            raise ValidationError(_l("Tick to confirm."))


class CaseForm(BaseForm):
    institution_id = HiddenField()
    lead_id = HiddenField()
    inspection_id = HiddenField()
    subject_name = StringField(_l("Operator's name (when not in the register)"))
    district = SelectField(_l("District"), choices=[], validate_choice=False)
    summary = TextAreaField(_l("Facts the case is opened on"))
    opened_on = StringField(lazy_pgettext("case", "Opened on"), render_kw={"type": "date"})
    people = Checkboxes(_l("Officers"), choices=[], validate_choice=False, render_kw={"class": "checks"})
    documents = StringField(_l("Document references (立案审批表)"))


class StepForm(BaseForm):
    version = HiddenField()
    step = HiddenField()
    on = StringField(_l("Date"), render_kw={"type": "date"})
    people = Checkboxes(_l("Officers"), choices=[], validate_choice=False, render_kw={"class": "checks"})
    documents = StringField(_l("Document references"))
    note = TextAreaField(_l("Note"))
    violation_type = SelectField(_l("Violation type"), choices=[], validate_choice=False)
    sanctions = Checkboxes(_l("Sanctions"), choices=[], validate_choice=False, render_kw={"class": "checks"})
    illegal_income = StringField(_l("Illegal income (¥)"))
    fine = StringField(_l("Fine (¥)"))
    confiscation = StringField(_l("Confiscated (¥)"))
    refund_order = TextAreaField(_l("Refund order"))


class PaymentForm(BaseForm):
    version = HiddenField()
    amount = StringField(_l("Amount (¥)"))
    paid_on = StringField(_l("Paid on"), render_kw={"type": "date"})
    receipt_number = StringField(_l("Receipt number"))


class ChecklistItemForm(BaseForm):
    category = SelectField(_l("Category"), choices=[], validate_choice=False)
    key = StringField(_l("Key"))
    label_zh = StringField(_l("Item (Chinese)"))
    label_en = StringField(_l("Item (English)"))
    legal_basis = StringField(_l("Legal basis"))
    bulletin_group = SelectField(_l("Counts in the bulletin as"), choices=[], validate_choice=False)
    position = IntegerField(lazy_pgettext("checklist", "Position"), default=100)
    active = BooleanField(_l("In use"), default=True)


def item_label(item) -> str:
    return item.label_en if str(get_locale()) == "en" else item.label_zh
