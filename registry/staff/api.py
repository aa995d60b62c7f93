"""The staff area's JSON API: /api/v1/institutions/<id>/staff (the roster, and adding to it) and /api/v1/staff/findings.

ID numbers are masked (`330302********1234`) in every answer; the whole number is shown only on a staff member's
page, as an audited action of the supervising office.
"""
from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user, login_required

from registry.core.api import OPENAPI_PATHS, OPENAPI_SCHEMAS, bp, json_body, page_args
from registry.core.openapi import error, json_content, ref
from registry.core.problems import translate
from registry.register.api import ID_PARAM, INSTITUTION_ERRORS
from registry.staff import rules, services
from registry.staff.rules import CheckResult, FindingKind, Role


def _day(value) -> str | None:
    return value.isoformat() if value else None


def finding_json(row) -> dict:
    return {"kind": row.kind.value, "message": translate(rules.describe(row.finding)),
            "staff_id": row.member.id if row.member else None, "staff_name": row.member.name if row.member else None,
            "institution_id": row.institution.id, "institution_name": row.institution.name}


def member_json(member) -> dict:
    return {
        "id": member.id, "institution_id": member.institution_id, "name": member.name,
        "id_number_masked": member.masked_id, "sex": member.sex, "birth_date": _day(member.birth_date),
        "role": member.role.value, "subjects": member.subjects, "full_time": member.full_time,
        "hired_on": _day(member.hired_on), "left_on": _day(member.left_on), "nationality": member.nationality,
        "foreign": member.is_foreign, "teacher_cert": member.teacher_cert or None,
        "professional_cert": member.professional_cert or None, "certificate_on": _day(member.certificate_on),
        "check_result": member.check_result.value, "checked_on": _day(member.checked_on), "version": member.version,
    }


def roster_json(roster) -> dict:
    return {
        "institution_id": roster.institution.id, "current": [member_json(m) for m in roster.current],
        "past": [member_json(m) for m in roster.past], "teaching": roster.teaching,
        "full_time_teaching": roster.full_time_teaching, "findings": [finding_json(r) for r in roster.findings],
    }


@bp.get("/institutions/<int:institution_id>/staff")
@login_required
def get_staff(institution_id: int):
    return jsonify(roster_json(services.roster(current_user, institution_id)))


@bp.post("/institutions/<int:institution_id>/staff")
@login_required
def add_staff(institution_id: int):
    member = services.add_member(current_user, institution_id, json_body())
    return jsonify(member_json(member)), 201


@bp.get("/staff/findings")
@login_required
def staff_findings():
    page, per_page = page_args()
    result, counts = services.list_findings(current_user, kind=request.args.get("kind") or None,
                                            department=request.args.get("department") or None,
                                            district=request.args.get("district") or None,
                                            page=page, per_page=per_page)
    return jsonify({"items": [finding_json(r) for r in result.items], "total": result.total, "page": result.page,
                    "per_page": result.per_page, "counts": counts})


# --- the OpenAPI description ------------------------------------------------------------------------------------

_text = {"type": "string"}
_date = {"type": "string", "format": "date"}
_nullable_date = {**_date, "nullable": True}
_nullable_text = {"type": "string", "nullable": True}

OPENAPI_SCHEMAS.update({
    "StaffMember": {"type": "object", "required": ["id", "institution_id", "name", "id_number_masked", "role"],
                    "properties": {
        "id": {"type": "integer"}, "institution_id": {"type": "integer"}, "name": _text,
        "id_number_masked": {"type": "string", "description": "330302********1234: the whole number is never sent"},
        "sex": {"type": "string", "enum": ["M", "F"], "nullable": True}, "birth_date": _nullable_date,
        "role": {"type": "string", "enum": [r.value for r in Role]}, "subjects": _text, "full_time": {"type": "boolean"},
        "hired_on": _date, "left_on": _nullable_date, "nationality": _text, "foreign": {"type": "boolean"},
        "teacher_cert": _nullable_text, "professional_cert": _nullable_text, "certificate_on": _nullable_date,
        "check_result": {"type": "string", "enum": [c.value for c in CheckResult]}, "checked_on": _nullable_date,
        "version": {"type": "integer"}}},
    "StaffMemberInput": {"type": "object", "required": ["name", "id_number", "role", "hired_on"], "properties": {
        "name": _text, "id_number": {"type": "string", "description": "the resident ID number (checked with its check "
                                                                       "digit), or a foreign staff member's passport"},
        "role": {"type": "string", "enum": [r.value for r in Role]}, "subjects": _text,
        "full_time": {"type": "boolean"}, "hired_on": _date, "nationality": _text, "teacher_cert": _text,
        "professional_cert": _text, "certificate_on": _date,
        "check_result": {"type": "string", "enum": [c.value for c in CheckResult]}, "checked_on": _date}},
    "StaffFinding": {"type": "object", "required": ["kind", "message", "institution_id"], "properties": {
        "kind": {"type": "string", "enum": [k.value for k in FindingKind]}, "message": _text,
        "staff_id": {"type": "integer", "nullable": True}, "staff_name": _nullable_text,
        "institution_id": {"type": "integer"}, "institution_name": _text}},
    "StaffRoster": {"type": "object", "required": ["institution_id", "current", "past", "findings"], "properties": {
        "institution_id": {"type": "integer"}, "current": {"type": "array", "items": ref("StaffMember")},
        "past": {"type": "array", "items": ref("StaffMember")}, "teaching": {"type": "integer"},
        "full_time_teaching": {"type": "integer"}, "findings": {"type": "array", "items": ref("StaffFinding")}}},
})

_paging = [{"name": name, "in": "query", "schema": {"type": "integer", "minimum": 1}} for name in ("page", "per_page")]

OPENAPI_PATHS.update({
    "/institutions/{institution_id}/staff": {
        "parameters": [ID_PARAM],
        "get": {"summary": "An institution's staff, now and in the past, with the findings of the staff rules",
                "responses": {"200": {"description": "the roster", **json_content(ref("StaffRoster"))},
                              **INSTITUTION_ERRORS}},
        "post": {"summary": "Add a staff member (checked against the in-service teachers' roster at once)",
                 "requestBody": {"required": True, **json_content(ref("StaffMemberInput"))},
                 "responses": {"201": {"description": "added", **json_content(ref("StaffMember"))},
                               **INSTITUTION_ERRORS, "422": error("invalid fields")}},
    },
    "/staff/findings": {
        "get": {"summary": "Findings of the staff rules on the rosters the caller may read, most serious first",
                "parameters": [{"name": "kind", "in": "query", "schema": {"type": "string",
                                                                         "enum": [k.value for k in FindingKind]}},
                               {"name": "department", "in": "query", "schema": _text},
                               {"name": "district", "in": "query", "schema": _text}, *_paging],
                "responses": {"200": {"description": "a page", **json_content({"type": "object", "properties": {
                    "items": {"type": "array", "items": ref("StaffFinding")}, "total": {"type": "integer"},
                    "page": {"type": "integer"}, "per_page": {"type": "integer"},
                    "counts": {"type": "object", "additionalProperties": {"type": "integer"}}}})},
                              "401": error("not authenticated"), "403": error("not allowed"),
                              "422": error("invalid filter")}},
    },
})
