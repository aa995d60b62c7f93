"""The thresholds a locality may set (from the settings), with DOMAIN.md's defaults."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """The thresholds a locality may set; defaults from DOMAIN.md."""

    max_months: int = 3                  # one charge covers at most 3 months ...
    max_hours: int = 60                  # ... or 60 class hours
    charge_cap: int | None = 500_000     # fen; one charge at most ¥5,000 (None: no cap)
    months_before_start: int = 1         # no charge earlier than 1 month before the course starts
    min_coverage_pct: int = 100          # coverage below this is a warning
    deposit_required: bool = True        # the locality requires a risk deposit
    deposit_cycle_months: int = 3        # the deposit covers the fees of one 3-month cycle
    statement_overdue_months: int = 1    # no statement for longer than this is overdue
    balance_tolerance: int = 0           # fen a statement's closing balance may differ by

    @classmethod
    def from_settings(cls, settings: dict) -> "Limits":
        return cls(
            max_months=settings["REGISTRY_ESCROW_MAX_MONTHS"],
            max_hours=settings["REGISTRY_ESCROW_MAX_HOURS"],
            charge_cap=settings["REGISTRY_ESCROW_CHARGE_CAP"],
            months_before_start=settings["REGISTRY_ESCROW_MONTHS_BEFORE_START"],
            min_coverage_pct=settings["REGISTRY_ESCROW_MIN_COVERAGE"],
            deposit_required=settings["REGISTRY_ESCROW_DEPOSIT_REQUIRED"],
            deposit_cycle_months=settings["REGISTRY_ESCROW_DEPOSIT_CYCLE_MONTHS"],
            statement_overdue_months=settings["REGISTRY_ESCROW_STATEMENT_OVERDUE_MONTHS"],
            balance_tolerance=settings["REGISTRY_ESCROW_BALANCE_TOLERANCE"],
        )
