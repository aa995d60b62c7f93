"""Coverage of the fees for lessons not yet taught, and the risk deposit one charging cycle requires."""
from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from registry.core.dates import add_months
from registry.escrow.rules.limits import Limits


def coverage(*, balance: int, deposit: int, unearned: int) -> Fraction | None:
    """(balance + risk deposit) ÷ fees for lessons not yet taught; None when nothing is owed."""
    if unearned <= 0:
        return None
    return Fraction(balance + deposit, unearned)


def coverage_shortfall(*, balance: int, deposit: int, unearned: int, limits: Limits) -> int:
    """Fen missing to reach the minimum coverage; 0 when covered."""
    needed = -(-unearned * limits.min_coverage_pct // 100)  # ceiling
    return max(0, needed - balance - deposit)


def cycle_fees(periods: list[tuple[date, date, int]], *, limits: Limits) -> int:
    """Fees received in one charging cycle: the last `deposit_cycle_months` months of statements, pro rata by day."""
    if not periods:
        return 0
    window_end = max(end for _, end, _ in periods)
    window_start = add_months(window_end + timedelta(days=1), -limits.deposit_cycle_months)
    total = Fraction(0)
    for start, end, received in periods:
        overlap = (min(end, window_end) - max(start, window_start)).days + 1
        if overlap > 0:
            total += Fraction(received * overlap, (end - start).days + 1)
    return round(total)


def required_deposit(periods: list[tuple[date, date, int]], *, limits: Limits) -> int | None:
    """The risk deposit the locality requires (None where it requires none)."""
    return cycle_fees(periods, limits=limits) if limits.deposit_required else None


def format_percent(ratio: Fraction | None) -> str:
    if ratio is None:
        return "—"
    tenths = round(ratio * 1000)
    return f"{tenths // 10:,}.{tenths % 10}%"
