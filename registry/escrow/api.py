"""The escrow's JSON API: /api/v1/institutions/<id>/escrow, /api/v1/escrow/{statements,charges,alerts}.

Amounts are decimal strings in yuan with two decimals ("12345.67"), never floats; inputs may also be numbers.
Account numbers are masked except in an institution's own escrow resource.
"""
from __future__ import annotations

from flask import jsonify, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from registry.core.api import (
    OPENAPI_PATHS,
    OPENAPI_SCHEMAS,
    body_id,
    bp,
    flag_arg,
    id_arg,
    json_body,
    page_args,
)
from registry.core.errors import Invalid
from registry.core.messages import shown
from registry.core.openapi import error, json_content, nullable_ref, ref
from registry.core.problems import translate
from registry.escrow import figures, rules, services
from registry.escrow.rules import AlertKind, Channel, EscrowStatus
from registry.core.money import yuan_text


def _money(fen: int | None) -> str | None:
    return None if fen is None else yuan_text(fen)


def _day(value) -> str | None:
    return value.isoformat() if value else None


def escrow_json(overview: services.Overview, *, full_number: bool = True) -> dict:
    escrow, latest = overview.escrow, overview.latest
    return {
        "institution_id": overview.institution.id,
        "status": overview.status.value,
        "status_since": _day(escrow.status_since) if escrow else None,
        "bank": escrow.bank if escrow and escrow.has_account else None,
        "account_number": (escrow.account_number if full_number else escrow.masked_account) if escrow and escrow.has_account else None,
        "account_number_masked": escrow.masked_account if escrow and escrow.has_account else None,
        "opened_on": _day(escrow.opened_on) if escrow else None,
        "closed_on": _day(escrow.closed_on) if escrow else None,
        "risk_deposit": _money(escrow.risk_deposit) if escrow else "0.00",
        "required_deposit": _money(escrow.required_deposit) if escrow else None,
        "latest_statement": statement_json(latest) if latest else None,
        "coverage": None if overview.coverage is None else f"{float(overview.coverage):.4f}",
        "statement_overdue": overview.overdue,
        "open_violations": escrow.open_violations if escrow else 0,
        "alerts": [alert_json(a) for a in overview.alerts],
        "version": escrow.version if escrow else None,
    }


def statement_json(statement) -> dict:
    return {
        "id": statement.id, "institution_id": statement.institution_id,
        "period_start": _day(statement.period_start), "period_end": _day(statement.period_end),
        **{name: _money(getattr(statement, name)) for name in rules.STATEMENT_AMOUNTS},
        "flags": [{"code": f["flag"], "message": translate(rules.describe_flag(f))} for f in statement.flags or []],
        "flagged": statement.flagged, "resolution": statement.resolution or None, "source": shown(statement.source),
    }


def charge_json(charge) -> dict:
    return {
        "id": charge.id, "institution_id": charge.institution_id, "charge_ref": charge.charge_ref or None,
        "charged_on": _day(charge.charged_on), "course_start": _day(charge.course_start),
        "student_ref": charge.student_ref, "amount": _money(charge.amount), "class_hours": charge.class_hours,
        "months": charge.months, "channel": charge.channel.value,
        "violations": [{"rule": v["rule"], "message": translate(rules.describe_violation(v))} for v in charge.violations or []],
        "violating": charge.violating, "resolution": charge.resolution or None,
    }


def alert_json(alert: figures.Alert) -> dict:
    return {"kind": alert.kind.value, "amount_at_risk": _money(alert.amount), "institution_id": alert.institution.id,
            "institution_name": alert.institution.name, "department": alert.institution.department_code,
            "district": alert.institution.district, "escrow_status": alert.escrow.status.value,
            "account_number_masked": alert.escrow.masked_account or None}


def _page_json(page, render) -> dict:
    return {"items": [render(i) for i in page.items], "total": page.total, "page": page.page, "per_page": page.per_page}


@bp.get("/institutions/<int:institution_id>/escrow")
@login_required
def get_escrow(institution_id: int):
    return jsonify(escrow_json(services.overview(current_user, institution_id)))


@bp.put("/institutions/<int:institution_id>/escrow")
@login_required
def put_escrow(institution_id: int):
    body = json_body()
    services.record_account(current_user, institution_id, {k: body.get(k) for k in services.ACCOUNT_FIELDS},
                            reason=body.get("reason"), version=body.get("version"))
    return jsonify(escrow_json(services.overview(current_user, institution_id)))


@bp.post("/institutions/<int:institution_id>/escrow/transitions")
@login_required
def escrow_transition(institution_id: int):
    body = json_body()
    action = body.get("action")
    services.change_status(current_user, institution_id, action=action if isinstance(action, str) else "",
                           reason=body.get("reason"), effective_on=body.get("effective_on"), version=body.get("version"))
    return jsonify(escrow_json(services.overview(current_user, institution_id)))


@bp.get("/escrow/statements")
@login_required
def list_statements():
    page, per_page = page_args()
    result = services.list_statements(current_user, institution_id=id_arg("institution_id"), flagged=flag_arg("flagged"),
                                      page=page, per_page=per_page)
    return jsonify(_page_json(result, statement_json))


