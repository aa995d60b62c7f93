"""The staff area's pages: an institution's roster, adding and ending a staff member, a staff member's page (with the
audited reveal of the ID number), the findings of every roster and the in-service teachers found."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from registry.core import authz
from registry.core.errors import Conflict, Invalid
from registry.core.models import local_today
from registry.core.problems import translate
from registry.core.web import page_arg, translated
from registry.register import services as register
from registry.staff import importing, rules, services
from registry.staff.fields import FIELDS
from registry.staff.forms import (CHECK_LABELS, FINDING_LABELS, QUALIFIED_LABELS, ROLE_LABELS, SEX_LABELS,
                                  STAFF_ACTION_LABELS, EndForm, ImportForm, MemberForm, RevealForm)

bp = Blueprint("staff", __name__)


@bp.app_context_processor
def helpers():
    return {
        **translated(ROLE_LABELS=ROLE_LABELS, CHECK_LABELS=CHECK_LABELS, SEX_LABELS=SEX_LABELS,
                     FINDING_LABELS=FINDING_LABELS, STAFF_ACTION_LABELS=STAFF_ACTION_LABELS,
                     QUALIFIED_LABELS=QUALIFIED_LABELS),
        "staff_panel": staff_panel,
        "describe_staff_finding": lambda finding: translate(rules.describe(finding)),
    }


def staff_panel(institution):
    """What the institution page's staff panel shows, or None when the user may not see the staff."""
    if not authz.can(current_user, "staff.view", institution):
        return None
    return services.roster(current_user, institution.id)


def _status(form) -> int:
    """422 for a form shown again with errors, so the request rolls back and clients can tell."""
    return 422 if form.errors or form.form_errors else 200


@bp.get("/institutions/<int:institution_id>/staff")
@login_required
def roster(institution_id: int):
    return render_template("staff/roster.html", roster=services.roster(current_user, institution_id),
                           institution=register.get_institution(current_user, institution_id, "staff.view"))


@bp.route("/institutions/<int:institution_id>/staff/new", methods=["GET", "POST"])
@login_required
def add(institution_id: int):
    institution = register.get_institution(current_user, institution_id, "staff.edit")
    form = MemberForm()
    if request.method == "GET":
        form.checked_on.data = ""
    if form.validate_on_submit():
        values = form.values(FIELDS)
        values["full_time"] = form.full_time.data == "full_time"
        try:
            member = services.add_member(current_user, institution.id, values)
        except Invalid as error:
            form.take_errors(error)
        else:
            flash(gettext("%(name)s is on the staff of %(institution)s.", name=member.name,
                          institution=institution.name), "success")
            return redirect(url_for("staff.member", staff_id=member.id))
    return render_template("staff/form.html", form=form, institution=institution, member=None), _status(form)


def _form_values(member) -> dict:
    values = {name: getattr(member, name) for name in FIELDS if name != "full_time"}
    values.update(role=member.role.value, check_result=member.check_result.value, version=member.version,
                  full_time="full_time" if member.full_time else "part_time")
    return {name: (value.isoformat() if hasattr(value, "isoformat") else value if value is not None else "")
            for name, value in values.items()}


@bp.route("/staff/<int:staff_id>/edit", methods=["GET", "POST"])
@login_required
def edit_member(staff_id: int):
    member = services.get_member(current_user, staff_id, "staff.edit")
    form = MemberForm(data=_form_values(member)) if request.method == "GET" else MemberForm()
    if form.validate_on_submit():
        values = form.values(FIELDS)
        values["full_time"] = form.full_time.data == "full_time"
        try:
            services.update_member(current_user, staff_id, values, version=form.version.data)
        except Conflict as error:
            flash(error.message, "error")
            return redirect(url_for("staff.member", staff_id=staff_id))
        except Invalid as error:
            form.take_errors(error)
        else:
            flash(gettext("Saved."), "success")
            return redirect(url_for("staff.member", staff_id=staff_id))
    return render_template("staff/form.html", form=form, institution=member.institution, member=member), _status(form)


