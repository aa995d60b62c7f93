from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField

from registry.core.forms import BaseForm, choices
from registry.grid import rules

CHECKLIST_LABELS = {key: _l(label) for key, label in rules.CHECKLIST_LABELS.items()}
# "item:yes" / "item:no" → the item's own words for that answer (the form's radio values, the visit page's answers)
ANSWER_WORDS = {f"{key}:{'yes' if answer else 'no'}": _l(words)
                for key, answers in rules.ANSWER_LABELS.items() for answer, words in answers.items()}
# a level's name (区县, 街道, 社区, 网格) by its message id (rules.level_name)
LEVEL_NAMES = {name: _l(name) for name in rules.LEVEL_NAMES}
OUTCOME_LABELS = {key: _l(label) for key, label in rules.OUTCOME_LABELS.items()}
VISIT_FLAG_LABELS = {key: _l(label) for key, label in rules.FLAG_LABELS.items()}
GRID_ACTION_LABELS = {"cell.import": _l("Cells imported"), "grid.assign_worker": _l("Grid worker assigned"),
                      "grid.remove_worker": _l("Grid worker removed"), "grid.confirm": _l("Cell confirmed by the grid leader"),
                      "visit.record": _l("Visit recorded"), "grid.assign_cells": _l("Institutions assigned to cells")}


class CellImportForm(BaseForm):
    code_property = StringField(_l("Property holding the code"), default="adcode")
    name_property = StringField(_l("Property holding the name"), default="name")
    parent = StringField(_l("Parent cell code (optional)"))
    repair = BooleanField(_l("Repair invalid geometries"))
    allow_overlaps = BooleanField(_l("Import even when cells of the same level overlap"))


class WorkerForm(BaseForm):
    username = SelectField(_l("Grid worker"), choices=[])
    leader = BooleanField(_l("Grid leader (网格长) of this cell"))


class RemoveWorkerForm(BaseForm):
    username = HiddenField()


class VisitForm(BaseForm):
    """The visit form; the page's script fills the position and keeps a draft on the phone."""

    client_id = HiddenField()
    position_source = HiddenField(default="gps")
    latitude = StringField(_l("Latitude"))
    longitude = StringField(_l("Longitude"))
    accuracy = StringField(_l("Accuracy (m)"))
    visited_at = StringField(_l("Time of the visit"), render_kw={"type": "datetime-local"})
    outcome = RadioField(_l("Could you inspect?"), choices=choices(OUTCOME_LABELS.items()), default=rules.INSPECTED)
    outcome_reason = TextAreaField(_l("Why you could not inspect"), render_kw={"rows": 2})
    notes = TextAreaField(_l("Notes"))
    report = BooleanField(_l("Report a problem to the supervising department"))
