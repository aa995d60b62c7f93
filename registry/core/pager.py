"""One page of a long list, as every list page and API listing shows it."""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int
    total_exact: bool = True  # False: there are more than `total`

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))
