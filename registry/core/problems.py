"""A problem found by a pure rule: a message id and its parameters, translated at the edge.

Rules mark their messages with `N_` so `pybabel extract` finds them without rules importing Flask.
"""
from __future__ import annotations

from dataclasses import dataclass, field


def N_(msgid: str) -> str:
    return msgid


@dataclass(frozen=True)
class Problem:
    msgid: str
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.msgid % self.params if self.params else self.msgid


def translate(problem: Problem) -> str:
    from flask_babel import gettext

    return gettext(problem.msgid, **problem.params)
