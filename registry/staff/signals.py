"""The staff area's signals, for other areas to listen to without the staff area knowing them."""
from flask.signals import Namespace

_signals = Namespace()

teacher_found = _signals.signal("teacher-found")
teacher_found.__doc__ = """Sent when the cross-check finds an institution's staff member on the in-service school
teachers' roster (a new match; a match already recorded is not sent again).

Sent with the app as sender and `match=` the `TeacherMatch`, flushed but not committed: a receiver writes in the same
transaction, so the match and what it causes are saved together or not at all. `match.institution` is the
institution (its `department_code` the office to tell), `match.staff` the staff member (`masked_id`, `name`,
`hired_on`, `left_on`), `match.teacher_name`, `match.school` and `match.district` the teacher's record as found, and
`match.employed_when_found` whether the person was on the staff then (a past employment is listed too). Connect with
`teacher_found.connect(receiver)`; the receiver takes `(sender, match)`.
"""
