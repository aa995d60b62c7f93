"""The facts the registry already knows about an institution's year, shown on its annual review and never typed
again: cases, unpaid fines, failed inspections, escrow alerts, problem visits, founded leads.

They live in the other watching areas, which annual does not import (the watching areas are independent). So annual
asks through a hook: `init_app(app, providers)` is given, at app start, functions `(institution_id, year) ->
list[Fact]`; the layer above the areas (registry/dossier/annual_facts.py) writes them, reading each area's tables, and
the app factory wires them in. Annual knows only the shape of a fact."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app

EXTENSION = "registry.annual_facts"


@dataclass(frozen=True)
class Fact:
    """One thing found on the record: what (a label to translate), a detail (a number, a date), and its page."""

    kind: str       # a message id, translated where shown
    detail: str
    url: str | None = None
    serious: bool = False  # counts against the institution (a failed item, a violation)


Provider = Callable[[int, int], Iterable[Fact]]


def init_app(app, providers: Iterable[Provider]) -> None:
    app.extensions[EXTENSION] = list(providers)


def facts_for(institution_id: int, year: int) -> list[Fact]:
    """What every provider knows of the institution in `year`; none when no provider is wired (a bare app)."""
    return [fact for provider in current_app.extensions.get(EXTENSION, []) for fact in provider(institution_id, year)]
