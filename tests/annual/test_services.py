"""The annual inspection's actions as the pages, API and commands call them."""
from datetime import date

import pytest
from sqlalchemy import func, select

from registry.annual import services
from registry.annual.models import AnnualInspection, GradeCorrection
from registry.annual.rules import Grade, Proposal, ProposalState, State
from registry.core.audit import AuditEntry
from registry.core.errors import Conflict, Forbidden, Invalid
from registry.extensions import db
from tests.annual.conftest import CAMPAIGN, review_data


def test_opening_lists_the_due_and_the_exempt_with_the_reason(campaign, arts_institutions, inspection_of):
    assert (campaign.due_count, campaign.exempt_count) == (2, 1)
    late = inspection_of(arts_institutions[2])
    assert late.state is State.exempt and late.exempt_reason == "licensed_after_cutoff"
    assert campaign.cutoff == date(2026, 10, 1)
    entries = db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "annual.open"))
    assert entries >= 4  # the campaign and each of its three institutions


def test_one_annual_inspection_per_institution_and_year(campaign, officers):
    with pytest.raises(Invalid) as refused:
        services.open_campaign(officers["arts"], dict(CAMPAIGN))
    assert "year" in refused.value.fields


def test_another_department_may_not_open_or_review(campaign, officers, arts_institutions, inspection_of):
    with pytest.raises(Forbidden):
        services.open_campaign(officers["edu"], {**CAMPAIGN, "department": "culture"})
    inspection = inspection_of(arts_institutions[0])
    with pytest.raises(Forbidden):
        services.review(officers["edu"], inspection.id, review_data(), version=inspection.version)


def test_grade_points_and_consequences(graded, arts_institutions):
    passed = graded(arts_institutions[0], lost={"fees": 10})
    assert (passed.grade, passed.points, passed.enrolment_stopped) == (Grade.passed, 90, False)
    with pytest.raises(Invalid) as refused:
        graded(arts_institutions[1], lost={"fees": 15, "staff": 15, "premises": 5})
    assert set(refused.value.fields) == {"rectification", "rectification_deadline"}
    db.session.rollback()
    failed = graded(arts_institutions[1], failing=["no_escrow"], reasons={"no_escrow": "预收费未进监管账户"},
                    rectification="开设监管账户", rectification_deadline="2027-06-30")
    assert (failed.grade, failed.points, failed.enrolment_stopped, failed.proposal) == (Grade.failed, 100, True, None)


def test_a_second_fail_in_a_row_proposes_suspension_and_the_register_waits(officers, arts_institutions, graded,
                                                                          inspection_of, campaign):
    from registry.register.models import Institution

    institution = arts_institutions[0]
    last_year = AnnualInspection(campaign_id=campaign.id, institution_id=institution.id, year=2025,
                                 department_code="culture", district="330302", state=State.reviewed, grade=Grade.failed)
    db.session.add(last_year)
    db.session.commit()
    inspection = graded(institution, lost={"fees": 15, "staff": 15, "teaching": 15}, rectification="整改",
                        rectification_deadline="2027-06-30")
    assert (inspection.grade, inspection.proposal, inspection.proposal_state) == (Grade.failed, Proposal.suspend, ProposalState.proposed)
    assert db.session.get(Institution, institution.id).status.value == "licensed"
    with pytest.raises(Invalid) as refused:
        services.decide_proposal(officers["arts"], inspection.id, {"decision": "confirm"}, version=inspection.version)
    assert "reason" in refused.value.fields
    services.decide_proposal(officers["arts"], inspection.id, {"decision": "confirm", "reason": "连续两年年检不合格"},
                             version=inspection.version)
    db.session.commit()
    assert db.session.get(Institution, institution.id).status.value == "suspended"


def test_a_correction_keeps_the_grade_before_and_its_reason(graded, arts_institutions, officers):
    inspection = graded(arts_institutions[0], lost={"fees": 5})
    with pytest.raises(Invalid):
        services.correct_grade(officers["arts"], inspection.id, {"grade": "basic"}, version=inspection.version)
    services.correct_grade(officers["arts"], inspection.id, {"grade": "basic", "reason": "复核发现收费问题",
                                                             "rectification": "公示收费标准",
                                                             "rectification_deadline": "2027-05-01"},
                           version=inspection.version)
    db.session.commit()
    [correction] = db.session.scalars(select(GradeCorrection)).all()
    assert (correction.from_grade, correction.to_grade, correction.reason) == (Grade.passed, Grade.basic, "复核发现收费问题")
    with pytest.raises(Conflict):
        services.review(officers["arts"], inspection.id, review_data(), version=inspection.version)


def test_nothing_is_dated_in_the_future_and_late_results_are_flagged(graded, arts_institutions, pin_today):
    with pytest.raises(Invalid) as refused:
        graded(arts_institutions[0], reviewed_on="2027-03-16")
    assert "reviewed_on" in refused.value.fields
    db.session.rollback()
    pin_today(date(2027, 6, 2))
    assert graded(arts_institutions[0], reviewed_on="2027-06-01").late


def test_absentees_are_graded_after_the_materials_deadline(officers, campaign, arts_institutions, inspection_of, pin_today):
    first = inspection_of(arts_institutions[0])
    services.record_material(officers["arts"], first.id, {"kind": "annual_report", "received_on": "2027-03-01"})
    with pytest.raises(Invalid):
        services.mark_absentees(officers["arts"], campaign.id)
    pin_today(date(2027, 4, 1))
    assert services.mark_absentees(officers["arts"], campaign.id) == 1
    db.session.commit()
    absent = inspection_of(arts_institutions[1])
    assert (absent.grade, absent.enrolment_stopped) == (Grade.absent, True)
    figures = services.progress(officers["arts"], campaign.id)
    assert (figures["due"], figures["exempt"], figures["absent"], figures["pending"]) == (2, 1, 1, 1)


def test_an_institution_revoked_stops_being_due_and_its_inspection_is_closed(officers, campaign, arts_institutions,
                                                                             inspection_of):
    from registry.register import services as register

    institution = arts_institutions[1]
    register.transition_institution(officers["arts"], institution.id, to="revoked", reason="以欺骗手段取得许可")
    db.session.commit()
    db.session.expire_all()
    closed = inspection_of(institution)
    assert closed.state is State.closed and "以欺骗手段取得许可" in closed.closed_reason
    assert services.progress(officers["arts"], campaign.id)["closed"] == 1
    with pytest.raises(Conflict):
        services.review(officers["arts"], closed.id, review_data(), version=closed.version)
