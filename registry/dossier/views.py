"""One institution's page: the register's record and lifecycle, then each area's panel (escrow, grid, enforcement),
each panel given by its area (`escrow_panel`, `grid_panel`, `enforcement_panel`). The route keeps the register's
endpoint name, `register.institution`, which every page links to."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from registry.register import services
from registry.register.forms import TRANSITION_LABELS
from registry.register.rules import TRANSITIONS, Status
from registry.register.views import bp


@bp.get("/institutions/<int:institution_id>")
@login_required
def institution(institution_id: int):
    record = services.get_institution(current_user, institution_id)
    transitions = [s.value for s in sorted(TRANSITIONS[record.status], key=list(Status).index)
                   if not (s is Status.converted and record.category != "academic")]
    history = services.history(current_user, institution_id)
    return render_template("dossier/institution.html", institution=record, history=history,
                           successor=services.successor(record), transitions=transitions,
                           transition_labels=TRANSITION_LABELS, places=_places(history["entries"]))


def _places(entries) -> dict:
    """The departments and districts the history's changes name, to show by name (looked up only when named)."""
    changed = {name for entry in entries if entry.before is not None for name in entry.changed_fields}
    return {"departments": {d.code: d for d in services.departments()} if "department_code" in changed else {},
            "districts": {d.code: d for d in services.districts()} if "district" in changed else {}}
