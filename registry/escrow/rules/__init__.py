"""The prepaid-fee escrow rules of DOMAIN.md, as pure functions over plain values, one module per thing they
govern: `status`, `limits`, `account_numbers`, `charges`, `statements`, `coverage_and_deposit`, and `parsing` (one
record from raw values); callers use them through this package, as `rules.coverage`.

Money is an integer number of fen (分) everywhere here, never a float: ¥5,000.00 is 500000. Every
threshold comes in through `Limits`, built from the settings (registry/config.py); the defaults below are
DOMAIN.md's.
"""
from registry.escrow.rules.account_numbers import (ACCOUNT_DIGITS, check_account, mask_account,  # noqa: F401
                                                   normalise_account)
from registry.escrow.rules.charges import (CHARGE_RULES, Channel, STUDENT_REF_MAX, charge_period_end,  # noqa: F401
                                           charge_violations, check_student_ref, describe_violation, outstanding_fees)
from registry.escrow.rules.coverage_and_deposit import (coverage, coverage_shortfall, cycle_fees,  # noqa: F401
                                                        format_percent, required_deposit)
from registry.escrow.rules.limits import Limits  # noqa: F401
from registry.escrow.rules.parsing import (CHANNEL_WORDS, CHARGE_REF_MAX, MAX_PERIOD_DAYS,  # noqa: F401
                                           STATEMENT_AMOUNTS, natural_key, parse_charge, parse_statement)
from registry.escrow.rules.statements import (Period, STATEMENT_FLAGS, balance_discrepancy, balance_flag,  # noqa: F401
                                              describe_flag, expected_closing, sequence_flags)
from registry.escrow.rules.status import (AlertKind, EscrowStatus, Facts, LIVE, OFFICER_ACTIONS,  # noqa: F401
                                          OFFICER_STATUSES, check_officer_action, overdue_cutoff, statement_overdue,
                                          status_by_rule)
