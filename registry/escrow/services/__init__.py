"""The escrow's actions, one function per thing a user does; each checks rights, validates, writes and flushes
(the audit entry is written by the flush; the caller commits). One module per thing the escrow keeps: `reading`,
`account` (the supervised account and its status), `statements` and `charges`; callers use them through this package,
as `services.record_statement` (and the alerts, from `figures`, as `services.alerts`)."""
from registry.escrow.figures import alerts  # noqa: F401
from registry.escrow.services.account import (ACCOUNT_FIELDS, BANK_MAX, account_values, change_status,  # noqa: F401
                                              record_account)
from registry.escrow.services.charges import charge_values, parse_charge, record_charge, resolve_charge  # noqa: F401
from registry.escrow.services.reading import (Overview, chart_points, escrow_of, get_charge,  # noqa: F401
                                              get_statement, history, list_charges, list_statements, overview,
                                              public_status, statements_of, status_changes, status_of)
from registry.escrow.services.statements import (_upsert_statement, record_statement, resequence,  # noqa: F401
                                                 resolve_statement)
