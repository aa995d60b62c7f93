"""The annual inspection's forms and labels. The review form is built from the standard in force: a points-lost and
a reason field per scored item, a box per item that fails the whole inspection."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField

from registry.core.forms import BaseForm, choices

GRADE_LABELS = {"pass": _l("Passed"), "basic": _l("Basically passed"), "fail": _l("Failed"), "absent": _l("Did not take part")}
STATE_LABELS = {"due": _l("Due this year"), "exempt": _l("Exempt"), "reviewed": _l("Reviewed"), "closed": _l("Closed (institution ended)")}
EXEMPT_LABELS = {"licensed_after_cutoff": _l("Licensed after the cut-off day")}
PROPOSAL_LABELS = {"suspend": _l("Suspension (stop enrolling and training)"), "revoke": _l("Revocation of the permit")}
PROPOSAL_STATE_LABELS = {"proposed": _l("Proposed, awaiting an officer"), "confirmed": _l("Confirmed"),
                         "declined": _l("Declined")}
MATERIAL_LABELS = {
    "annual_report": _l("Annual work report"), "audit_report": _l("Financial audit report"),
    "fee_contracts": _l("Fee standards and contracts used"), "enrolment": _l("Students enrolled at year end"),
    "staff": _l("Teaching staff and staff register"), "premises_fire": _l("Premises and fire-safety certificates"),
    "escrow_statement": _l("Prepaid-fee account statement"),
}
# The progress page's figures, each a link to its list.
SHOW_LABELS = {
    "all": _l("All listed"), "due": _l("Due this year"), "exempt": _l("Exempt"), "pending": _l("Not yet reviewed"),
    "materials_complete": _l("Materials complete"), "materials_missing": _l("Materials missing"),
    "reviewed": _l("Reviewed"), "pass": _l("Passed"), "basic": _l("Basically passed"), "fail": _l("Failed"),
    "absent": _l("Did not take part"), "rectification_overdue": _l("Rectifications overdue"),
    "proposed": _l("Suspension or revocation proposed"), "late": _l("Results after the deadline"),
    "closed": _l("Closed (institution ended)"),
}
FACT_LABELS = {  # the facts other areas give (registry/dossier/annual_facts.py), marked there with N_
    "Penalty case": _l("Penalty case"), "Fine not paid in full": _l("Fine not paid in full"),
    "Inspection with failed items": _l("Inspection with failed items"), "Lead closed as founded": _l("Lead closed as founded"),
    "Escrow warning": _l("Escrow warning"), "Escrow violation": _l("Escrow violation"), "Escrow frozen": _l("Escrow frozen"),
    "Site visit flagged or not inspected": _l("Site visit flagged or not inspected"),
}


class CampaignForm(BaseForm):
    year = StringField(_l("Year inspected"))
    materials_deadline = StringField(_l("Deadline for materials"), render_kw={"type": "date"})
    results_deadline = StringField(_l("Deadline for results"), render_kw={"type": "date"})
    area = SelectField(_l("Area"), choices=[], validate_choice=False)
    department = SelectField(_l("Department"), choices=[], validate_choice=False)


class MaterialForm(BaseForm):
    kind = SelectField(_l("Material"), choices=[], validate_choice=False)
    received_on = StringField(_l("Received on"), render_kw={"type": "date"})
    note = StringField(_l("Note"))


class CorrectionForm(BaseForm):
    version = HiddenField()
    grade = SelectField(_l("Corrected grade"), choices=[], validate_choice=False)
    reason = TextAreaField(_l("Reason for the correction"))
    rectification = TextAreaField(_l("Rectification required"))
    rectification_deadline = StringField(_l("Rectification deadline"), render_kw={"type": "date"})


class RectifiedForm(BaseForm):
    version = HiddenField()
    rectified_on = StringField(_l("Rectified on"), render_kw={"type": "date"})


class ProposalForm(BaseForm):
    version = HiddenField()
    decision = SelectField(_l("Decision on the proposal"), choices=choices([("confirm", _l("Confirm")), ("decline", _l("Decline"))]),
                           validate_choice=False)
    reason = TextAreaField(_l("Reason"))


def review_form_class(standard) -> type[BaseForm]:
    """A review form for `standard`: fields `lost_<key>` and `reason_<key>` per scored item, `failing_<key>` per
    item that fails the whole inspection."""
    fields = {
        "version": HiddenField(),
        "reviewed_on": StringField(_l("Reviewed on"), render_kw={"type": "date"}),
        "signed_by": StringField(_l("Signing officer (username)")),
        "cosigned_by": StringField(_l("Second signing officer (username)")),
        "absent": BooleanField(_l("Did not take part (未参检)")),
        "refused": BooleanField(_l("Refused to take part")),
        "rectification": TextAreaField(_l("Rectification required")),
        "rectification_deadline": StringField(_l("Rectification deadline"), render_kw={"type": "date"}),
    }
    for item in standard:
        if item.fails_whole:
            fields[f"failing_{item.key}"] = BooleanField(item.key)
        else:
            fields[f"lost_{item.key}"] = StringField(item.key, render_kw={"inputmode": "numeric"})
        fields[f"reason_{item.key}"] = StringField(_l("Reason"))
    return type("ReviewForm", (BaseForm,), fields)


def review_values(form, standard) -> dict:
    """The service's input from a review form."""
    return {
        **form.values(("reviewed_on", "signed_by", "cosigned_by", "absent", "refused", "rectification",
                       "rectification_deadline")),
        "lost": {i.key: form[f"lost_{i.key}"].data or "" for i in standard if not i.fails_whole},
        "failing": [i.key for i in standard if i.fails_whole and form[f"failing_{i.key}"].data],
        "reasons": {i.key: form[f"reason_{i.key}"].data or "" for i in standard},
    }


def item_field(key: str, standard) -> str:
    """The form field a service's problem with item `key` is shown beside."""
    for item in standard:
        if item.key == key:
            return f"failing_{key}" if item.fails_whole else f"lost_{key}"
    return key
