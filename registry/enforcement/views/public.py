"""The public's pages: report an unlicensed or misbehaving institution, and track the report."""
from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext

from registry.core.errors import Invalid
from registry.enforcement import services
from registry.enforcement.forms import PublicLeadForm, TrackForm
from registry.enforcement.views.common import district_field_choices, form_status, public_bp
from registry.extensions import limiter


@public_bp.route("/report", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config.get("REGISTRY_PUBLIC_LEAD_LIMIT", "5 per hour"), methods=["POST"])
def public_report():
    form = PublicLeadForm()
    form.district.choices = district_field_choices(gettext("Not sure"))
    if form.validate_on_submit():
        try:
            lead = services.submit_public_lead(form.values(("subject_name", "subject_address", "district", "description",
                                                            "reporter_name", "reporter_phone")))
        except Invalid as error:
            form.take_errors(error)
        else:
            # Redirect after the POST, so that refreshing the thanks page does not file the report again; the number
            # goes to the next page in the session, not in its address.
            session["reported"] = {"number": lead.tracking_number, "deadline": lead.deadline.isoformat()}
            return redirect(url_for("enforcement_public.public_thanks"), 303)
    return render_template("enforcement/public_report.html", form=form), form_status(form)


@public_bp.get("/report/thanks")
def public_thanks():
    """The tracking number of the report just filed, shown once."""
    return render_template("enforcement/public_thanks.html", reported=session.pop("reported", None))


@public_bp.get("/report/track")
@limiter.limit("20 per minute")
def public_track():
    form = TrackForm(request.args)
    lead, asked = None, bool(request.args.get("number"))
    if asked:
        lead = services.track(form.number.data or "", form.phone.data or "")
    return render_template("enforcement/public_track.html", form=form, lead=lead, asked=asked), 404 if asked and lead is None else 200
