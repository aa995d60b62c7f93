"""The inspection checklists, kept by administrators."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from registry.core import authz
from registry.core.errors import Invalid
from registry.core.forms import choices
from registry.enforcement import services
from registry.enforcement.forms import ChecklistItemForm, GROUP_LABELS, item_label
from registry.enforcement.views.common import bp, form_status


@bp.get("/checklists")
@login_required
def checklists():
    authz.require(current_user, "checklist.manage")
    return render_template("enforcement/checklists.html", items=services.all_items())


@bp.route("/checklists/new", methods=["GET", "POST"], defaults={"item_id": None})
@bp.route("/checklists/<int:item_id>", methods=["GET", "POST"])
@login_required
def checklist_item(item_id: int | None):
    authz.require(current_user, "checklist.manage")
    item = services.get_item(item_id) if item_id is not None else None
    form = ChecklistItemForm(obj=item if request.method == "GET" else None)
    from registry.register.forms import CATEGORY_LABELS

    form.category.choices = choices(list(CATEGORY_LABELS.items()))
    form.bulletin_group.choices = choices([("", gettext("Not counted"))] + list(GROUP_LABELS.items()))
    if form.validate_on_submit():
        raw = form.values(("category", "key", "label_zh", "label_en", "legal_basis", "bulletin_group", "position"))
        raw["active"] = bool(form.active.data)
        try:
            saved = services.save_item(current_user, raw, item_id=item_id)
        except Invalid as error:
            form.take_errors(error)
        else:
            flash(gettext("Checklist item saved: %(item)s.", item=item_label(saved)), "success")
            return redirect(url_for("enforcement.checklists"))
    return render_template("enforcement/checklist_item.html", form=form, item=item), form_status(form)
