"""The escrow's pages: an institution's escrow, its account and status, statements, charges, imports, alerts."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from registry.core import authz
from registry.core.errors import Conflict, Invalid
from registry.core.models import local_today
from registry.core.problems import translate
from registry.core.web import page_arg, translated
from registry.escrow import chart, columns, figures, importing, rules, services
from registry.escrow.forms import ALERT_AMOUNT_HINTS, ALERT_LABELS, CHANNEL_LABELS, CHARGE_FIELD_LABELS, COLUMN_LABELS, ESCROW_ACTION_LABELS, ESCROW_FIELD_LABELS, ESCROW_STATUS_HINTS, ESCROW_STATUS_LABELS, OFFICER_ACTION_LABELS, STATEMENT_FIELD_LABELS, AccountForm, ChargeForm, ImportForm, ResolveForm, StatementForm, StatusForm
from registry.register import services as register
from registry.core.dates import add_months
from registry.core.money import format_yuan, yuan_text

bp = Blueprint("escrow", __name__)

STATEMENT_FIELDS = ("period_start", "period_end") + rules.STATEMENT_AMOUNTS
CHARGE_FIELDS = ("charged_on", "course_start", "student_ref", "amount", "class_hours", "months", "channel", "charge_ref")


@bp.app_template_filter("yuan")
def yuan(fen):
    return format_yuan(fen)


@bp.app_context_processor
def helpers():
    return {
        **translated(ESCROW_STATUS_LABELS=ESCROW_STATUS_LABELS, ESCROW_STATUS_HINTS=ESCROW_STATUS_HINTS,
                     CHANNEL_LABELS=CHANNEL_LABELS, ALERT_LABELS=ALERT_LABELS, ALERT_AMOUNT_HINTS=ALERT_AMOUNT_HINTS),
        "escrow_panel": escrow_panel,
        "describe_flag": lambda flag: translate(rules.describe_flag(flag)),
        "describe_violation": lambda violation: translate(rules.describe_violation(violation)),
        "format_percent": rules.format_percent,
    }


def escrow_panel(institution):
    """What the institution page's escrow panel shows, or None when the user may not see the escrow."""
    if not authz.can(current_user, "escrow.view", institution):
        return None
    overview = services.overview(current_user, institution.id)
    return {"overview": overview, "chart": _chart(institution.id)}


def _chart(institution_id: int):
    return chart.balance_chart(services.chart_points(institution_id),
                               title=gettext("Supervised balance against fees for lessons not yet taught"),
                               balance_label=gettext("Balance"), obligation_label=gettext("Fees not yet taught"))


def _status(form) -> int:
    """422 for a form shown again with errors, so the request rolls back and clients can tell."""
    return 422 if form.errors or form.form_errors else 200



@bp.get("/institutions/<int:institution_id>/escrow")
@login_required
def detail(institution_id: int):
    overview = services.overview(current_user, institution_id)
    violating = request.args.get("violating") == "1"
    charges = services.list_charges(current_user, institution_id=institution_id, violating=True if violating else None,
                                    page=page_arg(), per_page=50)
    return render_template("escrow/detail.html", overview=overview, institution=overview.institution,
                           escrow=overview.escrow, statements=services.statements_of(institution_id), charges=charges,
                           violating=violating, status_changes=services.status_changes(overview.escrow),
                           history=services.history(overview.escrow), chart=_chart(institution_id),
                           actions=_officer_actions(overview), limits=figures.limits(),
                           ESCROW_ACTION_LABELS=ESCROW_ACTION_LABELS,
                           FIELD_LABELS={**ESCROW_FIELD_LABELS, **STATEMENT_FIELD_LABELS, **CHARGE_FIELD_LABELS},
                           OFFICER_ACTION_LABELS=OFFICER_ACTION_LABELS)


def _officer_actions(overview) -> list[str]:
    if not overview.has_account:
        return []
    return [a for a in ("freeze", "unfreeze", "close") if rules.check_officer_action(overview.status, a) is None]


@bp.route("/institutions/<int:institution_id>/escrow/account", methods=["GET", "POST"])
@login_required
def account(institution_id: int):
    institution = register.get_institution(current_user, institution_id, "escrow.edit")
    escrow = services.escrow_of(institution.id)
    form = AccountForm(data=services.account_values(escrow)) if request.method == "GET" else AccountForm()
    opening = escrow is None or not escrow.has_account or escrow.status.value in ("none", "closed")
    if form.validate_on_submit():
        try:
            services.record_account(current_user, institution.id, form.values(services.ACCOUNT_FIELDS),
                                    reason=form.reason.data or "", version=form.version.data)
        except Conflict as error:
            flash(error.message, "error")
            return redirect(url_for("escrow.account", institution_id=institution.id))
        except Invalid as error:
            form.take_errors(error)
        else:
            flash(gettext("The supervised account is recorded.") if opening else gettext("Saved."), "success")
            return redirect(url_for("escrow.detail", institution_id=institution.id))
    return render_template("escrow/account.html", form=form, institution=institution, escrow=escrow,
                           opening=opening), _status(form)


