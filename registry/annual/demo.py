"""The annual inspection's demo: last year's inspection done for every department (every grade, a few 未参检, one
refusal proposing suspension, two rectifications overdue) and this year's open with some materials in, dated from
today so each page shows real figures on any day."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from registry.accounts.models import User
from registry.annual import services
from registry.annual.models import AnnualInspection, Campaign
from registry.annual.rules import State
from registry.core.audit import set_actor
from registry.extensions import db

# Each department's two officers (fixtures/demo_users.csv).
OFFICERS = {"edu": ("edu", "edu2"), "tech": ("tech", "tech2"), "culture": ("arts", "arts2"), "sports": ("sports", "sports2")}
BASIC = {"fees": 15, "staff": 10, "premises": 10}     # 65 points: 基本合格
FAILED = {"fees": 15, "staff": 15, "teaching": 15}    # 55 points: 不合格
REASONS = {"fees": "收费标准未公示，个别合同未使用示范文本", "staff": "部分教师资格证明缺失",
           "premises": "消防巡查记录不全", "teaching": "存在超时培训"}


def years(today: date) -> tuple[int, int]:
    """The year whose inspection is done and the one open: in the spring, the year before last is done."""
    done = today.year - 1 if today.month >= 7 else today.year - 2
    return done, done + 1


def load_annual_demo(today: date) -> None:
    done, open_year = years(today)
    users = {u.username: u for u in db.session.scalars(select(User))}
    for department, (first, second) in OFFICERS.items():
        officer = users[first]
        set_actor(db.session, officer)
        campaign = services.open_campaign(officer, {
            "year": done, "materials_deadline": min(date(done + 1, 3, 31), today).isoformat(),
            "results_deadline": min(date(done + 1, 5, 31), today).isoformat()})
        db.session.flush()
        _review_all(officer, second, campaign, today)
        services.publish_results(officer, campaign.id)
        db.session.commit()
        current = services.open_campaign(officer, {
            "year": open_year, "materials_deadline": date(open_year + 1, 3, 31).isoformat(),
            "results_deadline": date(open_year + 1, 5, 31).isoformat()})
        for n, inspection in enumerate(_due(current)):
            if n % 3 == 0:
                services.record_material(officer, inspection.id, {"kind": "annual_report", "received_on": today.isoformat()})
            if n % 6 == 0:
                services.record_material(officer, inspection.id, {"kind": "audit_report", "received_on": today.isoformat()})
        db.session.commit()
    set_actor(db.session, None)


def _due(campaign: Campaign) -> list[AnnualInspection]:
    return list(db.session.scalars(select(AnnualInspection).where(
        AnnualInspection.campaign_id == campaign.id, AnnualInspection.state == State.due).order_by(AnnualInspection.id)))


def _review_all(officer, second: str, campaign: Campaign, today: date) -> None:
    reviewed_on = min(date(campaign.year + 1, 4, 15), today)
    deadline = min(date(campaign.year + 1, 7, 31), today)
    overdue_left = 1 if campaign.department_code in ("culture", "sports") else 0  # two overdue in all
    for n, inspection in enumerate(_due(campaign)):
        for kind in ("annual_report", "audit_report", "fee_contracts", "enrolment", "staff", "premises_fire",
                     "escrow_statement")[: 7 if n % 20 else 0]:
            services.record_material(officer, inspection.id, {"kind": kind, "received_on": reviewed_on.isoformat()})
        data = {"reviewed_on": reviewed_on.isoformat(), "signed_by": officer.username, "cosigned_by": second,
                "rectification": "按年检意见限期整改", "rectification_deadline": deadline.isoformat()}
        kind = n % 20
        if kind == 0:
            data.update(absent=True, refused=n == 0 and campaign.department_code == "culture",
                        rectification="报送年检材料并参加年度检查")
        elif kind in (1, 2):
            data.update(lost=FAILED, reasons=REASONS)
        elif kind in (3, 4, 5):
            data.update(lost=BASIC, reasons=REASONS)
        else:
            data.update(lost={"fees": n % 8} if n % 8 else {}, reasons=REASONS)
        if deadline <= reviewed_on:  # a demo made in the first days of a spring: no rectification can be due yet
            data["rectification_deadline"] = date(reviewed_on.year, 12, 31).isoformat()
        reviewed = services.review(officer, inspection.id, data, version=inspection.version)
        if reviewed.rectification_deadline and kind in (3, 4, 5) and overdue_left and reviewed.rectification_deadline < today:
            overdue_left -= 1  # left open: listed as overdue
        elif reviewed.rectification_deadline and reviewed.rectification_deadline < today:
            services.record_rectified(officer, inspection.id, {"rectified_on": reviewed.rectification_deadline.isoformat()},
                                      version=reviewed.version)
