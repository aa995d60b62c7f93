"""Enforcement's pages: inspections and re-inspections, leads (with the public form and tracking), penalty cases and
their steps, fines and payments, checklists, and the records behind the bulletin's figures; one module per kind of
record, each adding its pages to the blueprints of `common`."""
from registry.enforcement.views import inspections, leads, cases, fines, checklists, figures, public  # noqa: F401
from registry.enforcement.views.common import bp, enforcement_panel, public_bp  # noqa: F401
