from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField

from registry.core.forms import BaseForm, choices

CATEGORY_LABELS = {"academic": _l("Academic"), "tech": _l("Tech"), "arts": _l("Arts"), "sports": _l("Sports")}
STATUS_LABELS = {
    "applied": _l("Applied"), "licensed": _l("Licensed"), "rejected": _l("Rejected"), "suspended": _l("Suspended"),
    "revoked": _l("Revoked"), "deregistered": _l("Deregistered"), "converted": _l("Converted"),
}
TEACHING_MODE_LABELS = {"offline": _l("Offline"), "online": _l("Online")}
# The verb on the button that moves an institution to each status.
TRANSITION_LABELS = {
    "licensed": _l("Issue permit / reinstate"), "rejected": _l("Reject application"), "suspended": _l("Suspend"),
    "revoked": _l("Revoke permit"), "deregistered": _l("Deregister"), "converted": _l("Convert to non-academic"),
}
# What each audit action and field is called in the history of changes.
ACTION_LABELS = {
    "institution.register": _l("Registered"), "institution.update": _l("Details changed"),
    "institution.import": _l("Imported"), "institution.register_conversion": _l("Registered by conversion"),
    "institution.licensed": _l("Permit issued or reinstated"), "institution.rejected": _l("Application rejected"),
    "institution.suspended": _l("Suspended"), "institution.revoked": _l("Permit revoked"),
    "institution.deregistered": _l("Deregistered"), "institution.converted": _l("Converted"),
}
FIELD_LABELS = {
    "name": _l("Name"), "credit_code": _l("Credit code"), "category": _l("Category"), "department_code": _l("Department"),
    "permit_number": _l("Permit number"), "address": _l("Address"), "district": _l("District"),
    "latitude": _l("Latitude"), "longitude": _l("Longitude"), "legal_representative": _l("Legal representative"),
    "contact_phone": _l("Contact phone"), "floor_area": _l("Floor area (m²)"), "capacity": _l("Capacity (students)"),
    "teaching_mode": _l("Teaching mode"), "status": _l("Status"), "licensed_on": _l("Licensed on"),
    "status_since": _l("Status since"), "registration_reason": _l("Reason for registering"), "flags": _l("Flags"),
    "version": _l("Record version"), "converted_from_id": _l("Converted from"),
}


class InstitutionForm(BaseForm):
    """Every field is text here: the register's rules check and convert them, alike for the form, API and import."""

    name = StringField(_l("Name"))
    credit_code = StringField(_l("Credit code"), render_kw={"maxlength": 18, "autocapitalize": "characters", "spellcheck": "false"})
    category = SelectField(_l("Category"), choices=choices([("", "—")] + list(CATEGORY_LABELS.items())), validate_choice=False)
    registration_reason = TextAreaField(_l("Reason for registering (academic institutions)"), render_kw={"rows": 2})
    permit_number = StringField(_l("Permit number"), render_kw={"placeholder": "教民3303027000001"})
    status = SelectField(_l("Status on registration"), choices=choices([("applied", STATUS_LABELS["applied"]),
                                                                        ("licensed", _l("Licensed already (permit issued)"))]),
                         validate_choice=False)
    licensed_on = StringField(_l("Licensed on"), render_kw={"type": "date"})
    address = StringField(_l("Address"))
    district = SelectField(_l("District"), choices=[], validate_choice=False)
    latitude = StringField(_l("Latitude"), render_kw={"inputmode": "decimal"})
    longitude = StringField(_l("Longitude"), render_kw={"inputmode": "decimal"})
    legal_representative = StringField(_l("Legal representative"))
    contact_phone = StringField(_l("Contact phone"), render_kw={"inputmode": "tel"})
    floor_area = StringField(_l("Floor area (m²)"), render_kw={"inputmode": "decimal"})
    capacity = StringField(_l("Capacity (students)"), render_kw={"inputmode": "numeric"})
    teaching_mode = SelectField(_l("Teaching mode"), choices=choices(TEACHING_MODE_LABELS.items()), validate_choice=False)
    version = HiddenField()


class TransitionForm(BaseForm):
    to = HiddenField()
    reason = TextAreaField(_l("Reason"), render_kw={"rows": 3})
    effective_on = StringField(_l("Effective on"), render_kw={"type": "date"})
    permit_number = StringField(_l("Permit number issued"))
    new_category = SelectField(_l("Converts to"), choices=choices([("", "—"), ("tech", CATEGORY_LABELS["tech"]),
                                                                  ("arts", CATEGORY_LABELS["arts"]), ("sports", CATEGORY_LABELS["sports"])]),
                               validate_choice=False)
    version = HiddenField()
    confirm = BooleanField(_l("I understand that this cannot be undone."))


class ImportForm(BaseForm):
    skip_invalid = SelectField(_l("When a row is bad"), choices=choices([("", _l("import nothing")), ("1", _l("import the good rows"))]),
                               validate_choice=False)