@bp.route("/institutions/<int:institution_id>/escrow/<action>", methods=["GET", "POST"])
@login_required
def change_status(institution_id: int, action: str):
    if action not in OFFICER_ACTION_LABELS:
        abort(404)
    institution = register.get_institution(current_user, institution_id, "escrow.edit")
    escrow = services.escrow_of(institution.id)
    if escrow is None or not escrow.has_account:
        abort(404)
    form = StatusForm(data={"version": escrow.version, "effective_on": local_today().isoformat()}
                      if request.method == "GET" else None)
    if form.validate_on_submit():
        if action == "close" and not form.confirm.data:
            form.confirm.errors = [gettext("Tick the box to confirm.")]
        else:
            try:
                services.change_status(current_user, institution.id, action=action, reason=form.reason.data or "",
                                       effective_on=form.effective_on.data, version=form.version.data)
            except Conflict as error:
                flash(error.message, "error")
                return redirect(url_for("escrow.detail", institution_id=institution.id))
            except Invalid as error:
                form.take_errors(error)
            else:
                flash(gettext("The escrow of %(name)s is now “%(status)s”.", name=institution.name,
                              status=ESCROW_STATUS_LABELS[escrow.status.value]), "success")
                return redirect(url_for("escrow.detail", institution_id=institution.id))
    return render_template("escrow/status.html", form=form, institution=institution, escrow=escrow, action=action,
                           label=OFFICER_ACTION_LABELS[action]), _status(form)


@bp.route("/institutions/<int:institution_id>/escrow/statements/new", methods=["GET", "POST"])
@login_required
def new_statement(institution_id: int):
    institution = register.get_institution(current_user, institution_id, "escrow.edit")
    escrow = services.escrow_of(institution.id)
    if escrow is None or not escrow.has_account:
        flash(gettext("Record the institution's supervised account before its statements."), "error")
        return redirect(url_for("escrow.account", institution_id=institution.id))
    form = StatementForm(data=_next_period(institution.id) if request.method == "GET" else None)
    mismatch = False
    if form.validate_on_submit():
        try:
            statement, outcome = services.record_statement(
                current_user, institution.id, form.values(STATEMENT_FIELDS), accept_mismatch=bool(form.accept_mismatch.data))
        except Invalid as error:
            form.take_errors(error)
            mismatch = "closing_balance" in error.fields and not (form.errors.keys() - {"closing_balance"})
        else:
            messages = {"created": gettext("Statement recorded."), "updated": gettext("The statement of this period was corrected."),
                        "unchanged": gettext("This statement was already recorded with these figures.")}
            flash(messages[outcome], "success")
            for flag in statement.flags or []:
                flash(translate(rules.describe_flag(flag)), "warning")
            return redirect(url_for("escrow.detail", institution_id=institution.id))
    return render_template("escrow/statement_form.html", form=form, institution=institution, escrow=escrow,
                           mismatch=mismatch), _status(form)


def _next_period(institution_id: int) -> dict:
    """The form starts on the month after the latest statement, its opening balance carried over."""
    latest = next(iter(services.statements_of(institution_id)), None)
    if latest is None:
        return {}
    start = latest.period_end + timedelta(days=1)
    end = add_months(start, 1) - timedelta(days=1)
    return {"period_start": start.isoformat(), "period_end": min(end, local_today()).isoformat(),
            "opening_balance": yuan_text(latest.closing_balance)}


@bp.route("/institutions/<int:institution_id>/escrow/charges/new", methods=["GET", "POST"])
@login_required
def new_charge(institution_id: int):
    institution = register.get_institution(current_user, institution_id, "escrow.edit")
    form = ChargeForm()
    if form.validate_on_submit():
        try:
            charge = services.record_charge(current_user, institution.id, form.values(CHARGE_FIELDS))
        except Invalid as error:
            form.take_errors(error)
        else:
            flash(gettext("Charge recorded."), "success")
            for violation in charge.violations:
                flash(translate(rules.describe_violation(violation)), "warning")
            return redirect(url_for("escrow.detail", institution_id=institution.id))
    return render_template("escrow/charge_form.html", form=form, institution=institution,
                           limits=figures.limits()), _status(form)


