"""Enforcement's actions, one function per thing a user does; each checks rights, validates, writes and flushes
(the audit entry is written by the flush). The caller commits."""
from registry.enforcement.services.cases import (CaseFilters, cases_from, fine_of, get_case, list_cases, open_case,  # noqa: F401
                                                 record_step)
from registry.enforcement.services.checklists import (all_items, checklist, get_item, load_reference,  # noqa: F401
                                                      save_item, violation_type, violation_types)
from registry.enforcement.services.common import get_inspection, get_lead, staff_choices  # noqa: F401
from registry.enforcement.services.fines import FineFilters, get_fine, list_fines, record_payment, state_of  # noqa: F401
from registry.enforcement.services.inspections import (InspectionFilters, change_notes, follow_ups,  # noqa: F401
                                                       get_result, items_to_check, list_inspections,
                                                       record_inspection)
from registry.enforcement.services.inspections import overdue as rectification_overdue  # noqa: F401
from registry.enforcement.services.leads import (LeadFilters, assign_lead, close_lead, department_people,  # noqa: F401
                                                 handle_lead, list_leads, record_hotline_lead,
                                                 refer_from_inspection, submit_public_lead, timeline, track)
from registry.enforcement.services.leads import overdue as lead_overdue  # noqa: F401
from registry.enforcement.services.panel import panel  # noqa: F401
