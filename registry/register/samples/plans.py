"""Status plans: which category, status and kind of code each row has, for the "register" and "demo" mixes."""
from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterator

CATEGORIES = ("academic", "tech", "arts", "sports")
STATUSES = ("applied", "licensed", "suspended", "revoked", "deregistered", "rejected")

# Academic about 8% after the reduction; the rest split as Wenzhou's 2022 non-academic register:
# tech 171, sports 698, arts 2,203.
CATEGORY_WEIGHTS = {"academic": 8.0, "tech": 92 * 171 / 3072, "arts": 92 * 2203 / 3072,
                    "sports": 92 * 698 / 3072}
REGISTER_STATUS_WEIGHTS = {"licensed": 80, "applied": 5, "suspended": 3, "deregistered": 9,
                           "revoked": 1, "rejected": 2}
# Demo non-academic rows: drawn by these weights after a guaranteed quota of each status.
DEMO_STATUS_WEIGHTS = {"licensed": 86, "applied": 3, "suspended": 3, "deregistered": 5,
                       "revoked": 1, "rejected": 2}
DEMO_STATUS_QUOTA = 3  # rows of each non-licensed status the demo always contains
DEMO_ACADEMIC_LICENSED = 3  # academic institutions left after the reduction (Wenzhou: 1,032 → 3)
DEMO_ACADEMIC_ENTERPRISES = 2  # academic rows with a `91` code, for the app to flag

ENTERPRISE_SHARE = 0.3  # non-academic institutions registered as companies (`91`) not non-profits


def _weighted_picker(weights: dict[str, float]):
    items = list(weights)
    cum = list(itertools.accumulate(weights.values()))
    total = cum[-1]
    return lambda rng: items[bisect.bisect_right(cum, rng.random() * total)]


def register_plan(n: int, rng: random.Random) -> Iterator[tuple[str, str, bool]]:
    """(category, status, is_enterprise) for each row of a register at scale."""
    pick_category = _weighted_picker(CATEGORY_WEIGHTS)
    pick_status = _weighted_picker(REGISTER_STATUS_WEIGHTS)
    for _ in range(n):
        category = pick_category(rng)
        enterprise = category != "academic" and rng.random() < ENTERPRISE_SHARE
        yield category, pick_status(rng), enterprise


def demo_plan(n: int, rng: random.Random) -> list[tuple[str, str, bool]]:
    """(category, status, is_enterprise) for each demo row, with every case the demo must show."""
    counts = _split_exactly(n, CATEGORY_WEIGHTS)
    plan = []
    # The reduction closed all academic institutions but a few; one still licensed and one
    # closed carry an enterprise code.
    academic = counts.pop("academic")
    flagged = {0, academic - 1} if academic >= 2 else {0}
    for i in range(academic):
        status = "licensed" if i < DEMO_ACADEMIC_LICENSED else "deregistered"
        plan.append(("academic", status, i in flagged))

    categories = [c for c, k in counts.items() for _ in range(k)]
    rng.shuffle(categories)
    quota = [s for s in DEMO_STATUS_WEIGHTS if s != "licensed" for _ in range(DEMO_STATUS_QUOTA)]
    pick_status = _weighted_picker(DEMO_STATUS_WEIGHTS)
    for i, category in enumerate(categories):
        status = quota[i] if i < len(quota) else pick_status(rng)
        plan.append((category, status, rng.random() < ENTERPRISE_SHARE))
    rng.shuffle(plan)
    return plan


def _split_exactly(n: int, weights: dict[str, float]) -> dict[str, int]:
    """n split in proportion to weights, rounding by largest remainder so the counts sum to n."""
    total = sum(weights.values())
    shares = {k: n * w / total for k, w in weights.items()}
    counts = {k: int(s) for k, s in shares.items()}
    by_remainder = sorted(weights, key=lambda k: counts[k] - shares[k])
    for k in by_remainder[: n - sum(counts.values())]:
        counts[k] += 1
    return counts
