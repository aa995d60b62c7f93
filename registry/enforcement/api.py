"""Enforcement's JSON API: /api/v1/inspections, /leads, /cases (with /steps), /fines (with /payments), /checklists and
/violation-types, in the style of the register's endpoints."""
from __future__ import annotations

from flask import jsonify, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from registry.core.api import CURRENT_JSON, OPENAPI_PATHS, OPENAPI_SCHEMAS, bp, id_arg, json_body, page_args
from registry.core.errors import Invalid
from registry.core.messages import shown
from registry.core.openapi import error, json_content, ref
from registry.enforcement import rules, services
from registry.enforcement.models import Fine, Inspection, Lead, PenaltyCase
from registry.enforcement.rules import BulletinGroup, LeadOutcome, LeadSource, LeadState, Outcome, Result, Sanction, Step
from registry.core.dates import parse_day
from registry.core.money import yuan_text


def _day(value) -> str | None:
    return value.isoformat() if value else None


def _yuan(fen) -> str | None:
    return yuan_text(fen) if fen is not None else None


def inspection_json(inspection: Inspection) -> dict:
    return {
        "id": inspection.id, "institution_id": inspection.institution_id, "department": inspection.department_code,
        "inspected_on": _day(inspection.inspected_on), "joint": inspection.joint,
        "staff": [{"username": s.user.username, "name": s.user.label, "department": s.department_code} for s in inspection.staff],
        "results": [{"item": r.item.key, "label": r.item.label_zh, "legal_basis": r.item.legal_basis,
                     "result": r.result.value, "note": r.note,
                     "photo": url_for("enforcement.photo", inspection_id=inspection.id, result_id=r.id) if r.photo_key else None}
                    for r in inspection.results],
        "outcome": inspection.outcome.value, "deadline": _day(inspection.deadline),
        "rectification_overdue": services.rectification_overdue(inspection),
        "follows": inspection.follows_id, "followed_by": [i.id for i in services.follow_ups(inspection.id)],
        "notes": inspection.notes, "version": inspection.version,
    }


def lead_json(lead: Lead) -> dict:
    return {
        "id": lead.id, "tracking_number": lead.tracking_number, "source": lead.source.value,
        "institution_id": lead.institution_id, "subject": lead.subject, "subject_address": lead.subject_address,
        "district": lead.institution.district if lead.institution else lead.district,
        "description": shown(lead.description), "reporter_name": lead.reporter_name,
        "department": lead.department_code, "state": lead.state.value,
        "assignee": lead.assignee.username if lead.assignee else None,
        "received_on": _day(lead.received_on), "deadline": _day(lead.deadline), "overdue": services.lead_overdue(lead),
        "closed_on": _day(lead.closed_on), "outcome": lead.outcome.value if lead.outcome else None, "reply": lead.reply,
        "visit_report_id": lead.visit_report_id, "inspection_id": lead.inspection_id, "version": lead.version,
    }


def step_json(step) -> dict:
    return {"step": step.step.value, "on": _day(step.done_on), "people": list(step.people or []),
            "documents": step.documents, "note": step.note}


def case_json(case: PenaltyCase) -> dict:
    fine = services.fine_of(case.id)
    return {
        "id": case.id, "number": case.number, "department": case.department_code, "institution_id": case.institution_id,
        "subject": case.subject, "district": case.institution.district if case.institution else case.district,
        "lead_id": case.lead_id, "inspection_id": case.inspection_id, "summary": case.summary, "step": case.step.value,
        "next_step": rules.next_step(case.step).value if rules.next_step(case.step) else None,
        "violation_type": case.violation_type_code, "sanctions": list(case.sanctions or []),
        "illegal_income": _yuan(case.illegal_income), "fine": _yuan(case.fine_amount),
        "confiscation": _yuan(case.confiscation_amount), "refund_order": case.refund_order,
        "decided_on": _day(case.decided_on), "fine_id": fine.id if fine else None,
        "steps": [step_json(s) for s in case.steps], "version": case.version,
    }


