"""The grid's signals, for other areas to listen to without the grid knowing them."""
from flask.signals import Namespace

_signals = Namespace()

visit_reported = _signals.signal("visit-reported")
visit_reported.__doc__ = """Sent when a visit found a problem and its report (上报) to the supervising department is written.

Sent with the app as sender (`current_app._get_current_object()`) and `report=` the `VisitReport`, flushed but not
committed: a receiver writes in the same transaction, so the report and what it causes are saved together or not
at all. `report.visit` is the visit (institution, worker, time, position, checklist, notes, photos);
`report.findings` lists the checklist items that found a problem (`report.finding_labels()` their message ids, to
translate with gettext); `report.department_code` is the department it is reported to. Connect with
`visit_reported.connect(receiver)`; the receiver takes `(sender, report)`.
"""
