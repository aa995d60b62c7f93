"""/api/v1/fines: the fines decided by cases, and their payments."""
from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user, login_required

from registry.core.api import CURRENT_JSON, OPENAPI_PATHS, OPENAPI_SCHEMAS, bp, id_arg, json_body, page_args
from registry.core.money import yuan_text
from registry.core.openapi import error, json_content, ref
from registry.enforcement import services
from registry.enforcement.api.common import (DATE, INT, MONEY_IN, NULL_DATE, NULL_INT, PAGING, READ_ERRORS, TEXT,
                                             WRITE_ERRORS, YUAN, created, day_arg, id_param, iso_day, list_of, ok,
                                             page_json, param)
from registry.enforcement.models import Fine


def fine_json(fine: Fine) -> dict:
    return {
        "id": fine.id, "case_id": fine.case_id, "case_number": fine.case.number, "institution_id": fine.institution_id,
        "subject": fine.case.subject, "department": fine.department_code, "fine": yuan_text(fine.fine_amount),
        "confiscation": yuan_text(fine.confiscation_amount), "amount": yuan_text(fine.amount),
        "paid": yuan_text(fine.paid), "outstanding": yuan_text(fine.outstanding), "decided_on": iso_day(fine.decided_on),
        "due_on": iso_day(fine.due_on), "paid_on": iso_day(fine.paid_on), "state": services.state_of(fine).value,
        "payments": [payment_json(p) for p in fine.payments], "version": fine.version,
    }


def payment_json(payment) -> dict:
    return {"id": payment.id, "amount": yuan_text(payment.amount), "paid_on": iso_day(payment.paid_on),
            "receipt_number": payment.receipt_number}


CURRENT_JSON[Fine] = fine_json


@bp.get("/fines")
@login_required
def list_fines():
    page, per_page = page_args()
    filters = services.FineFilters(state=request.args.get("state", ""), department=request.args.get("department", ""),
                                   district=request.args.get("district", ""), start=day_arg("start"), end=day_arg("end"),
                                   institution_id=id_arg("institution_id"))
    result, totals = services.list_fines(current_user, filters=filters, page=page, per_page=per_page)
    return jsonify({**page_json(result, fine_json), "totals": {"count": totals.count, "amount": yuan_text(totals.amount),
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
    return created(fine_json(payment.fine), "api.get_fine", fine_id=fine_id)


OPENAPI_SCHEMAS.update({
    "Payment": {"type": "object", "properties": {"id": INT, "amount": YUAN, "paid_on": DATE, "receipt_number": TEXT}},
    "PaymentInput": {"type": "object", "required": ["amount", "paid_on", "receipt_number", "version"],
                     "properties": {"amount": MONEY_IN, "paid_on": DATE, "receipt_number": TEXT, "version": INT}},
    "Payments": {"type": "object", "properties": {"items": {"type": "array", "items": ref("Payment")}}},
    "Fine": {"type": "object", "required": ["id", "case_id", "amount", "paid", "due_on", "state", "version"],
             "properties": {
                 "id": INT, "case_id": INT, "case_number": TEXT, "institution_id": NULL_INT, "subject": TEXT,
                 "department": TEXT, "fine": YUAN, "confiscation": YUAN, "amount": YUAN, "paid": YUAN,
                 "outstanding": YUAN, "decided_on": DATE, "due_on": DATE, "paid_on": NULL_DATE,
                 "state": {"type": "string", "enum": ["unpaid", "part_paid", "paid", "overdue"]},
                 "payments": {"type": "array", "items": ref("Payment")}, "version": INT}},
    "FineList": {**list_of("Fine"), "properties": {**list_of("Fine")["properties"], "totals": {
        "type": "object", "properties": {"count": INT, "amount": YUAN, "paid": YUAN, "outstanding": YUAN}}}},
})


OPENAPI_PATHS.update({
    "/fines": {
        "get": {"summary": "Fines the caller may see, with the totals of all matching",
                "parameters": [param("state", {"type": "string", "enum": ["unpaid", "part_paid", "paid", "overdue", "outstanding"]}),
                               param("department"), param("district"), param("start", DATE, description="decided on or after"),
                               param("end", DATE), param("institution_id", INT), *PAGING],
                "responses": {"200": ok("a page", "FineList"), "401": error("not authenticated"),
                              "403": error("not allowed"), "422": error("invalid filter")}},
    },
    "/fines/{fine_id}": {"parameters": [id_param("fine_id")],
                         "get": {"summary": "One fine with its payments", "responses": {"200": ok("the fine", "Fine"), **READ_ERRORS}}},
    "/fines/{fine_id}/payments": {
        "parameters": [id_param("fine_id")],
        "get": {"summary": "A fine's payments", "responses": {"200": ok("payments", "Payments"), **READ_ERRORS}},
        "post": {"summary": "Record a payment (send the fine's version)", "requestBody": {"required": True, **json_content(ref("PaymentInput"))},
                 "responses": {"201": ok("the fine", "Fine"), **WRITE_ERRORS}},
    },
})
