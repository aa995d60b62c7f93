"""The one decision point, as a matrix of every role against every action, and every route's access rule."""
from types import SimpleNamespace

import pytest

from registry.core.authz import ACTIONS, can

ROLES = {
    "admin": SimpleNamespace(role="admin", department_code=None),
    "edu": SimpleNamespace(role="officer", department_code="edu"),
    "sports": SimpleNamespace(role="officer", department_code="sports"),
    "grid": SimpleNamespace(role="grid_worker", department_code=None),
    "market": SimpleNamespace(role="market", department_code="market"),
    "inactive_admin": SimpleNamespace(role="admin", department_code=None, is_active=False),
}
for user in ROLES.values():
    user.is_authenticated = True
    user.__dict__.setdefault("is_active", True)

class Record(SimpleNamespace):
    __hash__ = object.__hash__


ACADEMIC = Record(department_code="edu")
SPORTS = Record(department_code="sports")

# (action, object) → the users allowed, all others refused.
EXPECTED = {
    ("institution.list", None): {"admin", "edu", "sports", "grid", "market"},
    ("institution.view", ACADEMIC): {"admin", "edu", "market"},
    ("institution.view", SPORTS): {"admin", "sports", "market"},
    ("institution.edit", ACADEMIC): {"admin", "edu"},
    ("institution.edit", SPORTS): {"admin", "sports"},
    ("institution.transition", ACADEMIC): {"admin", "edu"},
    ("institution.transition", SPORTS): {"admin", "sports"},
    ("institution.create", None): {"admin", "edu", "sports"},
    ("institution.create", "edu"): {"admin", "edu"},
    ("institution.create", "sports"): {"admin", "sports"},
    ("institution.import", None): {"admin"},
    ("user.manage", None): {"admin"},
    ("audit.view", None): {"admin"},
    ("escrow.list", None): {"admin", "edu", "sports", "market"},
    ("escrow.view", ACADEMIC): {"admin", "edu", "market"},
    ("escrow.view", SPORTS): {"admin", "sports", "market"},
    ("escrow.edit", ACADEMIC): {"admin", "edu"},
    ("escrow.edit", SPORTS): {"admin", "sports"},
    ("escrow.import", None): {"admin", "edu", "sports"},
}
# The grid: a grid worker's rights depend on their cells (tested with a database below); these have none.
CELL = Record(id=None, path="")
EXPECTED.update({
    ("grid.view", None): {"admin", "edu", "sports", "grid", "market"},
    ("grid.manage", None): {"admin"},
    ("grid.confirm", CELL): {"admin"},
    ("visit.list", None): {"admin", "edu", "sports", "grid", "market"},
    ("visit.view", ACADEMIC): {"admin", "edu", "market"},
    ("visit.create", None): {"admin", "grid"},
    ("visit.create", ACADEMIC): {"admin"},
    ("bulletin.view", None): {"admin", "edu", "sports", "market"},
})

# Enforcement: an inspection of an academic institution led by education with a sports officer (joint); a lead and a
# case routed to education; a lead routed to market regulation (an unlicensed operator).
JOINT = Record(institution=ACADEMIC, department_code="edu", partner_departments={"edu", "sports"})
EDU_ONLY = Record(institution=ACADEMIC, department_code="edu", partner_departments={"edu"})
LEAD = Record(department_code="edu", reported_by_id=None)
MARKET_LEAD = Record(department_code="market", reported_by_id=None)
CASE = Record(department_code="edu")
EXPECTED.update({
    ("inspection.list", None): {"admin", "edu", "sports", "market"},
    ("inspection.view", JOINT): {"admin", "edu", "sports", "market"},
    ("inspection.view", EDU_ONLY): {"admin", "edu", "market"},
    ("inspection.note", JOINT): {"admin", "edu", "sports"},
    ("inspection.note", EDU_ONLY): {"admin", "edu"},
    ("inspection.create", None): {"admin", "edu", "sports", "market"},
    ("inspection.create", ACADEMIC): {"admin", "edu", "market"},
    ("lead.list", None): {"admin", "edu", "sports", "grid", "market"},
    ("lead.view", LEAD): {"admin", "edu", "market"},
    ("lead.create", None): {"admin", "edu", "sports", "market"},
    ("lead.handle", LEAD): {"admin", "edu"},
    ("lead.handle", MARKET_LEAD): {"admin", "market"},
    ("case.list", None): {"admin", "edu", "sports", "market"},
    ("case.view", CASE): {"admin", "edu", "market"},
    ("case.open", None): {"admin", "edu", "sports", "market"},
    ("case.open", "edu"): {"admin", "edu"},
    ("case.open", "market"): {"admin", "market"},
    ("case.step", CASE): {"admin", "edu"},
    ("fine.view", CASE): {"admin", "edu", "market"},
    ("fine.pay", CASE): {"admin", "edu"},
    ("checklist.manage", None): {"admin"},
})
# Staff: the supervising department keeps the roster and reveals ID numbers; market staff read; grid workers never;
# only the education bureau imports the in-service teachers' roster.
EXPECTED.update({
    ("staff.list", None): {"admin", "edu", "sports", "market"},
    ("staff.view", ACADEMIC): {"admin", "edu", "market"},
    ("staff.view", SPORTS): {"admin", "sports", "market"},
    ("staff.edit", ACADEMIC): {"admin", "edu"},
    ("staff.edit", SPORTS): {"admin", "sports"},
    ("staff.reveal", ACADEMIC): {"admin", "edu"},
    ("staff.import", None): {"admin", "edu", "sports"},
    ("teacher.import", None): {"admin", "edu"},
})