def fine_json(fine: Fine) -> dict:
    return {
        "id": fine.id, "case_id": fine.case_id, "case_number": fine.case.number, "institution_id": fine.institution_id,
        "subject": fine.case.subject, "department": fine.department_code, "fine": yuan_text(fine.fine_amount),
        "confiscation": yuan_text(fine.confiscation_amount), "amount": yuan_text(fine.amount),
        "paid": yuan_text(fine.paid), "outstanding": yuan_text(fine.outstanding), "decided_on": _day(fine.decided_on),
        "due_on": _day(fine.due_on), "paid_on": _day(fine.paid_on), "state": services.state_of(fine).value,
        "payments": [payment_json(p) for p in fine.payments], "version": fine.version,
    }


def payment_json(payment) -> dict:
    return {"id": payment.id, "amount": yuan_text(payment.amount), "paid_on": _day(payment.paid_on),
            "receipt_number": payment.receipt_number}


CURRENT_JSON.update({Inspection: inspection_json, Lead: lead_json, PenaltyCase: case_json, Fine: fine_json})


def _page(result, serialise) -> dict:
    return {"items": [serialise(i) for i in result.items], "total": result.total, "page": result.page,
            "per_page": result.per_page}


def _day_arg(name: str):
    try:
        return parse_day(request.args.get(name) or None)
    except ValueError:
        raise Invalid(gettext("Invalid filter."), {name: [gettext("Enter a date as YYYY-MM-DD.")]})


def _created(body: dict, endpoint: str, **ids):
    response = jsonify(body)
    response.headers["Location"] = url_for(endpoint, **ids)
    return response, 201


# --- inspections -----------------------------------------------------------------------------------------------------

@bp.get("/inspections")
@login_required
def list_inspections():
    page, per_page = page_args()
    filters = services.InspectionFilters(institution_id=id_arg("institution_id"), outcome=request.args.get("outcome", ""),
                                         overdue=request.args.get("overdue") in ("1", "true"),
                                         start=_day_arg("start"), end=_day_arg("end"))
    return jsonify(_page(services.list_inspections(current_user, filters=filters, page=page, per_page=per_page),
                         inspection_json))


@bp.post("/inspections")
@login_required
def create_inspection():
    body = json_body()
    try:
        institution_id = int(body.get("institution_id"))
    except (TypeError, ValueError):
        raise Invalid(gettext("Please correct the marked fields."), {"institution_id": [gettext("Enter a whole number.")]})
    inspection = services.record_inspection(current_user, institution_id, body)
    return _created(inspection_json(inspection), "api.get_inspection", inspection_id=inspection.id)


@bp.get("/inspections/<int:inspection_id>")
@login_required
def get_inspection(inspection_id: int):
    return jsonify(inspection_json(services.get_inspection(current_user, inspection_id)))


@bp.patch("/inspections/<int:inspection_id>")
@login_required
def patch_inspection(inspection_id: int):
    body = json_body()
    inspection = services.change_notes(current_user, inspection_id, notes=str(body.get("notes") or ""),
                                       version=body.get("version"))
    return jsonify(inspection_json(inspection))


@bp.post("/inspections/<int:inspection_id>/leads")
@login_required
def refer_inspection(inspection_id: int):
    lead = services.refer_from_inspection(current_user, inspection_id, json_body())
    return _created(lead_json(lead), "api.get_lead", lead_id=lead.id)


# --- leads -------------------------------------------------------------------------------------------------------------

@bp.get("/leads")
@login_required
def list_leads():
    page, per_page = page_args()
    filters = services.LeadFilters(state=request.args.get("state", ""), source=request.args.get("source", ""),
                                   overdue=request.args.get("overdue") in ("1", "true"),
                                   institution_id=id_arg("institution_id"), department=request.args.get("department", ""))
    return jsonify(_page(services.list_leads(current_user, filters=filters, page=page, per_page=per_page), lead_json))


