"""The register's list: its one search box and filters (GET /institutions). The route keeps the register's endpoint
name, `register.institutions`, which every page links to."""
from __future__ import annotations

from flask import redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from registry.core import authz
from registry.core.web import page_arg
from registry.grid.services import cell_filter
from registry.register import services
from registry.register.search_keys import short_latin_terms
from registry.register.views import bp
from registry.search import services as search


@bp.get("/institutions")
@login_required
def institutions():
    """The register's one search box and its filters; remembered for the session, so coming back shows the
    same list, and held in the URL, so a search can be bookmarked and shared."""
    if "reset" in request.args:
        session.pop("institution_filters", None)
        return redirect(url_for("register.institutions"))
    if not request.args and session.get("institution_filters"):
        return redirect(url_for("register.institutions", **session["institution_filters"]))
    query = search.SearchQuery.from_args(request.args)
    session["institution_filters"] = query.as_args()
    result = search.search(current_user, query, page=page_arg(), per_page=50)
    return render_template("register/list.html", page=result, filters=query, districts=services.districts(),
                           departments=services.departments(), scope=authz.institution_scope(current_user),
                           cell_filter=_cell_filter(query.cell), short_latin=short_latin_terms(query.q))


def _cell_filter(code: str):
    return cell_filter(current_user, code)
