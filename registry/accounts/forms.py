from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import InputRequired

from registry.accounts.models import Role
from registry.core.forms import BaseForm, choices

ROLE_LABELS = {Role.admin: _l("Administrator"), Role.officer: _l("Licensing officer"),
               Role.grid_worker: _l("Grid worker"), Role.market: _l("Market regulation")}


class LoginForm(BaseForm):
    username = StringField(_l("Username"), validators=[InputRequired()], render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField(_l("Password"), validators=[InputRequired()], render_kw={"autocomplete": "current-password"})


class UserForm(BaseForm):
    username = StringField(_l("Username"))
    display_name = StringField(_l("Name shown"))
    role = SelectField(_l("Role"), choices=choices((r.value, label) for r, label in ROLE_LABELS.items()), validate_choice=False)
    department = SelectField(_l("Department"), choices=[], validate_choice=False)
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(_l("Password"), render_kw={"autocomplete": "new-password"})


class PasswordChangeForm(BaseForm):
    current_password = PasswordField(_l("Current password"), render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password"), render_kw={"autocomplete": "new-password"})
    repeat_password = PasswordField(_l("New password again"), render_kw={"autocomplete": "new-password"})