@bp.post("/leads")
@login_required
def create_lead():
    lead = services.record_hotline_lead(current_user, json_body())
    return _created(lead_json(lead), "api.get_lead", lead_id=lead.id)


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


# --- cases -------------------------------------------------------------------------------------------------------------

@bp.get("/cases")
@login_required
def list_cases():
    page, per_page = page_args()
    filters = services.CaseFilters(step=request.args.get("step", ""), institution_id=id_arg("institution_id"),
                                   department=request.args.get("department", ""), q=request.args.get("q", "")[:60])
    return jsonify(_page(services.list_cases(current_user, filters=filters, page=page, per_page=per_page), case_json))


@bp.post("/cases")
@login_required
def create_case():
    case = services.open_case(current_user, json_body())
    return _created(case_json(case), "api.get_case", case_id=case.id)


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
    return _created(case_json(case), "api.get_case", case_id=case.id)


# --- fines -------------------------------------------------------------------------------------------------------------

@bp.get("/fines")
@login_required
def list_fines():
    page, per_page = page_args()
    filters = services.FineFilters(state=request.args.get("state", ""), department=request.args.get("department", ""),
                                   district=request.args.get("district", ""), start=_day_arg("start"), end=_day_arg("end"),
                                   institution_id=id_arg("institution_id"))
    result, totals = services.list_fines(current_user, filters=filters, page=page, per_page=per_page)
    return jsonify({**_page(result, fine_json), "totals": {"count": totals.count, "amount": yuan_text(totals.amount),
                                                           "paid": yuan_text(totals.paid),
                                                           "outstanding": yuan_text(totals.outstanding)}})


@bp.get("/fines/<int:fine_id>")
@login_required
def get_fine(fine_id: int):
    return jsonify(fine_json(services.get_fine(current_user, fine_id)))


@bp.get("/fines/<int:fine_id>/payments")
@login_required
def fine_payments(fine_id: int):
    return jsonify({"items": [payment_json(p) for p in services.get_fine(current_user, fine_id).payments]})


@bp.post("/fines/<int:fine_id>/payments")
@login_required
def add_payment(fine_id: int):
    body = json_body()
    payment = services.record_payment(current_user, fine_id, body, version=body.get("version"))
    return _created(fine_json(payment.fine), "api.get_fine", fine_id=fine_id)


# --- reference -------------------------------------------------------------------------------------------------------

@bp.get("/checklists/<category>")
@login_required
def get_checklist(category: str):
    return jsonify({"category": category, "items": [
        {"key": i.key, "label_zh": i.label_zh, "label_en": i.label_en, "legal_basis": i.legal_basis,
         "bulletin_group": i.bulletin_group or None} for i in services.checklist(category)]})


@bp.get("/violation-types")
@login_required
def list_violation_types():
    return jsonify({"items": [
        {"code": v.code, "name_zh": v.name_zh, "name_en": v.name_en, "legal_basis": v.legal_basis,
         "fine_min": _yuan(v.fine_min), "fine_max": _yuan(v.fine_max), "income_times_min": v.income_times_min,
         "income_times_max": v.income_times_max, "bulletin_group": v.bulletin_group.value}
        for v in services.violation_types()]})


# --- the OpenAPI description ---------------------------------------------------------------------------------------

_text = {"type": "string"}
_int = {"type": "integer"}
_date = {"type": "string", "format": "date"}
_ndate = {"type": "string", "format": "date", "nullable": True}
_nint = {"type": "integer", "nullable": True}
_yuan_s = {"type": "string", "description": "yuan with two decimals, e.g. \"5000.00\""}
_nyuan = {**_yuan_s, "nullable": True}
_names = {"type": "array", "items": _text, "description": "usernames of officers or market staff"}
_money_in = {"oneOf": [{"type": "string"}, {"type": "number"}], "description": "yuan, e.g. 5000 or \"5,000.50\""}


