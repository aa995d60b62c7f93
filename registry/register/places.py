"""Where a point lies among the districts: asked of whoever holds the districts' boundaries.

The register keeps districts as codes and names; their boundaries are the grid's (district-level cells, imported from
GeoJSON with the districts' codes). The grid stands above the register, so it answers through this hook, which it
fills at app start (`init_app`, from `create_app`), as `authz` takes the grid's worker scope: the register checks an
institution's district against its coordinates without importing the grid, and without a grid (or a boundary) it
checks nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol

from flask import Flask, current_app

EXTENSION = "registry.district_locator"


@dataclass(frozen=True)
class Placement:
    """Where a point lies, for a chosen district."""

    found: str | None  # the district whose boundary holds the point (the chosen one within the border margin)
    chosen_bounded: bool  # whether the chosen district's boundary is loaded


class Placer(Protocol):
    def place(self, longitude: float, latitude: float, district: str) -> Placement: ...


# The boundaries as they are now, ready to place points (None when no district's boundary is loaded).
Locator = Callable[[], "Placer | None"]


def init_app(app: Flask, *, boundaries: Locator) -> None:
    app.extensions[EXTENSION] = boundaries


def placer() -> Placer | None:
    """The district boundaries as they are now, to place one point or a whole import's (None: nothing can tell)."""
    boundaries = current_app.extensions.get(EXTENSION)
    return boundaries() if boundaries is not None else None
