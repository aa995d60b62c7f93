"""The annual inspection's actions: one function per thing a user does (each checks rights, validates, writes,
audits, flushes; the caller commits)."""
from registry.annual import signals  # noqa: F401  (closes the inspection of an institution that ends)
from registry.annual.services.campaigns import (SHOWS, Filters, filtered, get_campaign, list_campaigns, list_inspections,
                                                mark_absentees, open_campaign, progress, progress_by_district,
                                                publish_results, published_results, published_years)
from registry.annual.services.common import standard, thresholds
from registry.annual.services.reviews import (correct_grade, decide_proposal, get_inspection, inspections_of,
                                              latest_grades,
                                              previous_grade, record_material, record_rectified, review)

__all__ = ["Filters", "SHOWS", "correct_grade", "decide_proposal", "filtered", "get_campaign", "get_inspection", "inspections_of",
           "latest_grades", "list_campaigns", "list_inspections", "mark_absentees", "open_campaign",
           "previous_grade", "progress", "progress_by_district", "publish_results", "published_results",
           "published_years", "record_material", "record_rectified", "review", "standard", "thresholds"]