def _list_of(name: str) -> dict:
    return {"type": "object", "required": ["items", "total", "page", "per_page"],
            "properties": {"items": {"type": "array", "items": ref(name)}, "total": _int, "page": _int, "per_page": _int}}


OPENAPI_SCHEMAS.update({
    "Inspection": {"type": "object", "required": ["id", "institution_id", "inspected_on", "staff", "results", "outcome", "version"],
                   "properties": {
                       "id": _int, "institution_id": _int, "department": {**_text, "description": "the leading department"},
                       "inspected_on": _date, "joint": {"type": "boolean", "description": "staff of more than one department"},
                       "staff": {"type": "array", "items": {"type": "object", "properties": {"username": _text, "name": _text, "department": _text}}},
                       "results": {"type": "array", "items": {"type": "object", "properties": {
                           "item": _text, "label": _text, "legal_basis": _text,
                           "result": {"type": "string", "enum": [r.value for r in Result]}, "note": _text,
                           "photo": {"type": "string", "nullable": True}}}},
                       "outcome": {"type": "string", "enum": [o.value for o in Outcome]}, "deadline": _ndate,
                       "rectification_overdue": {"type": "boolean"}, "follows": _nint,
                       "followed_by": {"type": "array", "items": _int}, "notes": _text, "version": _int}},
    "InspectionInput": {"type": "object", "required": ["institution_id", "inspected_on", "staff", "results", "outcome"],
                        "properties": {
                            "institution_id": _int, "inspected_on": _date, "staff": {**_names, "minItems": 2},
                            "results": {"type": "object", "additionalProperties": {"type": "string", "enum": [r.value for r in Result]},
                                        "description": "checklist item key → pass/fail/na (a re-inspection: the failed items, pass = fixed)"},
                            "item_notes": {"type": "object", "additionalProperties": _text, "description": "a note for each failed item"},
                            "outcome": {"type": "string", "enum": [o.value for o in Outcome]},
                            "deadline": {**_date, "description": "for a rectification order"},
                            "follows": {**_int, "description": "the inspection this re-inspects"}, "notes": _text,
                            "case_summary": {**_text, "description": "outcome case: the facts the case is opened on"},
                            "case_documents": _text}},
    "InspectionPatch": {"type": "object", "required": ["version", "notes"],
                        "properties": {"version": _int, "notes": {**_text, "description": "appended, dated and signed"}}},
    "Lead": {"type": "object", "required": ["id", "tracking_number", "source", "department", "state", "deadline", "version"],
             "properties": {
                 "id": _int, "tracking_number": _text, "source": {"type": "string", "enum": [s.value for s in LeadSource]},
                 "institution_id": _nint, "subject": _text, "subject_address": _text,
                 "district": {"type": "string", "nullable": True}, "description": _text, "reporter_name": _text,
                 "department": {**_text, "description": "the department it is routed to"},
                 "state": {"type": "string", "enum": [s.value for s in LeadState]},
                 "assignee": {"type": "string", "nullable": True}, "received_on": _date, "deadline": _date,
                 "overdue": {"type": "boolean"}, "closed_on": _ndate,
                 "outcome": {"type": "string", "enum": [o.value for o in LeadOutcome], "nullable": True}, "reply": _text,
                 "visit_report_id": _nint, "inspection_id": _nint, "version": _int}},
    "LeadInput": {"type": "object", "required": ["description"],
                  "properties": {"institution_id": _int, "subject_name": {**_text, "description": "when not in the register"},
                                 "subject_address": _text, "district": _text, "description": _text,
                                 "reporter_name": _text, "reporter_phone": _text,
                                 "received_on": {**_date, "description": "the day the call came in (default today)"}}},
    "Referral": {"type": "object", "required": ["department", "description"],
                 "properties": {"department": _text, "description": _text}},
    "LeadTransition": {"type": "object", "required": ["to", "version"],
                       "properties": {"to": {"type": "string", "enum": ["assigned", "handling", "closed"]}, "version": _int,
                                      "assignee": {**_text, "description": "to: assigned"}, "note": _text,
                                      "outcome": {"type": "string", "enum": [o.value for o in LeadOutcome]},
                                      "reply": _text, "closed_on": _date,
                                      "case_summary": {**_text, "description": "outcome case_opened: opens the case"}}},
    "CaseStep": {"type": "object", "properties": {"step": {"type": "string", "enum": [s.value for s in Step]}, "on": _date,
                                                  "people": {"type": "array", "items": _text}, "documents": _text, "note": _text}},
    "Case": {"type": "object", "required": ["id", "number", "department", "step", "steps", "version"],
             "properties": {
                 "id": _int, "number": {**_text, "description": "department code, year, serial: EDU-2026-0007"},
                 "department": _text, "institution_id": _nint, "subject": _text, "district": {"type": "string", "nullable": True},
                 "lead_id": _nint, "inspection_id": _nint, "summary": _text,
                 "step": {"type": "string", "enum": [s.value for s in Step]},
                 "next_step": {"type": "string", "nullable": True}, "violation_type": {"type": "string", "nullable": True},
                 "sanctions": {"type": "array", "items": {"type": "string", "enum": [s.value for s in Sanction]}},
                 "illegal_income": _nyuan, "fine": _nyuan, "confiscation": _nyuan, "refund_order": _text,
                 "decided_on": _ndate, "fine_id": _nint, "steps": {"type": "array", "items": ref("CaseStep")}, "version": _int}},
    "CaseInput": {"type": "object", "required": ["summary"],
                  "properties": {"institution_id": _int, "subject_name": _text, "district": _text, "lead_id": _int,
                                 "inspection_id": _int, "summary": _text, "opened_on": _date, "people": _names,
                                 "documents": _text}},
    "StepInput": {"type": "object", "required": ["step", "on", "people", "version"],
                  "properties": {"step": {"type": "string", "enum": [s.value for s in Step],
                                          "description": "the next step only: steps cannot be skipped"},
                                 "on": _date, "people": {**_names, "description": "investigated: at least two"},
                                 "documents": _text, "note": _text, "version": _int,
                                 "violation_type": {**_text, "description": "decided: a code from /violation-types"},
                                 "sanctions": {"type": "array", "items": {"type": "string", "enum": [s.value for s in Sanction]}},
                                 "illegal_income": _money_in, "fine": _money_in, "confiscation": _money_in,
                                 "refund_order": _text}},
    "CaseSteps": {"type": "object", "properties": {"items": {"type": "array", "items": ref("CaseStep")},
                                                   "next_step": {"type": "string", "nullable": True}}},
    "Payment": {"type": "object", "properties": {"id": _int, "amount": _yuan_s, "paid_on": _date, "receipt_number": _text}},
    "PaymentInput": {"type": "object", "required": ["amount", "paid_on", "receipt_number", "version"],
                     "properties": {"amount": _money_in, "paid_on": _date, "receipt_number": _text, "version": _int}},
    "Payments": {"type": "object", "properties": {"items": {"type": "array", "items": ref("Payment")}}},
    "Fine": {"type": "object", "required": ["id", "case_id", "amount", "paid", "due_on", "state", "version"],
             "properties": {
                 "id": _int, "case_id": _int, "case_number": _text, "institution_id": _nint, "subject": _text,
                 "department": _text, "fine": _yuan_s, "confiscation": _yuan_s, "amount": _yuan_s, "paid": _yuan_s,
                 "outstanding": _yuan_s, "decided_on": _date, "due_on": _date, "paid_on": _ndate,
                 "state": {"type": "string", "enum": ["unpaid", "part_paid", "paid", "overdue"]},
                 "payments": {"type": "array", "items": ref("Payment")}, "version": _int}},
    "InspectionList": _list_of("Inspection"), "LeadList": _list_of("Lead"), "CaseList": _list_of("Case"),
    "FineList": {**_list_of("Fine"), "properties": {**_list_of("Fine")["properties"], "totals": {
        "type": "object", "properties": {"count": _int, "amount": _yuan_s, "paid": _yuan_s, "outstanding": _yuan_s}}}},
    "Checklist": {"type": "object", "properties": {"category": _text, "items": {"type": "array", "items": {
        "type": "object", "properties": {"key": _text, "label_zh": _text, "label_en": _text, "legal_basis": _text,
                                         "bulletin_group": {"type": "string", "nullable": True}}}}}},
    "ViolationTypes": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {
        "code": _text, "name_zh": _text, "name_en": _text, "legal_basis": _text, "fine_min": _nyuan, "fine_max": _nyuan,
        "income_times_min": {"type": "number", "nullable": True}, "income_times_max": {"type": "number", "nullable": True},
        "bulletin_group": {"type": "string", "enum": [g.value for g in BulletinGroup]}}}}}},
})