@bp.post("/escrow/statements")
@login_required
def create_statement():
    body = json_body()
    statement, outcome = services.record_statement(current_user, body_id(body, "institution_id"), body, source="API")
    response = jsonify(statement_json(statement))
    return response, 201 if outcome == "created" else 200


@bp.get("/escrow/charges")
@login_required
def list_charges():
    page, per_page = page_args()
    result = services.list_charges(current_user, institution_id=id_arg("institution_id"), violating=flag_arg("violating"),
                                   page=page, per_page=per_page)
    return jsonify(_page_json(result, charge_json))


@bp.post("/escrow/charges")
@login_required
def create_charge():
    body = json_body()
    charge = services.record_charge(current_user, body_id(body, "institution_id"), body, source="API")
    response = jsonify(charge_json(charge))
    response.headers["Location"] = url_for("api.list_charges", institution_id=charge.institution_id)
    return response, 201


@bp.get("/escrow/alerts")
@login_required
def list_alerts():
    page, per_page = page_args()
    kind = request.args.get("kind", "")
    if kind and kind not in AlertKind.__members__:
        raise Invalid(gettext("Invalid filter."), {"kind": [gettext("Choose one of: %(choices)s.", choices=", ".join(AlertKind.__members__))]})
    result = figures.alerts(current_user, kind=kind, department=request.args.get("department", ""),
                             district=request.args.get("district", ""), page=page, per_page=per_page)
    return jsonify({**_page_json(result, alert_json), "counts": result.counts})


# --- the OpenAPI description ------------------------------------------------------------------------------

_money_schema = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "yuan (元), two decimals"}
_money_input = {"oneOf": [{"type": "string"}, {"type": "number"}], "description": "yuan (元): \"12345.67\" or 12345.67"}
_nullable_money = {**_money_schema, "nullable": True}
_date = {"type": "string", "format": "date"}
_nullable_date = {**_date, "nullable": True}
_text = {"type": "string"}
_amounts = {name: _money_schema for name in rules.STATEMENT_AMOUNTS}
_issue = {"type": "object", "properties": {"code": _text, "rule": _text, "message": _text}}

OPENAPI_SCHEMAS.update({
    "Escrow": {
        "type": "object", "required": ["institution_id", "status"],
        "properties": {
            "institution_id": {"type": "integer"},
            "status": {"type": "string", "enum": [s.value for s in EscrowStatus]},
            "status_since": _nullable_date, "bank": {"type": "string", "nullable": True},
            "account_number": {"type": "string", "nullable": True, "description": "in full: this is the account's own resource"},
            "account_number_masked": {"type": "string", "nullable": True, "example": "6222 **** **** 1234"},
            "opened_on": _nullable_date, "closed_on": _nullable_date, "risk_deposit": _money_schema,
            "required_deposit": {**_nullable_money, "description": "fees of one charging cycle, where a deposit is required"},
            "latest_statement": nullable_ref("Statement"),
            "coverage": {"type": "string", "nullable": True,
                         "description": "(balance + risk deposit) ÷ fees for lessons not yet taught, as a ratio; null when nothing is owed"},
            "statement_overdue": {"type": "boolean"}, "open_violations": {"type": "integer"},
            "alerts": {"type": "array", "items": ref("Alert")},
            "version": {"type": "integer", "nullable": True},
        },
    },
    "EscrowInput": {
        "type": "object", "required": ["bank", "account_number", "opened_on", "reason"],
        "properties": {"bank": _text, "account_number": _text, "opened_on": _date, "risk_deposit": _money_input,
                       "reason": _text, "version": {"type": "integer", "description": "the version you read (when changing)"}},
    },
    "EscrowTransition": {
        "type": "object", "required": ["action", "reason"],
        "properties": {"action": {"type": "string", "enum": ["freeze", "unfreeze", "close"]}, "reason": _text,
                       "effective_on": _date, "version": {"type": "integer"}},
    },
    "Statement": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "institution_id": {"type": "integer"}, "period_start": _date,
                       "period_end": _date, **_amounts, "flags": {"type": "array", "items": _issue},
                       "flagged": {"type": "boolean"}, "resolution": {"type": "string", "nullable": True}, "source": _text},
    },
    "StatementInput": {
        "type": "object", "required": ["institution_id", *rules.STATEMENT_AMOUNTS],
        "properties": {"institution_id": {"type": "integer"}, "period_start": _date, "period_end": _date,
                       "period": {"type": "string", "description": "a month, YYYY-MM, instead of period_start and period_end"},
                       **{name: _money_input for name in rules.STATEMENT_AMOUNTS}},
    },
    "Charge": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "institution_id": {"type": "integer"},
                       "charge_ref": {"type": "string", "nullable": True}, "charged_on": _date, "course_start": _date,
                       "student_ref": _text, "amount": _money_schema, "class_hours": {"type": "integer", "nullable": True},
                       "months": {"type": "integer", "nullable": True},
                       "channel": {"type": "string", "enum": [c.value for c in Channel]},
                       "violations": {"type": "array", "items": _issue}, "violating": {"type": "boolean"},
                       "resolution": {"type": "string", "nullable": True}},
    },
    "ChargeInput": {
        "type": "object", "required": ["institution_id", "charged_on", "course_start", "student_ref", "amount", "channel"],
        "properties": {"institution_id": {"type": "integer"}, "charge_ref": _text, "charged_on": _date,
                       "course_start": _date,
                       "student_ref": {"type": "string", "description": "the institution's student number or a pseudonym: no name, ID or phone number"},
                       "amount": _money_input, "class_hours": {"type": "integer"}, "months": {"type": "integer"},
                       "channel": {"type": "string", "enum": [c.value for c in Channel]}},
    },
    "Alert": {
        "type": "object",
        "properties": {"kind": {"type": "string", "enum": [k.value for k in AlertKind]}, "amount_at_risk": _money_schema,
                       "institution_id": {"type": "integer"}, "institution_name": _text, "department": _text,
                       "district": _text, "escrow_status": {"type": "string", "enum": [s.value for s in EscrowStatus]},
                       "account_number_masked": {"type": "string", "nullable": True}},
    },
})


