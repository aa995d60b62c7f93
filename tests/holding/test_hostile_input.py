"""Generated and hostile input to the register's forms, API and import: always a 4xx with a message (or a
success), never a 500, never anything stored half-way."""
import io
import json
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from registry.core.audit import AuditEntry
from registry.extensions import db
from registry.register.models import Institution
from tests.conftest import field_errors, institution_data, page

FIELDS = list(institution_data())
hostile_text = st.one_of(
    st.text(max_size=300),                                             # any unicode, control characters too
    st.text(alphabet=string.printable + "\x00\x1b\u202e\ufeff", min_size=1000, max_size=5000),  # over-long
    st.sampled_from(["<script>alert(1)</script>", "' OR 1=1 --", "%s%s%n", "=cmd|'/c calc'!A1", "../../etc/passwd",
                     "1e309", "NaN", "-0", "99999999999999999999999999", "１２３", "２０２１－０３－０１"]),
)
hostile_value = st.one_of(hostile_text, st.none(), st.booleans(), st.integers(), st.floats(),
                          st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))
CHECKS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _counts():
    db.session.rollback()
    return (db.session.scalar(select(func.count()).select_from(Institution)),
            db.session.scalar(select(func.count()).select_from(AuditEntry)))


@CHECKS
@given(body=st.dictionaries(st.sampled_from(FIELDS), hostile_value, min_size=1))
def test_api_create_with_hostile_values(client, token_for, users, body):
    headers = token_for("arts")
    before = _counts()
    response = client.post("/api/v1/institutions", json={**institution_data(), **body}, headers=headers)
    assert response.status_code in (201, 400, 403, 409, 422), response.get_data(as_text=True)
    if response.status_code != 201:
        assert response.json["error"]["message"]
        assert _counts() == before


@CHECKS
@given(body=st.one_of(st.text(max_size=200), st.binary(max_size=200), st.lists(st.integers(), max_size=3)))
def test_api_bodies_that_are_not_objects(client, token_for, users, body):
    headers = token_for("arts")
    kwargs = {"data": body, "content_type": "application/json"} if isinstance(body, (str, bytes)) else {"json": body}
    response = client.post("/api/v1/institutions", headers=headers, **kwargs)
    assert response.status_code in (400, 415, 422) and response.json["error"]["message"]


@CHECKS
@given(form=st.dictionaries(st.sampled_from(FIELDS), hostile_text, min_size=1))
def test_registration_form_with_hostile_values(client, users, form):
    client.post("/login", data={"username": "arts", "password": "correct-horse-battery"})
    before = _counts()
    data = {**{k: str(v) for k, v in institution_data().items()}, **form}
    response = client.post("/institutions/new", data=data)
    assert response.status_code in (302, 403, 409, 422), response.status_code
    if response.status_code == 422:
        assert page(response).select(".field-error, .error, [role=alert]")  # the reason is on the page
        assert _counts() == before