def _param(name: str, schema=None, where: str = "query", required: bool = False, description: str = "") -> dict:
    out = {"name": name, "in": where, "required": required, "schema": schema or _text}
    return {**out, "description": description} if description else out


def _id(name: str) -> dict:
    return _param(name, _int, "path", True)


_paging = [_param("page", {"type": "integer", "minimum": 1}), _param("per_page", {"type": "integer", "minimum": 1, "maximum": 500})]
_read = {"401": error("not authenticated"), "403": error("not allowed"), "404": error("no such record")}
_write = {**_read, "409": error("stale: `current` holds the record as it is now"), "422": error("invalid fields")}


def _ok(description: str, schema: str) -> dict:
    return {"description": description, **json_content(ref(schema))}


OPENAPI_PATHS.update({
    "/inspections": {
        "get": {"summary": "Inspections the caller may see (an officer: their department's, and joint ones they took part in)",
                "parameters": [_param("institution_id", _int), _param("outcome", {"type": "string", "enum": [o.value for o in Outcome]}),
                               _param("overdue", {"type": "boolean"}, description="rectifications past their deadline without a re-inspection"),
                               _param("start", _date), _param("end", _date), *_paging],
                "responses": {"200": _ok("a page", "InspectionList"), "401": error("not authenticated"),
                              "403": error("not allowed"), "422": error("invalid filter")}},
        "post": {"summary": "Record an inspection or, with `follows`, a re-inspection",
                 "requestBody": {"required": True, **json_content(ref("InspectionInput"))},
                 "responses": {"201": _ok("recorded", "Inspection"), **_read, "422": error("invalid fields")}},
    },
    "/inspections/{inspection_id}": {
        "parameters": [_id("inspection_id")],
        "get": {"summary": "One inspection", "responses": {"200": _ok("the inspection", "Inspection"), **_read}},
        "patch": {"summary": "Add to an inspection's notes (send the version you read)",
                  "requestBody": {"required": True, **json_content(ref("InspectionPatch"))},
                  "responses": {"200": _ok("changed", "Inspection"), **_write}},
    },
    "/inspections/{inspection_id}/leads": {
        "parameters": [_id("inspection_id")],
        "post": {"summary": "Refer a finding of the inspection as a lead to a department",
                 "requestBody": {"required": True, **json_content(ref("Referral"))},
                 "responses": {"201": _ok("the lead", "Lead"), **_read, "422": error("invalid fields")}},
    },
    "/leads": {
        "get": {"summary": "Leads the caller may see (an officer: routed to their department; a grid worker: their own reports)",
                "parameters": [_param("state", {"type": "string", "enum": [s.value for s in LeadState] + ["open"]}),
                               _param("source", {"type": "string", "enum": [s.value for s in LeadSource]}),
                               _param("overdue", {"type": "boolean"}), _param("institution_id", _int), _param("department"), *_paging],
                "responses": {"200": _ok("a page", "LeadList"), "401": error("not authenticated"),
                              "403": error("not allowed"), "422": error("invalid filter")}},
        "post": {"summary": "Record a tip from the hotline (routed by the institution's category; market regulation when unknown)",
                 "requestBody": {"required": True, **json_content(ref("LeadInput"))},
                 "responses": {"201": _ok("recorded", "Lead"), "401": error("not authenticated"), "403": error("not allowed"),
                               "422": error("invalid fields")}},
    },
    "/leads/{lead_id}": {"parameters": [_id("lead_id")],
                         "get": {"summary": "One lead", "responses": {"200": _ok("the lead", "Lead"), **_read}}},
    "/leads/{lead_id}/transitions": {
        "parameters": [_id("lead_id")],
        "post": {"summary": "Assign, start handling or close a lead (closing with case_opened opens the case)",
                 "requestBody": {"required": True, **json_content(ref("LeadTransition"))},
                 "responses": {"200": _ok("moved", "Lead"), **_write}},
    },
    "/cases": {
        "get": {"summary": "Penalty cases the caller may see",
                "parameters": [_param("step", {"type": "string", "enum": [s.value for s in Step]}), _param("institution_id", _int),
                               _param("department"), _param("q", description="case number, institution or operator"), *_paging],
                "responses": {"200": _ok("a page", "CaseList"), "401": error("not authenticated"),
                              "403": error("not allowed"), "422": error("invalid filter")}},
        "post": {"summary": "Open a case (立案)", "requestBody": {"required": True, **json_content(ref("CaseInput"))},
                 "responses": {"201": _ok("opened", "Case"), **_read, "422": error("invalid fields")}},
    },
    "/cases/{case_id}": {"parameters": [_id("case_id")],
                         "get": {"summary": "One case with its steps", "responses": {"200": _ok("the case", "Case"), **_read}}},
    "/cases/{case_id}/steps": {
        "parameters": [_id("case_id")],
        "get": {"summary": "A case's steps and the next one", "responses": {"200": _ok("the steps", "CaseSteps"), **_read}},
        "post": {"summary": "Record the case's next step (the decision carries violation type and sanctions)",
                 "requestBody": {"required": True, **json_content(ref("StepInput"))},
                 "responses": {"201": _ok("the case", "Case"), **_write}},
    },
    "/fines": {
        "get": {"summary": "Fines the caller may see, with the totals of all matching",
                "parameters": [_param("state", {"type": "string", "enum": ["unpaid", "part_paid", "paid", "overdue", "outstanding"]}),
                               _param("department"), _param("district"), _param("start", _date, description="decided on or after"),
                               _param("end", _date), _param("institution_id", _int), *_paging],
                "responses": {"200": _ok("a page", "FineList"), "401": error("not authenticated"),
                              "403": error("not allowed"), "422": error("invalid filter")}},
    },
    "/fines/{fine_id}": {"parameters": [_id("fine_id")],
                         "get": {"summary": "One fine with its payments", "responses": {"200": _ok("the fine", "Fine"), **_read}}},
    "/fines/{fine_id}/payments": {
        "parameters": [_id("fine_id")],
        "get": {"summary": "A fine's payments", "responses": {"200": _ok("payments", "Payments"), **_read}},
        "post": {"summary": "Record a payment (send the fine's version)", "requestBody": {"required": True, **json_content(ref("PaymentInput"))},
                 "responses": {"201": _ok("the fine", "Fine"), **_write}},
    },
    "/checklists/{category}": {
        "parameters": [_param("category", {"type": "string", "enum": ["academic", "tech", "arts", "sports"]}, "path", True)],
        "get": {"summary": "A category's inspection checklist (items in use)", "responses": {
            "200": _ok("the checklist", "Checklist"), "401": error("not authenticated")}},
    },
    "/violation-types": {"get": {"summary": "Violation types with legal basis and fine range",
                                 "responses": {"200": _ok("the types", "ViolationTypes"), "401": error("not authenticated")}}},
})
