"""/api/v1/leads: tips from the hotline, and findings of an inspection referred to a department
(/api/v1/inspections/<id>/leads); assigned, handled and closed."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext
from flask_login import current_user, login_required

from registry.core.api import CURRENT_JSON, OPENAPI_PATHS, OPENAPI_SCHEMAS, bp, id_arg, json_body, page_args
from registry.core.errors import Invalid
from registry.core.messages import shown
from registry.core.openapi import error, json_content, ref
from registry.enforcement import services
from registry.enforcement.api.common import (DATE, INT, NULL_DATE, NULL_INT, PAGING, READ_ERRORS, TEXT, WRITE_ERRORS,
                                             created, id_param, iso_day, list_of, ok, page_json, param)
from registry.enforcement.models import Lead
from registry.enforcement.rules import LeadOutcome, LeadSource, LeadState


def lead_json(lead: Lead) -> dict:
    return {
        "id": lead.id, "tracking_number": lead.tracking_number, "source": lead.source.value,
        "institution_id": lead.institution_id, "subject": lead.subject, "subject_address": lead.subject_address,
        "district": lead.institution.district if lead.institution else lead.district,
        "description": shown(lead.description), "reporter_name": lead.reporter_name,
        "department": lead.department_code, "state": lead.state.value,
        "assignee": lead.assignee.username if lead.assignee else None,
        "received_on": iso_day(lead.received_on), "deadline": iso_day(lead.deadline), "overdue": services.lead_overdue(lead),
        "closed_on": iso_day(lead.closed_on), "outcome": lead.outcome.value if lead.outcome else None, "reply": lead.reply,
        "visit_report_id": lead.visit_report_id, "inspection_id": lead.inspection_id, "version": lead.version,
    }


CURRENT_JSON[Lead] = lead_json


@bp.post("/inspections/<int:inspection_id>/leads")
@login_required
def refer_inspection(inspection_id: int):
    lead = services.refer_from_inspection(current_user, inspection_id, json_body())
    return created(lead_json(lead), "api.get_lead", lead_id=lead.id)


@bp.get("/leads")
@login_required
def list_leads():
    page, per_page = page_args()
    filters = services.LeadFilters(state=request.args.get("state", ""), source=request.args.get("source", ""),
                                   overdue=request.args.get("overdue") in ("1", "true"),
                                   institution_id=id_arg("institution_id"), department=request.args.get("department", ""))
    return jsonify(page_json(services.list_leads(current_user, filters=filters, page=page, per_page=per_page), lead_json))


@bp.post("/leads")
@login_required
def create_lead():
    lead = services.record_hotline_lead(current_user, json_body())
    return created(lead_json(lead), "api.get_lead", lead_id=lead.id)


@bp.get("/leads/<int:lead_id>")
@login_required
def get_lead(lead_id: int):
    return jsonify(lead_json(services.get_lead(current_user, lead_id)))


@bp.post("/leads/<int:lead_id>/transitions")
@login_required
def lead_transition(lead_id: int):
    body = json_body()
    to = body.get("to")
    if to == LeadState.assigned:
        lead = services.assign_lead(current_user, lead_id, assignee=str(body.get("assignee") or ""),
                                    version=body.get("version"), note=str(body.get("note") or ""))
    elif to == LeadState.handling:
        lead = services.handle_lead(current_user, lead_id, version=body.get("version"), note=str(body.get("note") or ""))
    elif to == LeadState.closed:
        lead = services.close_lead(current_user, lead_id, outcome=str(body.get("outcome") or ""),
                                   reply=str(body.get("reply") or ""), version=body.get("version"),
                                   closed_on=body.get("closed_on"), case_summary=str(body.get("case_summary") or ""))
    else:
        from registry.core import authz

        authz.require(current_user, "lead.handle", services.get_lead(current_user, lead_id))  # 404/403 first
        raise Invalid(gettext("Please correct the marked fields."), {"to": [gettext("Choose assigned, handling or closed.")]})
    return jsonify(lead_json(lead))


OPENAPI_SCHEMAS.update({
    "Lead": {"type": "object", "required": ["id", "tracking_number", "source", "department", "state", "deadline", "version"],
             "properties": {
                 "id": INT, "tracking_number": TEXT, "source": {"type": "string", "enum": [s.value for s in LeadSource]},
                 "institution_id": NULL_INT, "subject": TEXT, "subject_address": TEXT,
                 "district": {"type": "string", "nullable": True}, "description": TEXT, "reporter_name": TEXT,
                 "department": {**TEXT, "description": "the department it is routed to"},
                 "state": {"type": "string", "enum": [s.value for s in LeadState]},
                 "assignee": {"type": "string", "nullable": True}, "received_on": DATE, "deadline": DATE,
                 "overdue": {"type": "boolean"}, "closed_on": NULL_DATE,
                 "outcome": {"type": "string", "enum": [o.value for o in LeadOutcome], "nullable": True}, "reply": TEXT,
                 "visit_report_id": NULL_INT, "inspection_id": NULL_INT, "version": INT}},
    "LeadInput": {"type": "object", "required": ["description"],
                  "properties": {"institution_id": INT, "subject_name": {**TEXT, "description": "when not in the register"},
                                 "subject_address": TEXT, "district": TEXT, "description": TEXT,
                                 "reporter_name": TEXT, "reporter_phone": TEXT,
                                 "received_on": {**DATE, "description": "the day the call came in (default today)"}}},
    "LeadTransition": {"type": "object", "required": ["to", "version"],
                       "properties": {"to": {"type": "string", "enum": ["assigned", "handling", "closed"]}, "version": INT,
                                      "assignee": {**TEXT, "description": "to: assigned"}, "note": TEXT,
                                      "outcome": {"type": "string", "enum": [o.value for o in LeadOutcome]},
                                      "reply": TEXT, "closed_on": DATE,
                                      "case_summary": {**TEXT, "description": "outcome case_opened: opens the case"}}},
    "LeadList": list_of("Lead"),
    "Referral": {"type": "object", "required": ["department", "description"],
                 "properties": {"department": TEXT, "description": TEXT}},
})


OPENAPI_PATHS.update({
    "/inspections/{inspection_id}/leads": {
        "parameters": [id_param("inspection_id")],
        "post": {"summary": "Refer a finding of the inspection as a lead to a department",
                 "requestBody": {"required": True, **json_content(ref("Referral"))},
                 "responses": {"201": ok("the lead", "Lead"), **READ_ERRORS, "422": error("invalid fields")}},
    },
    "/leads": {
        "get": {"summary": "Leads the caller may see (an officer: routed to their department; a grid worker: their own reports)",
                "parameters": [param("state", {"type": "string", "enum": [s.value for s in LeadState] + ["open"]}),
                               param("source", {"type": "string", "enum": [s.value for s in LeadSource]}),
                               param("overdue", {"type": "boolean"}), param("institution_id", INT), param("department"), *PAGING],
                "responses": {"200": ok("a page", "LeadList"), "401": error("not authenticated"),
                              "403": error("not allowed"), "422": error("invalid filter")}},
        "post": {"summary": "Record a tip from the hotline (routed by the institution's category; market regulation when unknown)",
                 "requestBody": {"required": True, **json_content(ref("LeadInput"))},
                 "responses": {"201": ok("recorded", "Lead"), "401": error("not authenticated"), "403": error("not allowed"),
                               "422": error("invalid fields")}},
    },
    "/leads/{lead_id}": {"parameters": [id_param("lead_id")],
                         "get": {"summary": "One lead", "responses": {"200": ok("the lead", "Lead"), **READ_ERRORS}}},
    "/leads/{lead_id}/transitions": {
        "parameters": [id_param("lead_id")],
        "post": {"summary": "Assign, start handling or close a lead (closing with case_opened opens the case)",
                 "requestBody": {"required": True, **json_content(ref("LeadTransition"))},
                 "responses": {"200": ok("moved", "Lead"), **WRITE_ERRORS}},
    },
})