def _list_schema(item: str, extra: dict | None = None) -> dict:
    return {"type": "object", "required": ["items", "total", "page", "per_page"],
            "properties": {"items": {"type": "array", "items": ref(item)}, "total": {"type": "integer"},
                           "page": {"type": "integer"}, "per_page": {"type": "integer"}, **(extra or {})}}


def _query(name: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema}


_paging = [_query("page", {"type": "integer", "minimum": 1}), _query("per_page", {"type": "integer", "minimum": 1, "maximum": 500})]
_id_param = {"name": "institution_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_errors = {"401": error("not authenticated"), "403": error("not allowed")}

OPENAPI_PATHS.update({
    "/institutions/{institution_id}/escrow": {
        "parameters": [_id_param],
        "get": {"summary": "An institution's escrow: status, account, latest statement, coverage, alerts",
                "responses": {"200": {"description": "the escrow", **json_content(ref("Escrow"))}, **_errors,
                              "404": error("no such institution")}},
        "put": {"summary": "Record the supervised account (opening it) or change its details; a reason is required",
                "requestBody": {"required": True, **json_content(ref("EscrowInput"))},
                "responses": {"200": {"description": "recorded", **json_content(ref("Escrow"))}, **_errors,
                              "404": error("no such institution"), "409": error("changed since you read it"),
                              "422": error("invalid fields")}},
    },
    "/institutions/{institution_id}/escrow/transitions": {
        "parameters": [_id_param],
        "post": {"summary": "Freeze, unfreeze or close the escrow",
                 "requestBody": {"required": True, **json_content(ref("EscrowTransition"))},
                 "responses": {"200": {"description": "changed", **json_content(ref("Escrow"))}, **_errors,
                               "404": error("no such institution"), "409": error("changed since you read it"),
                               "422": error("not possible from the current status, or invalid fields")}},
    },
    "/escrow/statements": {
        "get": {"summary": "Bank statements of the institutions the caller may see, newest period first",
                "parameters": [_query("institution_id", {"type": "integer"}), _query("flagged", {"type": "boolean"}), *_paging],
                "responses": {"200": {"description": "a page", **json_content(_list_schema("Statement"))},
                              "401": error("not authenticated"), "403": error("not allowed"), "422": error("invalid filter")}},
        "post": {"summary": "Record a statement (the same period again corrects it); one that does not add up is kept flagged",
                 "requestBody": {"required": True, **json_content(ref("StatementInput"))},
                 "responses": {"201": {"description": "recorded", **json_content(ref("Statement"))},
                               "200": {"description": "corrected, or already recorded", **json_content(ref("Statement"))},
                               **_errors, "404": error("no such institution"), "422": error("invalid fields")}},
    },
    "/escrow/charges": {
        "get": {"summary": "Prepaid charges of the institutions the caller may see, newest first",
                "parameters": [_query("institution_id", {"type": "integer"}), _query("violating", {"type": "boolean"}), *_paging],
                "responses": {"200": {"description": "a page", **json_content(_list_schema("Charge"))},
                              "401": error("not authenticated"), "403": error("not allowed"), "422": error("invalid filter")}},
        "post": {"summary": "Record a prepaid charge; the charging rules it breaks are returned with it",
                 "requestBody": {"required": True, **json_content(ref("ChargeInput"))},
                 "responses": {"201": {"description": "recorded", **json_content(ref("Charge"))}, **_errors,
                               "404": error("no such institution"), "422": error("invalid fields, or already recorded")}},
    },
    "/escrow/alerts": {
        "get": {"summary": "Escrow alerts the caller may see, by money at risk, largest first",
                "parameters": [_query("kind", {"type": "string", "enum": [k.value for k in AlertKind]}),
                               _query("department", {"type": "string"}), _query("district", {"type": "string"}), *_paging],
                "responses": {"200": {"description": "a page", **json_content(_list_schema("Alert", {
                    "counts": {"type": "object", "additionalProperties": {"type": "integer"}}}))},
                              "401": error("not authenticated"), "403": error("not allowed"), "422": error("invalid filter")}},
    },
})
