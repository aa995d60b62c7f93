"""Login, logout, the language switch, and the admins' users pages."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, login_user, logout_user

from registry.accounts import services
from registry.accounts.forms import ROLE_LABELS, LoginForm, PasswordChangeForm, UserForm
from registry.core.errors import Invalid
from registry.core.forms import choices
from registry.extensions import limiter
from registry.register import services as register_services

bp = Blueprint("accounts", __name__)


@bp.app_template_global()
def who(entry) -> str:
    """The person an audit entry names, as every page names people (the lifecycle, lead timelines)."""
    return services.shown_name(entry.actor_id, entry.actor)


def safe_next(target: str | None) -> str:
    """Only a path on this site: no scheme, no host, no `//` or backslash tricks, no control character (a line
    break would end the Location header, and browsers drop it to read `/\n/host` as `//host`)."""
    if not target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return url_for("reports.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("reports.home")
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.username.data, form.password.data, request.remote_addr or "")
        except Invalid as error:
            form.take_errors(error)
        else:
            locale = session.get("locale")
            session.clear()  # a fresh session at login: nothing carried over from before
            if locale:
                session["locale"] = locale
            login_user(user)
            session["login"] = services.start_login_session(user)
            return redirect(safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    services.log_out(current_user._get_current_object(), session.get("login"))
    logout_user()
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    return redirect(url_for("accounts.login"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """The signed-in user's account, and their own password change."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_own_password(user, current=form.current_password.data or "", new=form.new_password.data or "",
                                         repeated=form.repeat_password.data or "", login_token=session.get("login"))
        except Invalid as error:
            form.take_errors(error)
        else:
            login_user(user)  # this login goes on under the new session generation
            flash(gettext("Your password is changed. Your other logins and API tokens have ended."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, role_labels=ROLE_LABELS), 422 if form.errors else 200


@bp.post("/language")
def language():
    from flask import current_app

    locale = request.form.get("locale", "")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        services.set_locale(current_user, locale)
    return redirect(safe_next(request.form.get("next")))


def _user_form(form: UserForm) -> UserForm:
    form.department.choices = choices([("", gettext("(none)"))] + [
        (d.code, d.name_zh) for d in register_services.departments()])
    return form


@bp.get("/users")
@login_required
def users():
    return render_template("accounts/users.html", users=services.list_users(current_user), role_labels=ROLE_LABELS)


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
def new_user():
    services.list_users(current_user)  # checks the right before showing the form
    form = _user_form(UserForm())
    if form.validate_on_submit():
        try:
            services.create_user(current_user, username=form.username.data, role=form.role.data,
                                 department_code=form.department.data, display_name=form.display_name.data or "",
                                 password=form.password.data or "")
        except Invalid as error:
            form.take_errors(error)
        else:
            flash(gettext("User %(name)s created.", name=form.username.data), "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=None), 422 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def edit_user(user_id: int):
    user = services.get_user(current_user, user_id)
    form = _user_form(UserForm(obj=user) if request.method == "GET" else UserForm())
    if request.method == "GET":
        form.department.data = user.department_code or ""
        form.role.data = user.role.value
    if form.validate_on_submit():
        try:
            services.update_user(current_user, user.id, role=form.role.data, department_code=form.department.data,
                                 active=form.active.data, display_name=form.display_name.data or "",
                                 password=form.password.data or "")
        except Invalid as error:
            form.take_errors(error)
        else:
            flash(gettext("User %(name)s saved.", name=user.username), "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=user), 422 if form.errors else 200
