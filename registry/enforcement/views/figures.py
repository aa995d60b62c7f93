"""The records behind a figure of the bulletin: as a page, and every one as CSV."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user, login_required

from registry.core import authz
from registry.core.models import local_today
from registry.core.web import csv_download
from registry.enforcement import exports, indicators
from registry.enforcement.forms import INDICATOR_LABELS
from registry.enforcement.views.common import bp, day_arg
from registry.register import services as register


def _indicator_filters(key: str) -> dict:
    """The period and district of a figure's records (page or download), once the user may read them."""
    if key not in indicators.KEYS:
        abort(404)
    if not (authz.can(current_user, "inspection.list") or authz.can(current_user, "lead.list")):
        abort(403)
    start, end = day_arg("start"), day_arg("end")
    if start is None or end is None or start > end:
        end = end or local_today()
        start = start if start and start <= end else end.replace(day=1)
    district = request.args.get("district") or None  # None: every district; NO_DISTRICT: records without one
    return {"start": start, "end": end, "district": "" if district == NO_DISTRICT else district}


NO_DISTRICT = "none"


@bp.get("/indicators/<key>")
@login_required
def indicator_records(key: str):
    filters = _indicator_filters(key)
    found = indicators.records(current_user, key, **filters)
    return render_template("enforcement/indicator_records.html", key=key, label=INDICATOR_LABELS[key], **filters,
                           records=indicators.shown(found), total=indicators.total(key, found),
                           districts=register.districts(), no_district=NO_DISTRICT)


@bp.get("/indicators/<key>.csv")
@login_required
def indicator_records_csv(key: str):
    """Every record behind the figure (the page shows up to 500 of each kind), streamed as CSV with a BOM for Excel."""
    filters = _indicator_filters(key)
    rows = exports.rows(indicators.each_shown(current_user, key, **filters))
    return csv_download(exports.header(), rows, f"records-{key}-{filters['start']:%Y%m%d}-{filters['end']:%Y%m%d}.csv")
