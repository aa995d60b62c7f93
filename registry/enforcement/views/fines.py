"""Fines: the list with its totals, one fine and its payments."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from registry.core import authz
from registry.core.errors import Invalid
from registry.core.models import local_today
from registry.core.web import page_arg
from registry.enforcement import services
from registry.enforcement.forms import PaymentForm
from registry.enforcement.views.common import bp, day_arg, form_status
from registry.register import services as register


@bp.get("/fines")
@login_required
def fines():
    filters = services.FineFilters(state=request.args.get("state", ""), department=request.args.get("department", ""),
                                   district=request.args.get("district", ""), start=day_arg("start"), end=day_arg("end"))
    page, totals = services.list_fines(current_user, filters=filters, page=page_arg())
    return render_template("enforcement/fines.html", page=page, totals=totals, filters=filters,
                           districts=register.districts(), departments=register.departments())


@bp.route("/fines/<int:fine_id>", methods=["GET", "POST"])
@login_required
def fine(fine_id: int):
    record = services.get_fine(current_user, fine_id)
    form = PaymentForm()
    if request.method == "POST":
        authz.require(current_user, "fine.pay", record)
        if form.validate_on_submit():
            try:
                services.record_payment(current_user, record.id, form.values(("amount", "paid_on", "receipt_number")),
                                        version=form.version.data)
            except Invalid as error:
                form.take_errors(error)
            else:
                flash(gettext("Payment recorded."), "success")
                return redirect(url_for("enforcement.fine", fine_id=record.id))
    else:
        form.paid_on.data = local_today().isoformat()
    form.version.data = record.version
    return render_template("enforcement/fine.html", fine=record, form=form,
                           can_pay=authz.can(current_user, "fine.pay", record) and record.outstanding > 0), form_status(form)
