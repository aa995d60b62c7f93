"""Generated requests to every endpoint of the OpenAPI document: never a 500, and every 2xx JSON answer fits
the document's schema for it."""
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS30Validator

CHECKS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
hostile = st.one_of(st.text(max_size=40), st.sampled_from(["", "0", "-1", "99999999999999999999", "NaN", "<b>", "'--",
                                                            "%", "\x00", "新华", "licensed", "arts"]))


def _value(schema: dict):
    if "enum" in schema:
        return st.one_of(st.sampled_from(schema["enum"]), hostile)
    if schema.get("type") == "integer":
        return st.one_of(st.integers(min_value=-5, max_value=10**12), hostile)
    if schema.get("type") == "boolean":
        return st.one_of(st.sampled_from(["true", "false"]), hostile)
    return hostile


def _operations(document):
    for path, item in document["paths"].items():
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method == "parameters":
                continue
            yield path, method, shared + operation.get("parameters", []), operation


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").json


def _validator(document, schema):
    return OAS30Validator({**schema, "components": document["components"]})


def test_every_endpoint_with_generated_input(app, client, users, token_for, make_institution, document):
    make_institution(name="鹿城区新华艺术培训学校", category="arts")
    headers = token_for("admin")
    operations = list(_operations(document))
    assert len(operations) > 15

    @CHECKS
    @given(data=st.data())
    def run(data):
        path, method, parameters, operation = data.draw(st.sampled_from(operations))
        url = path
        query = {}
        for parameter in parameters:
            value = data.draw(_value(parameter.get("schema", {})))
            if parameter["in"] == "path":
                url = url.replace("{" + parameter["name"] + "}", re.sub(r"[/?#]", "", str(value)) or "1")
            elif parameter["in"] == "query" and data.draw(st.booleans()):
                query[parameter["name"]] = value
        body = None
        if "requestBody" in operation:
            body = data.draw(st.one_of(st.dictionaries(st.text(max_size=15), st.one_of(hostile, st.integers(), st.none()),
                                                       max_size=5), st.just({})))
        response = client.open("/api/v1" + url, method=method.upper(), query_string=query, json=body, headers=headers)
        assert response.status_code < 500, (method, url, query, body, response.get_data(as_text=True)[:300])
        documented = operation["responses"].get(str(response.status_code), {})
        schema = documented.get("content", {}).get("application/json", {}).get("schema")
        if 200 <= response.status_code < 300 and schema and response.is_json:
            errors = list(_validator(document, schema).iter_errors(response.json))
            assert not errors, (method, url, query, errors[0].message)

    run()
