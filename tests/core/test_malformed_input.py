"""Malformed requests anyone can send: answered with a 4xx and a message, never a 500 or a redirect off the site."""
import io

from tests.conftest import PASSWORD, field_errors, login, page

DEEP = "[" * 6000 + "]" * 6000


def test_json_nested_thousands_deep_is_refused_with_a_message(client, users, token_for):
    headers = {**token_for("edu"), "Content-Type": "application/json"}
    for path in ("/api/v1/institutions", "/api/v1/cases", "/api/v1/auth/token"):
        response = client.post(path, data='{"name": ' + DEEP + "}", headers=headers)
        assert response.status_code == 422, (path, response.status_code)
        assert response.json["error"]["message"] == "JSON 嵌套层数过多。"


def test_geojson_nested_thousands_deep_is_refused_with_a_message(users, as_user):
    client = as_user("admin")
    document = '{"type": "FeatureCollection", "features": ' + DEEP + "}"
    response = client.post("/grid/cells/import", data={"file": (io.BytesIO(document.encode()), "deep.geojson"),
                                                        "code_property": "adcode", "name_property": "name"},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "嵌套层数过多" in page(response).get_text()


def test_a_lone_surrogate_in_json_is_refused(client, users, token_for):
    headers = {**token_for("edu"), "Content-Type": "application/json"}
    body = '{"institution_id": 1, "people": "\\ud800", "facts": "x"}'
    response = client.post("/api/v1/cases", data=body, headers=headers)
    assert response.status_code == 422
    assert "代理对" in response.json["error"]["message"]


def test_a_line_break_in_next_neither_fails_nor_leaves_the_site(client, users):
    for target in ("/institutions%0d%0aSet-Cookie:%20x=1", "/%0a/evil.example/", "/\t/evil.example"):
        client.post("/logout")
        response = client.post(f"/login?next={target}", data={"username": "edu", "password": PASSWORD})
        assert response.status_code == 302 and response.headers["Location"] == "/", target
        again = client.get(f"/login?next={target}")  # already logged in: straight on
        assert again.status_code == 302 and again.headers["Location"] == "/", target
    language = client.post("/language", data={"locale": "en", "next": "/institutions\r\nX: y"})
    assert language.status_code == 302 and language.headers["Location"] == "/"
    assert login(client, "edu").status_code == 302
