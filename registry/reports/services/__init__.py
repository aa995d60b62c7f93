"""The bulletin and the lists behind its figures: one function per thing a user asks for, one module per part of
the work: `period_and_place` (what is asked for), `counting` (every indicator of `indicators.INDICATORS` for a period,
by district and by grid cell, with sections 3–6 from the enforcement area's figures), `bulletins` (the figures of a
period and the one before, linked to their records) and `figure_records` (the records behind a figure); callers use
them through this package, as `services.bulletin`."""
from registry.reports.services.bulletins import Bulletin, CellRow, Figure, Row, Section, bulletin  # noqa: F401
from registry.reports.services.counting import (Counts, ESCROW, FROM_STATUSES, NO_CELL, PERIOD_FREE,  # noqa: F401
                                                context, count_period)
from registry.reports.services.figure_records import (INSTITUTION_COLUMNS, RecordPage, VISIT_COLUMNS,  # noqa: F401
                                                      each_record, records)
from registry.reports.services.period_and_place import (City, cities, default_city, district_name,  # noqa: F401
                                                        districts_of, parse_period)