@bp.route("/escrow/statements/<int:statement_id>/resolve", methods=["GET", "POST"])
@login_required
def resolve_statement(statement_id: int):
    statement = services.get_statement(current_user, statement_id, "escrow.edit")
    institution = register.get_institution(current_user, statement.institution_id)
    form = ResolveForm()
    if form.validate_on_submit():
        try:
            services.resolve_statement(current_user, statement.id, resolution=form.resolution.data or "")
        except Invalid as error:
            form.take_errors(error)
        else:
            flash(gettext("Resolved."), "success")
            return redirect(url_for("escrow.detail", institution_id=institution.id))
    return render_template("escrow/resolve.html", form=form, institution=institution, statement=statement,
                           charge=None), _status(form)


@bp.route("/escrow/charges/<int:charge_id>/resolve", methods=["GET", "POST"])
@login_required
def resolve_charge(charge_id: int):
    charge = services.get_charge(current_user, charge_id, "escrow.edit")
    institution = register.get_institution(current_user, charge.institution_id)
    form = ResolveForm()
    if form.validate_on_submit():
        try:
            services.resolve_charge(current_user, charge.id, resolution=form.resolution.data or "")
        except Invalid as error:
            form.take_errors(error)
        else:
            flash(gettext("Resolved."), "success")
            return redirect(url_for("escrow.detail", institution_id=institution.id))
    return render_template("escrow/resolve.html", form=form, institution=institution, statement=None,
                           charge=charge), _status(form)


@bp.get("/escrow/alerts")
@login_required
def alerts():
    authz.require(current_user, "escrow.list")
    args = {name: request.args.get(name, "") for name in ("kind", "department", "district")}
    result = figures.alerts(current_user, **args, page=page_arg(), per_page=50)
    scope = authz.institution_scope(current_user)
    return render_template("escrow/alerts.html", page=result, filters=args, scope=scope,
                           districts=register.districts(), departments=register.departments(),
                           overdue_months=figures.limits().statement_overdue_months)


@bp.get("/escrow/import")
@login_required
def import_start():
    authz.require(current_user, "escrow.import")
    return redirect(url_for("escrow.import_file", kind="statements"))


REMEMBERED_HEADER = 100  # characters of a column's header name, at most


@bp.route("/escrow/import/<kind>", methods=["GET", "POST"])
@login_required
def import_file(kind: str):
    authz.require(current_user, "escrow.import")
    if kind not in columns.COLUMNS:
        abort(404)
    form = ImportForm()
    remembered = session.get(f"escrow_mapping_{kind}", {})
    mapping = {column: request.form.get(f"map_{column}", "").strip() for column in columns.COLUMNS[kind]} \
        if request.method == "POST" else {column: remembered.get(column, "") for column in columns.COLUMNS[kind]}
    report = None
    mapping_errors: list[str] = []
    status = 200
    if form.validate_on_submit():
        # Remembered in the session cookie (4 KB in all): a header name, not whatever was typed in the box.
        session[f"escrow_mapping_{kind}"] = {k: v for k, v in mapping.items() if v and len(v) <= REMEMBERED_HEADER}
        upload = request.files.get("file")
        run = importing.import_statements if kind == "statements" else importing.import_charges
        if upload is None or not upload.filename:
            form.form_errors.append(gettext("Choose a CSV file."))
        else:
            try:
                report = run(current_user, upload.read(), skip_invalid=bool(form.skip_invalid.data),
                             source=upload.filename, mapping={k: v for k, v in mapping.items() if v})
            except importing.ImportRefused as refused:
                report = refused.report
                status = 422
            except Invalid as error:
                mapping_errors = error.fields.get("mapping", [])
                if not mapping_errors:
                    form.form_errors.append(error.message)
    if form.form_errors or mapping_errors:
        status = 422
    return render_template("escrow/import.html", form=form, kind=kind, report=report, columns=columns.COLUMNS[kind],
                           required=columns.REQUIRED[kind], mapping=mapping, mapping_errors=mapping_errors,
                           COLUMN_LABELS=COLUMN_LABELS), status


@bp.get("/escrow/import/<kind>/template.csv")
@login_required
def import_template(kind: str):
    authz.require(current_user, "escrow.import")
    if kind not in columns.COLUMNS:
        abort(404)
    return Response("\ufeff" + columns.template_csv(kind), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename=escrow-{kind}-template.csv"})