# The annual inspection: a campaign or review of education's, read like its institutions, acted on by education.
ANNUAL = Record(department_code="edu")
EXPECTED.update({
    ("annual.list", None): {"admin", "edu", "sports", "market"},
    ("annual.view", ANNUAL): {"admin", "edu", "market"},
    ("annual.open", None): {"admin", "edu", "sports"},
    ("annual.open", "edu"): {"admin", "edu"},
    ("annual.review", ANNUAL): {"admin", "edu"},
    ("annual.import", None): {"admin", "edu", "sports"},
})


def test_grid_worker_sees_the_leads_they_reported():
    grid = SimpleNamespace(role="grid_worker", department_code=None, id=7, is_authenticated=True, is_active=True)
    own, other = Record(department_code="edu", reported_by_id=7), Record(department_code="edu", reported_by_id=8)
    assert can(grid, "lead.view", own) and not can(grid, "lead.view", other)
    assert not can(grid, "lead.handle", own)


def test_every_action_is_in_the_matrix():
    assert {action for action, _ in EXPECTED} == set(ACTIONS)


@pytest.mark.parametrize("action, obj", list(EXPECTED))
@pytest.mark.parametrize("name", list(ROLES))
def test_matrix(name, action, obj):
    assert can(ROLES[name], action, obj) is (name in EXPECTED[(action, obj)])


def test_anonymous_can_do_nothing():
    anonymous = SimpleNamespace(is_authenticated=False, is_active=False, role=None, department_code=None)
    assert not any(can(anonymous, action) for action in ACTIONS)
    assert not any(can(None, action) for action in ACTIONS)


# Routes that anyone may open; every other route must refuse an anonymous visitor.
PUBLIC = {"static", "accounts.login", "accounts.logout", "accounts.language", "api.token", "api.openapi",
          "search.lookup", "search.public_list", "enforcement_public.public_report", "enforcement_public.public_track",
          "enforcement_public.public_thanks", "annual.results"}


def test_every_route_has_an_access_rule(app, client):
    """Walks the URL map: a route not listed as public must answer an anonymous request with 401/403 or a login redirect."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        url = rule.build({arg: 1 for arg in rule.arguments} | ({"to": "licensed"} if "to" in rule.arguments else {}),
                         append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            if url.startswith("/api/"):
                assert response.status_code == 401, (method, url)
            else:
                assert response.status_code == 302 and "/login" in response.headers["Location"], (method, url)


def test_grid_worker_sees_exactly_the_institutions_of_their_cells(app, users, make_institution, as_user, runner):
    """Scope.cells: the cells a grid worker answers for (and those under them) decide what they read."""
    from registry.core.authz import institution_scope
    from registry.grid import importing

    west = [[120.64, 28.0], [120.66, 28.0], [120.66, 28.02], [120.64, 28.02], [120.64, 28.0]]
    east = [[120.66, 28.0], [120.68, 28.0], [120.68, 28.02], [120.66, 28.02], [120.66, 28.0]]
    importing.import_cells(users["admin"], {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code}, "geometry": {"type": "Polygon", "coordinates": [ring]}}
        for code, ring in (("W", west), ("E", east))]}, code_property="code")
    inside = make_institution(latitude=28.01, longitude=120.65, category="academic")
    outside = make_institution(latitude=28.01, longitude=120.67)
    assert runner.invoke(args=["grid-worker", "grid", "W"]).exit_code == 0
    grid = users["grid"]
    scope = institution_scope(grid)
    assert scope.cells and not scope.all and not scope.departments
    assert can(grid, "institution.view", inside) and not can(grid, "institution.view", outside)
    assert can(grid, "visit.create", inside) and not can(grid, "visit.create", outside)
    client = as_user("grid")
    listed = client.get("/api/v1/institutions").json
    assert [i["id"] for i in listed["items"]] == [inside.id]
    assert client.get(f"/institutions/{inside.id}").status_code == 200
    assert client.get(f"/institutions/{outside.id}").status_code == 403
