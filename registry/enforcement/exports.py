"""The records behind a bulletin figure as CSV rows: the columns of their page (record, what it is about, details),
with the page's words, dates as YYYY-MM-DD and money as ¥."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask_babel import get_locale, gettext, pgettext

from registry.enforcement.forms import LEAD_STATE_LABELS, OUTCOME_LABELS, STEP_LABELS, item_label
from registry.enforcement.services import lead_overdue
from registry.core.money import format_yuan


def header() -> list[str]:
    return [gettext("Record"), gettext("About"), pgettext("enforcement", "Details")]


def _subject(record) -> str:
    if record.institution:
        return record.institution.name
    return f"{record.subject_name} {gettext('(not in the register)')}"


def _inspection(row: dict) -> list[str]:
    inspection, result = row["record"], row["result"]
    if result:
        details = f"{item_label(result.item)}: {result.note}"
    else:
        details = " · ".join([str(OUTCOME_LABELS[inspection.outcome.value]),
                              gettext("%(count)s staff", count=len(inspection.staff)),
                              *([gettext("joint")] if inspection.joint else [])])
    return [f"{gettext('Inspection')} {inspection.inspected_on.isoformat()}", inspection.institution.name, details]


def _lead(row: dict) -> list[str]:
    lead = row["record"]
    state = str(LEAD_STATE_LABELS[lead.state.value])
    if lead_overdue(lead):
        state += " " + pgettext("enforcement", "overdue")
    details = [state, gettext("deadline %(day)s", day=lead.deadline.isoformat())]
    if lead.closed_on:
        details.append(gettext("closed %(day)s", day=lead.closed_on.isoformat()))
    return [f"{gettext('Lead')} {lead.received_on.isoformat()}", _subject(lead), " · ".join(details)]


def _case(row: dict) -> list[str]:
    case = row["record"]
    details = [str(STEP_LABELS[case.step.value])]
    if case.violation_type:
        details.append(case.violation_type.name_en if str(get_locale()) == "en" else case.violation_type.name_zh)
    if row["value"]:
        details.append(format_yuan(row["value"]))
    return [case.number, _subject(case), " · ".join(details)]


ROWS = {"inspection": _inspection, "lead": _lead, "case": _case}


def rows(shown: Iterable[dict]) -> Iterator[list[str]]:
    """`indicators.each_shown`'s rows as the page shows them."""
    for row in shown:
        yield ROWS[row["kind"]](row)