def _member_page(member, *, revealed: str | None = None, status: int = 200):
    return render_template("staff/member.html", member=member, institution=member.institution,
                           findings=services.member_findings(member), match=services.match_of(member),
                           history=services.history(member) if authz.can(current_user, "staff.edit", member.institution) else [],
                           revealed=revealed, reveal_form=RevealForm()), status


@bp.get("/staff/<int:staff_id>")
@login_required
def member(staff_id: int):
    return _member_page(services.get_member(current_user, staff_id))


@bp.post("/staff/<int:staff_id>/reveal")
@login_required
def reveal(staff_id: int):
    member = services.get_member(current_user, staff_id, "staff.reveal")
    form = RevealForm()
    if not form.validate_on_submit() or not form.confirm.data:
        form.confirm.errors = [gettext("Tick the box to confirm.")]
        return render_template("staff/member.html", member=member, institution=member.institution,
                               findings=services.member_findings(member), match=services.match_of(member),
                               history=services.history(member), revealed=None, reveal_form=form), 422
    return _member_page(member, revealed=services.reveal_id(current_user, staff_id))


@bp.route("/staff/<int:staff_id>/end", methods=["GET", "POST"])
@login_required
def end(staff_id: int):
    member = services.get_member(current_user, staff_id, "staff.edit")
    form = EndForm(data={"version": member.version, "left_on": local_today().isoformat()}
                   if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.end_member(current_user, staff_id, left_on=form.left_on.data, reason=form.reason.data or "",
                                version=form.version.data)
        except Conflict as error:
            flash(error.message, "error")
            return redirect(url_for("staff.member", staff_id=staff_id))
        except Invalid as error:
            form.take_errors(error)
        else:
            flash(gettext("The employment of %(name)s has ended.", name=member.name), "success")
            return redirect(url_for("staff.roster", institution_id=member.institution_id))
    return render_template("staff/end.html", form=form, member=member, institution=member.institution), _status(form)


@bp.get("/staff/findings")
@login_required
def findings():
    filters = {"kind": request.args.get("kind", ""), "department": request.args.get("department", ""),
               "district": request.args.get("district", "")}
    page, counts = services.list_findings(current_user, kind=filters["kind"] or None,
                                          department=filters["department"] or None,
                                          district=filters["district"] or None, page=page_arg())
    return render_template("staff/findings.html", page=page, counts=counts, filters=filters,
                           scope=authz.institution_scope(current_user), departments=register.departments(),
                           matches=services.list_matches(current_user, per_page=20))


@bp.get("/staff/matches")
@login_required
def matches():
    return render_template("staff/matches.html", page=services.list_matches(current_user, page=page_arg()))


IMPORT_RIGHTS = {"staff": "staff.import", "teachers": "teacher.import"}


@bp.route("/staff/import/<kind>", methods=["GET", "POST"])
@login_required
def import_file(kind: str):
    if kind not in IMPORT_RIGHTS:
        abort(404)
    authz.require(current_user, IMPORT_RIGHTS[kind])
    form = ImportForm()
    report, status = None, 200
    if form.validate_on_submit():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            form.form_errors.append(gettext("Choose a CSV file."))
        else:
            options = {"end_missing": bool(form.end_missing.data)} if kind == "staff" else {}
            run = importing.import_staff if kind == "staff" else importing.import_teachers
            try:
                report = run(current_user, upload.read(), skip_invalid=bool(form.skip_invalid.data),
                             source=upload.filename, **options)
            except importing.ImportRefused as refused:
                report, status = refused.report, 422
            except Invalid as error:
                form.form_errors.append(error.message)
    if form.form_errors:
        status = 422
    columns = importing.STAFF_COLUMNS if kind == "staff" else importing.TEACHER_COLUMNS
    required = importing.STAFF_REQUIRED if kind == "staff" else importing.TEACHER_REQUIRED
    return render_template("staff/import.html", form=form, kind=kind, report=report, columns=columns,
                           required=required), status