@CHECKS
@given(payload=st.binary(max_size=2000) | st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_import_of_hostile_files(runner, tmp_path_factory, payload):
    path = tmp_path_factory.mktemp("hostile") / "x.csv"
    path.write_bytes(payload)
    before = _counts()
    result = runner.invoke(args=["import", "institutions", str(path)])
    assert result.exit_code in (0, 1) and isinstance(result.exception, (SystemExit, type(None))), result.output
    if result.exit_code == 1:
        assert result.output.strip()
        assert _counts() == before


def test_names_with_markup_are_shown_as_text(as_user, make_institution):
    institution = make_institution(name="<script>alert('x')</script>培训学校", category="arts")
    client = as_user("arts")
    for url in ("/institutions", f"/institutions/{institution.id}"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert('x')</script>" not in html and "&lt;script&gt;" in html


def test_an_oversized_upload_is_refused_with_a_message(as_user, users):
    client = as_user("admin")
    big = io.BytesIO(b"name,credit_code\n" + b"x" * (33 * 1024 * 1024))
    response = client.post("/institutions/import", data={"file": (big, "big.csv")}, content_type="multipart/form-data")
    assert response.status_code == 413
    assert page(response).get_text().strip()


def test_a_nul_character_is_refused_everywhere_with_a_message(client, token_for, as_user, users):
    headers = token_for("arts")
    before = _counts()
    answers = [client.post("/api/v1/institutions", json={**institution_data(), "name": "新华\x00艺术"}, headers=headers),
               client.get("/api/v1/cells/\x00", headers=headers),
               client.get("/api/v1/institutions", query_string={"q": "新\x00"}, headers=headers)]
    for response in answers:
        assert response.status_code == 422
        assert "NUL" in response.json["error"]["message"]
    as_user("arts")
    response = client.post("/institutions/new", data={**institution_data(), "name": "新华\x00艺术"})
    assert response.status_code == 422
    assert "NUL" in " ".join(field_errors(response, "name"))
    assert page(response).select_one("input[name=name]")["value"] == "新华\x00艺术"  # what was typed, kept
    assert _counts() == before


_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                     max_leaves=20)
_ring = st.lists(st.tuples(st.floats(-400, 400), st.floats(-400, 400)), min_size=0, max_size=6).map(
    lambda points: [list(p) for p in points])
_feature = st.fixed_dictionaries({
    "type": st.sampled_from(["Feature", "feature", "Point", ""]),
    "properties": st.one_of(st.none(), st.fixed_dictionaries({"adcode": st.one_of(st.text(max_size=8), st.integers()),
                                                              "name": st.text(max_size=8)})),
    "geometry": st.one_of(st.none(), _json, st.fixed_dictionaries({
        "type": st.sampled_from(["Polygon", "MultiPolygon", "LineString", "Polygonal"]),
        "coordinates": st.one_of(_json, st.lists(_ring, max_size=2), st.lists(st.lists(_ring, max_size=2), max_size=2))})),
})
hostile_geojson = st.one_of(
    st.binary(max_size=300),
    _json.map(lambda value: json.dumps(value).encode()),
    st.lists(_feature, max_size=3).map(lambda features: json.dumps({"type": "FeatureCollection",
                                                                    "features": features}).encode()),
)


@CHECKS
@given(payload=hostile_geojson)
def test_import_of_hostile_geojson(runner, tmp_path_factory, payload):
    from registry.grid.models import Cell

    path = tmp_path_factory.mktemp("geojson") / "cells.geojson"
    path.write_bytes(payload)
    db.session.rollback()
    before = db.session.scalar(select(func.count()).select_from(Cell))
    result = runner.invoke(args=["import", "cells", str(path), "--code-property", "adcode"])
    assert result.exit_code in (0, 1) and isinstance(result.exception, (SystemExit, type(None))), result.output
    if result.exit_code == 1:
        assert result.output.strip()  # says what is wrong
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Cell)) == before  # and wrote nothing


def test_ids_no_record_can_have_are_refused_beside_their_field(client, token_for, users, make_institution):
    """Found by schemathesis on PostgreSQL: an id past INTEGER reached the database and failed the request (500)."""
    from registry.enforcement.models import Lead, PenaltyCase

    make_institution(category="arts")
    headers = token_for("arts")
    for bad in (2**40, "12a", 1.5, True, -3):
        lead = client.post("/api/v1/leads", headers=headers, json={"institution_id": bad, "description": "周末补课"})
        assert lead.status_code == 422 and "institution_id" in lead.json["error"]["fields"], (bad, lead.json)
        case = client.post("/api/v1/cases", headers=headers, json={"lead_id": bad, "inspection_id": bad, "institution_id": bad,
                                                                   "summary": "违规收费", "people": ["arts", "arts2"]})
        assert case.status_code == 422, (bad, case.json)
        assert {"lead_id", "inspection_id", "institution_id"} <= set(case.json["error"]["fields"]), (bad, case.json)
    assert client.get("/api/v1/cases/99999999999999999999/steps", headers=headers).status_code == 404
    assert client.post("/api/v1/cases/99999999999999999999/steps", headers=headers, json={}).status_code == 404
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Lead)) == 0
    assert db.session.scalar(select(func.count()).select_from(PenaltyCase)) == 0
