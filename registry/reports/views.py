"""The reports' pages: the home page's dashboard, the bulletin (screen, print, XLSX) and the records behind a figure."""
from __future__ import annotations

import io

from flask import Blueprint, render_template, request, send_file
from flask_babel import gettext
from flask_login import current_user, login_required

from registry.core.models import local_today
from registry.core.errors import Invalid
from registry.core.web import csv_download
from registry.reports import dashboards, export, rules, services

bp = Blueprint("reports", __name__)


@bp.app_template_filter("figure")
def figure_filter(value, kind: str = "institution") -> str:
    if kind == "rate":
        return rules.format_rate(value)
    if kind == "money":
        return rules.format_fen(value)
    return rules.format_count(value)


@bp.app_template_filter("change")
def change_filter(delta, kind: str = "institution") -> str:
    if kind == "money" and delta is not None:
        return ("+" if delta > 0 else "−" if delta < 0 else "") + rules.format_fen(abs(delta)) if delta else "0"
    if kind == "rate" and delta is not None:
        return rules.format_change(delta) + ("" if delta == 0 else " pp")
    return rules.format_change(delta)


@bp.app_template_filter("wan")
def wan_filter(fen) -> str:
    return "—" if fen is None else f"{rules.wan_yuan(fen):,}"


@bp.get("/")
@login_required
def home():
    """The home page: what the signed-in user's role watches, and what waits for them."""
    return render_template("reports/home.html", board=dashboards.dashboard(current_user), today=local_today())


def _bulletin():
    period = services.parse_period(request.args.get("start"), request.args.get("end"))
    return services.bulletin(current_user, period=period, city=request.args.get("city", "")[:12])


@bp.get("/reports/bulletin")
@login_required
def bulletin():
    try:
        report = _bulletin()
    except Invalid as error:
        default = rules.last_full_fortnight(local_today())
        report = services.bulletin(current_user, period=default, city=request.args.get("city", "")[:12])
        return render_template("reports/bulletin.html", bulletin=report, cities=services.cities(), error=error,
                               asked=request.args), 400
    return render_template("reports/bulletin.html", bulletin=report, cities=services.cities(), error=None, asked={})


@bp.get("/reports/bulletin/print")
@login_required
def bulletin_print():
    return render_template("reports/print.html", bulletin=_bulletin())


@bp.get("/reports/bulletin.xlsx")
@login_required
def bulletin_xlsx():
    report = _bulletin()
    name = f"bulletin-{report.city.code}-{report.period.start:%Y%m%d}-{report.period.end:%Y%m%d}.xlsx"
    return send_file(io.BytesIO(export.xlsx(report)), as_attachment=True, download_name=name,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _records_filters() -> dict:
    """The period and place of a records page (and of its download), from the query string."""
    cell = request.args.get("cell", "")
    return {"period": services.parse_period(request.args.get("start"), request.args.get("end")),
            "district": request.args.get("district", ""), "city": request.args.get("city", ""),
            "cell": int(cell) if cell.isdigit() and len(cell) < 10 else None}


@bp.get("/reports/records/<key>")
@login_required
def records(key: str):
    filters = _records_filters()
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    result = services.records(current_user, key, page=page, **filters)
    district = filters["district"]
    return render_template("reports/records.html", page=result, period=filters["period"], district=district,
                           district_name=services.district_name(district), title=gettext("Records behind the figure"))


@bp.get("/reports/records/<key>.csv")
@login_required
def records_csv(key: str):
    """Every record behind the figure (not only the page shown), streamed as CSV with a BOM for Excel."""
    filters = _records_filters()
    indicator, rows = services.each_record(current_user, key, **filters)
    period = filters["period"]
    return csv_download(export.records_header(indicator.kind), export.record_rows(indicator.kind, rows),
                        f"records-{indicator.key}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv")
