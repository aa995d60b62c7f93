"""The form base: strips whitespace, and takes a service's field errors onto its fields."""
from __future__ import annotations

from flask_babel import gettext
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from registry.core.errors import Invalid


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = list(unbound_field.kwargs.get("filters", []))
            filters.append(_strip)
            return unbound_field.bind(form=form, filters=filters, **options)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:  # PostgreSQL refuses NUL in any text; say so beside the field, keeping what was typed
            if isinstance(field.data, str) and "\x00" in field.data:
                field.errors = [*field.errors, gettext("Contains a NUL character, which no field accepts.")]
                valid = False
        return valid

    def values(self, names) -> dict:
        return {name: self[name].data for name in names if name in self}

    def take_errors(self, error: Invalid) -> None:
        """Show a service's validation errors beside the fields they belong to."""
        unplaced = []
        for name, messages in error.fields.items():
            if name in self and self[name].type not in ("HiddenField", "CSRFTokenField"):  # shown beside it
                self[name].errors = list(self[name].errors or []) + list(messages)
            else:
                unplaced.extend(messages)
        self.form_errors = list(self.form_errors) + unplaced + ([] if error.fields else [error.message])


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
