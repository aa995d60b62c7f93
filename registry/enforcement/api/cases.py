"""/api/v1/cases: penalty cases (立案 to 结案) and their steps."""
from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user, login_required

from registry.core.api import CURRENT_JSON, OPENAPI_PATHS, OPENAPI_SCHEMAS, bp, id_arg, json_body, page_args
from registry.core.openapi import error, json_content, ref
from registry.enforcement import rules, services
from registry.enforcement.api.common import (DATE, INT, MONEY_IN, NULL_DATE, NULL_INT, NULL_YUAN, PAGING, READ_ERRORS,
                                             TEXT, USERNAMES, WRITE_ERRORS, created, id_param, iso_day, list_of, ok,
                                             page_json, param, yuan_or_none)
from registry.enforcement.models import PenaltyCase
from registry.enforcement.rules import Sanction, Step


def step_json(step) -> dict:
    return {"step": step.step.value, "on": iso_day(step.done_on), "people": list(step.people or []),
            "documents": step.documents, "note": step.note}


def case_json(case: PenaltyCase) -> dict:
    fine = services.fine_of(case.id)
    return {
        "id": case.id, "number": case.number, "department": case.department_code, "institution_id": case.institution_id,
        "subject": case.subject, "district": case.institution.district if case.institution else case.district,
        "lead_id": case.lead_id, "inspection_id": case.inspection_id, "summary": case.summary, "step": case.step.value,
        "next_step": rules.next_step(case.step).value if rules.next_step(case.step) else None,
        "violation_type": case.violation_type_code, "sanctions": list(case.sanctions or []),
        "illegal_income": yuan_or_none(case.illegal_income), "fine": yuan_or_none(case.fine_amount),
        "confiscation": yuan_or_none(case.confiscation_amount), "refund_order": case.refund_order,
        "decided_on": iso_day(case.decided_on), "fine_id": fine.id if fine else None,
        "steps": [step_json(s) for s in case.steps], "version": case.version,
    }


CURRENT_JSON[PenaltyCase] = case_json


@bp.get("/cases")
@login_required
def list_cases():
    page, per_page = page_args()
    filters = services.CaseFilters(step=request.args.get("step", ""), institution_id=id_arg("institution_id"),
                                   department=request.args.get("department", ""), q=request.args.get("q", "")[:60])
    return jsonify(page_json(services.list_cases(current_user, filters=filters, page=page, per_page=per_page), case_json))


@bp.post("/cases")
@login_required
def create_case():
    case = services.open_case(current_user, json_body())
    return created(case_json(case), "api.get_case", case_id=case.id)


@bp.get("/cases/<int:case_id>")
@login_required
def get_case(case_id: int):
    return jsonify(case_json(services.get_case(current_user, case_id)))


@bp.get("/cases/<int:case_id>/steps")
@login_required
def case_steps(case_id: int):
    case = services.get_case(current_user, case_id)
    return jsonify({"items": [step_json(s) for s in case.steps],
                    "next_step": rules.next_step(case.step).value if rules.next_step(case.step) else None})


@bp.post("/cases/<int:case_id>/steps")
@login_required
def add_case_step(case_id: int):
    body = json_body()
    case = services.record_step(current_user, case_id, body, version=body.get("version"))
    return created(case_json(case), "api.get_case", case_id=case.id)


OPENAPI_SCHEMAS.update({
    "CaseStep": {"type": "object", "properties": {"step": {"type": "string", "enum": [s.value for s in Step]}, "on": DATE,
                                                  "people": {"type": "array", "items": TEXT}, "documents": TEXT, "note": TEXT}},
    "Case": {"type": "object", "required": ["id", "number", "department", "step", "steps", "version"],
             "properties": {
                 "id": INT, "number": {**TEXT, "description": "department code, year, serial: EDU-2026-0007"},
                 "department": TEXT, "institution_id": NULL_INT, "subject": TEXT, "district": {"type": "string", "nullable": True},
                 "lead_id": NULL_INT, "inspection_id": NULL_INT, "summary": TEXT,
                 "step": {"type": "string", "enum": [s.value for s in Step]},
                 "next_step": {"type": "string", "nullable": True}, "violation_type": {"type": "string", "nullable": True},
                 "sanctions": {"type": "array", "items": {"type": "string", "enum": [s.value for s in Sanction]}},
                 "illegal_income": NULL_YUAN, "fine": NULL_YUAN, "confiscation": NULL_YUAN, "refund_order": TEXT,
                 "decided_on": NULL_DATE, "fine_id": NULL_INT, "steps": {"type": "array", "items": ref("CaseStep")}, "version": INT}},
    "CaseInput": {"type": "object", "required": ["summary"],
                  "properties": {"institution_id": INT, "subject_name": TEXT, "district": TEXT, "lead_id": INT,
                                 "inspection_id": INT, "summary": TEXT, "opened_on": DATE, "people": USERNAMES,
                                 "documents": TEXT}},
    "StepInput": {"type": "object", "required": ["step", "on", "people", "version"],
                  "properties": {"step": {"type": "string", "enum": [s.value for s in Step],
                                          "description": "the next step only: steps cannot be skipped"},
                                 "on": DATE, "people": {**USERNAMES, "description": "investigated: at least two"},
                                 "documents": TEXT, "note": TEXT, "version": INT,
                                 "violation_type": {**TEXT, "description": "decided: a code from /violation-types"},
                                 "sanctions": {"type": "array", "items": {"type": "string", "enum": [s.value for s in Sanction]}},
                                 "illegal_income": MONEY_IN, "fine": MONEY_IN, "confiscation": MONEY_IN,
                                 "refund_order": TEXT}},
    "CaseSteps": {"type": "object", "properties": {"items": {"type": "array", "items": ref("CaseStep")},
                                                   "next_step": {"type": "string", "nullable": True}}},
    "CaseList": list_of("Case"),
})


OPENAPI_PATHS.update({
    "/cases": {
        "get": {"summary": "Penalty cases the caller may see",
                "parameters": [param("step", {"type": "string", "enum": [s.value for s in Step]}), param("institution_id", INT),
                               param("department"), param("q", description="case number, institution or operator"), *PAGING],
                "responses": {"200": ok("a page", "CaseList"), "401": error("not authenticated"),
                              "403": error("not allowed"), "422": error("invalid filter")}},
        "post": {"summary": "Open a case (立案)", "requestBody": {"required": True, **json_content(ref("CaseInput"))},
                 "responses": {"201": ok("opened", "Case"), **READ_ERRORS, "422": error("invalid fields")}},
    },
    "/cases/{case_id}": {"parameters": [id_param("case_id")],
                         "get": {"summary": "One case with its steps", "responses": {"200": ok("the case", "Case"), **READ_ERRORS}}},
    "/cases/{case_id}/steps": {
        "parameters": [id_param("case_id")],
        "get": {"summary": "A case's steps and the next one", "responses": {"200": ok("the steps", "CaseSteps"), **READ_ERRORS}},
        "post": {"summary": "Record the case's next step (the decision carries violation type and sanctions)",
                 "requestBody": {"required": True, **json_content(ref("StepInput"))},
                 "responses": {"201": ok("the case", "Case"), **WRITE_ERRORS}},
    },
})
