"""Where a point lies among the districts: asked of whoever holds the districts' boundaries.

The register keeps districts as codes and names; their boundaries are the grid's (district-level cells, imported from
GeoJSON with the districts' codes). The grid stands above the register, so it answers through this hook, which it
fills at app start (`init_app`, from `create_app`), as `authz` takes the grid's worker scope: the register checks an
institution's district against its coordinates without importing the grid, and without a grid (or a boundary) it
checks nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Flask, current_app

EXTENSION = "registry.district_locator"


@dataclass(frozen=True)
class Placement:
    """Where a point lies, for a chosen district."""

    found: str | None  # the district whose boundary holds the point (the chosen one within the border margin)
    chosen_bounded: bool  # whether the chosen district's boundary is loaded


# (longitude, latitude, chosen district code) → the placement, or None when no district's boundary is loaded.
Locator = Callable[[float, float, str], "Placement | None"]


def init_app(app: Flask, *, locate: Locator) -> None:
    app.extensions[EXTENSION] = locate


def place(longitude: float, latitude: float, district: str) -> Placement | None:
    """Where the point lies for the chosen district; None when nothing can tell (no locator, no boundary loaded)."""
    locate = current_app.extensions.get(EXTENSION)
    return locate(longitude, latitude, district) if locate is not None else None
