"""Every form of the app, filled with generated and hostile values by the person who uses it: always an answer
(a redirect, or the form shown again with its errors), never a 500; afterwards the audit chain still verifies.

The forms are found on their pages (every `<form method="post">`), so a form added to a page is tried too; a
page with a form that is not in FORM_PAGES fails `test_every_form_page_is_tried`."""
import io
import string

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.core.audit import verify
from registry.extensions import db
from tests.holding.test_access import RESOURCES, _url, records  # noqa: F401  (records: the fixture)

# What is typed must never grow the session cookie past what a browser keeps (it would silently log the user out).
pytestmark = pytest.mark.filterwarnings("error:The 'session' cookie is too large")

hostile_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=string.printable + "\x1b\u202e\ufeff", min_size=300, max_size=3000),
    st.sampled_from(["", " ", "<script>alert(1)</script>", "' OR 1=1 --", "=cmd|'/c calc'!A1", "-1", "0", "1e309",
                     "99999999999999999999999", "NaN", "２０２６－０９－０１", "2026-02-30", "9999-12-31", "１２３"]),
)
hostile_file = st.tuples(st.binary(max_size=2000), st.sampled_from(["a.png", "a.csv", "a.xlsx", "a.geojson", "../../x", ""]))
EXAMPLES = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)

# The pages with forms that take no record id, and who fills them in (None: nobody logged in).
FORM_PAGES = {
    "accounts.login": None, "enforcement_public.public_report": None, "register.new_institution": "arts",
    "register.import_institutions": "admin", "accounts.new_user": "admin", "enforcement.new_case": "arts",
    "enforcement.new_lead": "arts", "grid.import_cells": "admin", "escrow.import_file": "admin", "accounts.profile": "edu",
    "annual.new_campaign": "arts", "staff.import_file": "arts",
}
EXTRA_ARGUMENTS = {"escrow.import_file": {"kind": "statements"}, "staff.import_file": {"kind": "staff"}}
# Pages that show a record and carry forms posted to routes of their own (no page of their own), who fills them in.
RECORD_FORM_PAGES = {"staff.member": "arts", "annual.campaign": "arts", "annual.inspection": "arts"}
POSTED_FROM_RECORD_PAGES = {"staff.reveal", "annual.absentees", "annual.publish", "annual.material", "annual.review",
                            "annual.correct", "annual.rectified", "annual.proposal"}


def _person(endpoint: str) -> str:
    writers = RESOURCES[endpoint][3]
    return "arts" if "arts" in writers else "grid2" if "grid2" in writers else "admin"


def _pages(app, records):  # noqa: F811
    from flask import url_for

    pages = [(endpoint, _url(app, endpoint, records), _person(endpoint)) for endpoint, (_, _, _, writers) in RESOURCES.items()
             if writers and not endpoint.startswith("api.") and "GET" in _rule(app, endpoint).methods]
    pages += [(endpoint, _url(app, endpoint, records), who) for endpoint, who in RECORD_FORM_PAGES.items()]
    with app.test_request_context():
        pages += [(e, url_for(e, **EXTRA_ARGUMENTS.get(e, {})), who) for e, who in FORM_PAGES.items()]
        pages.append(("grid.cell", url_for("grid.cell", code="C1"), "admin"))
        pages.append(("accounts.edit_user", url_for("accounts.edit_user", user_id=1), "admin"))
    return pages


def _rule(app, endpoint):
    return next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)


def _fields(form) -> list[tuple[str, str, list[str]]]:
    """(name, kind, offered values) of each named field of a form."""
    fields = []
    for element in form.select("input[name], select[name], textarea[name]"):
        kind = element.get("type", element.name) if element.name == "input" else element.name
        if kind in ("submit", "button", "hidden") and element["name"] != "version":
            continue
        offered = [o.get("value", o.get_text()) for o in element.select("option")] or [element.get("value", "")]
        fields.append((element["name"], kind, offered))
    return fields


def _log_in(client, username):
    client.post("/logout")
    if username:
        assert client.post("/login", data={"username": username, "password": "correct-horse-battery"}).status_code == 302


def test_every_form_with_generated_values(app, client, records):  # noqa: F811
    tried = 0
    for endpoint, url, person in _pages(app, records):
        _log_in(client, person)
        shown = client.get(url)
        assert shown.status_code == 200, (endpoint, url, shown.status_code)
        forms = [f for f in BeautifulSoup(shown.data, "html.parser").select("form") if f.get("method", "").lower() == "post"]
        for form in forms:
            action, fields = form.get("action") or url, _fields(form)
            if not fields:
                continue

            @EXAMPLES
            @given(data=st.data())
            def submit(data):
                values, files = {}, {}
                for name, kind, offered in fields:
                    if kind == "file":
                        if data.draw(st.booleans()):
                            content, filename = data.draw(hostile_file)
                            files[name] = (io.BytesIO(content), filename)
                    elif data.draw(st.booleans()):
                        values[name] = data.draw(st.sampled_from(offered))
                    else:
                        values[name] = data.draw(hostile_text)
                response = client.post(action, data={**values, **files},
                                       content_type="multipart/form-data" if files else None)
                assert response.status_code < 500, (endpoint, action, values, response.get_data(as_text=True)[:500])
                db.session.rollback()

            submit()
            tried += 1
    assert tried >= 20
    assert verify(db.session).ok


def test_every_form_page_is_tried(app, client, records):  # noqa: F811
    """Every route that takes a POST from a page is in the list above or in test_access's RESOURCES."""
    covered = {e for e, _, _ in _pages(app, records)} | {"grid.confirm", "grid.remove_worker", "accounts.logout",
                                                        "accounts.language", "escrow.change_status"} | POSTED_FROM_RECORD_PAGES
    posted = {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods and not r.rule.startswith("/api/")}
    assert posted - covered == set()
