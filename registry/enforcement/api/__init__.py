"""Enforcement's JSON API: /api/v1/inspections, /leads, /cases (with /steps), /fines (with /payments), /checklists and
/violation-types, in the style of the register's endpoints; one module per kind of record, each adding its routes to
the API blueprint and its part to the OpenAPI document."""
from registry.enforcement.api import inspections, leads, cases, fines, reference  # noqa: F401  (in the order of the document)
