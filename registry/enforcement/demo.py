"""Enforcement's demo: three months of inspections (some joint, some failed and re-inspected, some rectifications
overdue), leads from the hotline and the public (some overdue, some closed), and penalty cases at every step, with
fines paid, part-paid and overdue. Everything goes through the services, dated relative to today, so the demo is as
recent (and as overdue) on any day as on the day it was written."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from registry.accounts.models import User
from registry.core.audit import set_actor
from registry.enforcement import services
from registry.extensions import db
from registry.register.models import Institution
from registry.register.rules import Category, Status

# Each department's two enforcement officers (the second from fixtures/demo_users.csv).
TEAMS = {"edu": ("edu", "edu2"), "tech": ("tech", "tech2"), "culture": ("arts", "arts2"), "sports": ("sports", "sports2"),
         "market": ("market", "market2")}
FINDINGS = {"fee_schedule_displayed": "收费项目及标准未在前台公示", "charge_limits": "查见一次性收取6个月学费的收据",
            "fire_safety": "二楼安全出口被教具堵塞，灭火器过期", "no_illegal_ads": "门口张贴“中考数学冲刺”招生广告",
            "no_academic_content": "以美术课名义开设小学数学辅导班", "background_checks": "2名教师无入职查询记录",
            "floor_area": "教室约40平方米同时容纳20名学生", "training_hours": "周六上午开设学科类课程"}


def _user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def _answers(institution: Institution, failed) -> tuple[dict, dict]:
    items = services.checklist(institution.category.value)
    results = {i.key: "fail" if i.key in failed else ("na" if i.key == "teacher_qualifications" and n % 3 == 0 else "pass")
               for n, i in enumerate(items)}
    return results, {key: FINDINGS.get(key, "现场发现问题") for key in failed}


def _inspect(officer: str, institution: Institution, on: date, *, failed=(), outcome=None, partner: str | None = None,
             deadline_days: int = 20, follows=None, summary: str = ""):
    team = list(TEAMS[_user(officer).department_code])
    if partner:
        team.append(partner)
    results, notes = _answers(institution, failed) if follows is None else (
        {r.item.key: "pass" for r in follows.failed_results}, {})
    outcome = outcome or ("rectification" if failed else "compliant")
    raw = {"inspected_on": on.isoformat(), "staff": team, "results": results, "item_notes": notes, "outcome": outcome,
           "notes": "检查时负责人在场，已签字确认。", "follows": follows.id if follows else None,
           "case_summary": summary, "case_documents": f"立案审批表〔{on.year}〕{on.month}{on.day:02d}号" if summary else ""}
    if outcome == "rectification":
        raw["deadline"] = (on + timedelta(days=deadline_days)).isoformat()
    user = _user(officer)
    set_actor(db.session, user)
    return services.record_inspection(user, institution.id, raw)


def _steps(officer: str, case, until: str, start: date, *, decision: dict | None = None) -> None:
    user = _user(officer)
    team = list(TEAMS[user.department_code])
    documents = {"investigated": "询问笔录2份、现场检查笔录", "notified": f"行政处罚告知书〔{start.year}〕{case.serial}号",
                 "reviewed": "法制审核意见书", "decided": f"行政处罚决定书〔{start.year}〕{case.serial}号",
                 "served": "送达回证", "executed": "罚没款缴款书", "closed": "结案审批表"}
    set_actor(db.session, user)
    done = [s.step.value for s in case.steps]
    for n, step in enumerate(("investigated", "notified", "reviewed", "decided", "served", "executed", "closed"), start=1):
        if step in done:
            continue
        raw = {"step": step, "on": (start + timedelta(days=3 * n)).isoformat(), "people": team, "documents": documents[step]}
        if step == "decided":
            raw.update(decision or {"violation_type": "fee_violation", "sanctions": ["warning"]})
        services.record_step(user, case.id, raw, version=case.version)
        if step == until:
            return


def _pay(officer: str, case, amount: str, on: date, receipt: str) -> None:
    fine = services.fine_of(case.id)
    user = _user(officer)
    set_actor(db.session, user)
    services.record_payment(user, fine.id, {"amount": amount, "paid_on": on.isoformat(), "receipt_number": receipt},
                            version=fine.version)


def load_enforcement_demo(today: date) -> None:
    def licensed(category: Category, count: int, skip: int = 0) -> list[Institution]:
        return list(db.session.scalars(select(Institution).where(Institution.category == category,
                                                                 Institution.status == Status.licensed)
                                       .order_by(Institution.id).offset(skip).limit(count)))

    ago = lambda n: today - timedelta(days=n)  # noqa: E731
    arts, sports = licensed(Category.arts, 14), licensed(Category.sports, 8)
    tech, academic = licensed(Category.tech, 4), licensed(Category.academic, 2)

    # Routine inspections, compliant; a joint one with market regulation.
    for n, institution in enumerate(arts[:6]):
        _inspect("arts", institution, ago(80 - 9 * n), partner="market" if n == 2 else None)
    for n, institution in enumerate(sports[:4]):
        _inspect("sports", institution, ago(70 - 11 * n))
    for n, institution in enumerate(tech[:3]):
        _inspect("tech", institution, ago(60 - 13 * n), partner="market" if n == 0 else None)
    for institution in academic:
        _inspect("edu", institution, ago(45), partner="market")

    # Rectifications: one re-inspected and fixed, two overdue (deadline passed, no re-inspection), one still running.
    fixed = _inspect("arts", arts[6], ago(50), failed=["fee_schedule_displayed", "fire_safety"], deadline_days=15)
    _inspect("arts", arts[6], ago(30), follows=fixed)
    _inspect("arts", arts[7], ago(40), failed=["floor_area"], deadline_days=20)
    _inspect("sports", sports[4], ago(35), failed=["background_checks"], deadline_days=15)
    _inspect("tech", tech[3], ago(8), failed=["fee_schedule_displayed"], deadline_days=30)
    db.session.commit()

    # Cases opened by inspections: disguised academic training (fine part-paid and overdue), fees (closed, paid in
    # full), fire safety (suspension decided, served), advertising (under investigation).
    disguised = _inspect("arts", arts[8], ago(75), failed=["no_academic_content", "training_hours"], outcome="case",
                         summary="以美术培训名义在周末开展小学数学学科类培训，查见课表和学员作业。")
    [case] = services.cases_from(inspection_id=disguised.id)
    _steps("arts", case, "served", ago(75), decision={"violation_type": "disguised_serious",
                                                      "sanctions": ["fine", "confiscation", "refund"], "fine": "30000",
                                                      "confiscation": "12600", "refund_order": "退还14名学员未上课时费用共计2.1万元"})
    _pay("arts", case, "20000", ago(40), "FS2026-0041")

    fees = _inspect("sports", sports[5], ago(70), failed=["charge_limits"], outcome="case",
                    summary="一次性收取学员6个月培训费，超过3个月的规定。")
    [case] = services.cases_from(inspection_id=fees.id)
    _steps("sports", case, "served", ago(70), decision={"violation_type": "fee_violation", "sanctions": ["fine", "refund"],
                                                        "fine": "8000", "refund_order": "退还超期预收费用共计4.8万元"})
    _pay("sports", case, "8000", ago(45), "FS2026-0039")
    _steps("sports", case, "closed", ago(70) + timedelta(days=9))

    fire = _inspect("arts", arts[9], ago(60), failed=["fire_safety", "floor_area"], outcome="case",
                    summary="安全出口堵塞、超员培训，经责令仍未整改。")
    [case] = services.cases_from(inspection_id=fire.id)
    _steps("arts", case, "served", ago(60), decision={"violation_type": "safety_violation",
                                                      "sanctions": ["fine", "suspension"], "fine": "15000"})

    ads = _inspect("arts", arts[10], ago(12), failed=["no_illegal_ads"], outcome="case", partner="market",
                   summary="在小区电梯广告屏发布学科类培训广告。")
    [case] = services.cases_from(inspection_id=ads.id)
    _steps("arts", case, "investigated", ago(12))
    db.session.commit()

    # Leads from the hotline: one overdue and still handled, one closed on time, one about an unlicensed operator
    # that became a market-regulation case with a fine on illegal income, one new.
    arts_officer, market = _user("arts"), _user("market")
    set_actor(db.session, arts_officer)
    late = services.record_hotline_lead(arts_officer, {"institution_id": arts[11].id, "received_on": ago(25).isoformat(),
                                                       "description": "家长反映该机构晚上九点后仍在上课。",
                                                       "reporter_name": "陈女士", "reporter_phone": "13957712345"})
    services.assign_lead(arts_officer, late.id, assignee="arts2", version=late.version, note="请一周内核实")
    services.handle_lead(arts_officer, late.id, version=late.version)
    on_time = services.record_hotline_lead(arts_officer, {"institution_id": arts[12].id, "received_on": ago(30).isoformat(),
                                                          "description": "机构门口张贴的价目表与实际收费不一致。",
                                                          "reporter_phone": "13857767890"})
    services.assign_lead(arts_officer, on_time.id, assignee="arts", version=on_time.version)
    services.handle_lead(arts_officer, on_time.id, version=on_time.version)
    services.close_lead(arts_officer, on_time.id, outcome="rectified", reply="经核实，机构已按公示价格收费并退还差价。",
                        version=on_time.version, closed_on=ago(22).isoformat())
    set_actor(db.session, market)
    unlicensed = services.record_hotline_lead(market, {"subject_name": "星辰学习屋", "subject_address": "鹿城区南汇街道锦绣路88号301室",
                                                       "district": "330302", "received_on": ago(55).isoformat(),
                                                       "description": "居民楼内无证开展初中英语、数学辅导，约30名学生。",
                                                       "reporter_phone": "13600577001"})
    services.assign_lead(market, unlicensed.id, assignee="market2", version=unlicensed.version)
    services.handle_lead(market, unlicensed.id, version=unlicensed.version)
    services.close_lead(market, unlicensed.id, outcome="case_opened", reply="已立案查处，责令停止无证培训。",
                        version=unlicensed.version, closed_on=ago(48).isoformat(),
                        case_summary="未经许可在居民楼内开展学科类培训。")
    [case] = services.cases_from(lead_id=unlicensed.id)
    _steps("market", case, "decided", ago(48), decision={"violation_type": "unlicensed_training",
                                                         "sanctions": ["fine", "confiscation"], "illegal_income": "36000",
                                                         "fine": "72000", "confiscation": "36000"})
    set_actor(db.session, _user("sports"))
    services.record_hotline_lead(_user("sports"), {"institution_id": sports[6].id, "received_on": ago(2).isoformat(),
                                                   "description": "游泳课无救生员在场。", "reporter_phone": "13758800112"})
    set_actor(db.session, _user("edu"))
    services.record_hotline_lead(_user("edu"), {"subject_name": "某“自习室”", "district": "330304",
                                                "received_on": ago(18).isoformat(),
                                                "description": "以自习室名义组织中小学生学科辅导。"})
    # From the public form (today's reports).
    set_actor(db.session, None)
    services.submit_public_lead({"subject_name": arts[13].name, "subject_address": arts[13].address,
                                 "description": "暑期班收费超过三个月，且不开收据。", "reporter_phone": "13912345678"})
    services.submit_public_lead({"subject_name": "阳光托管中心", "subject_address": "瓯海区娄桥街道", "district": "330304",
                                 "description": "托管班内老师给学生讲授数学新课。", "reporter_name": "李先生",
                                 "reporter_phone": "13812345678"})
    db.session.commit()
