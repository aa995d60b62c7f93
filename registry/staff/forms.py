"""The staff area's forms and the words its pages show for codes."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import FileField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields import BooleanField

from registry.core.forms import BaseForm, choices

ROLE_LABELS = {"teaching": _l("Teaching"), "teaching_research": _l("Teaching research"),
               "management": _l("Management"), "other": _l("Other")}
CHECK_LABELS = {"passed": _l("Check passed"),  # "Passed" is a grade (合格) in the annual inspection
                "refused": _l("Refused"), "pending": _l("Pending")}
SEX_LABELS = {"M": _l("Male"), "F": _l("Female")}
# The public display of a licensed institution's teaching staff (the public lookup).
QUALIFIED_LABELS = {"yes": _l("qualified"), "no": _l("no qualification")}
FINDING_LABELS = {
    "in_service_teacher": _l("In-service school teacher"),
    "no_check": _l("No passed background check"),
    "unqualified": _l("Teaching without a qualification"),
    "check_expired": _l("Background check out of date"),
    "several_rosters": _l("On several institutions' staff"),
    "part_time_majority": _l("Too few full-time teaching staff"),
}
STAFF_ACTION_LABELS = {"staff.add": _l("Added to the staff"), "staff.rehire": _l("Hired again"),
                       "staff.end": _l("Employment ended"), "staff.update": _l("Record changed"), "staff.reveal": _l("ID number shown in full"),
                       "staff.import": _l("Imported"), "staff.teacher_match": _l("Found on the in-service teachers' roster")}


class MemberForm(BaseForm):
    version = HiddenField()
    name = StringField(_l("Name"))
    id_number = StringField(_l("ID number"))
    nationality = StringField(_l("Nationality"), default="中国")
    role = SelectField(_l("Role"), choices=[])
    subjects = StringField(_l("Subjects"))
    full_time = SelectField(_l("Employment"), choices=[])
    hired_on = StringField(_l("Hired on"))
    teacher_cert = StringField(_l("Teacher qualification certificate number"))
    professional_cert = StringField(_l("Professional certificate"))
    certificate_on = StringField(_l("Date of the certificate of no criminal record"))
    check_result = SelectField(_l("Background check"), choices=[])
    checked_on = StringField(_l("Checked on"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = choices([("", "—"), *ROLE_LABELS.items()])
        self.full_time.choices = choices([("full_time", _l("Full time")), ("part_time", _l("Part time"))])
        self.check_result.choices = choices(CHECK_LABELS.items())


class EndForm(BaseForm):
    version = HiddenField()
    left_on = StringField(_l("Last day"))
    reason = TextAreaField(_l("Reason"))


class RevealForm(BaseForm):
    confirm = BooleanField(_l("I need the whole number for this case"))


class ImportForm(BaseForm):
    file = FileField(_l("CSV file"))
    skip_invalid = BooleanField(_l("Import the good rows and list the bad ones"))
    end_missing = BooleanField(_l("End the employment of staff missing from the file"))
