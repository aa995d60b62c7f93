"""Exports of a search, and the public lookup pages."""
from __future__ import annotations

import tempfile

from flask import Blueprint, abort, jsonify, render_template, request, send_file
from flask_babel import gettext
from flask_login import current_user, login_required

from registry.core.models import local_today
from registry.core.web import csv_download, download, page_arg
from registry.extensions import limiter
from registry.search import exports, public
from registry.search.services import SearchQuery, each_row, search

bp = Blueprint("search", __name__)


@bp.get("/institutions/suggest")
@login_required
def suggest_institutions():
    """A form's institution field asks as the user types (static/search/institution-field.js): the first ten
    institutions the user may see whose name, credit code, ... match, as the register's search finds them."""
    q = request.args.get("q", "")[:60].strip()
    found = search(current_user, SearchQuery(q=q), per_page=10).items if q else []
    return jsonify({"institutions": [{"credit_code": r.institution.credit_code, "name": r.institution.name,
                                      "district": r.institution.district_ref.name if r.institution.district_ref else ""}
                                     for r in found]})


@bp.get("/institutions/export.<fmt>")
@login_required
def export(fmt: str):
    """The whole result of a search (not only the page shown), streamed: CSV with a BOM for Excel, or XLSX."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    query = SearchQuery.from_args(request.args)
    rows = exports.rows(each_row(current_user, query))
    filename = f"institutions-{local_today():%Y%m%d}.{fmt}"
    if fmt == "csv":
        return csv_download(exports.header(), rows, filename)
    spool = tempfile.TemporaryFile()
    exports.write_xlsx(spool, exports.header(), rows)
    spool.seek(0)
    return download(send_file(spool, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), filename)


@bp.get("/public")
@limiter.limit("30 per minute")
def lookup():
    q = request.args.get("q", "")
    return render_template("search/public.html", q=q, list_kind=None, page=public.lookup(q, page=page_arg()),
                           title=gettext("Check a training institution"))


@bp.get("/public/<list_kind>")
@limiter.limit("30 per minute")
def public_list(list_kind: str):
    if list_kind not in public.LISTS:
        abort(404)
    q = request.args.get("q", "")
    titles = {"white": gettext("White list: licensed institutions"),
              "black": gettext("Black list: institutions whose permit was revoked")}
    return render_template("search/public.html", q=q, list_kind=list_kind, title=titles[list_kind],
                           page=public.lookup(q, list_kind=list_kind, page=page_arg()))


