"""Supervised account numbers: normalised, checked, masked for those who may not read them."""
from __future__ import annotations

import re

from registry.core.problems import N_, Problem


ACCOUNT_DIGITS = (8, 32)


def normalise_account(text: str) -> str:
    return re.sub(r"[\s-]", "", text or "")


def check_account(number: str) -> Problem | None:
    low, high = ACCOUNT_DIGITS
    if not (number.isascii() and number.isdigit()) or not low <= len(number) <= high:
        return Problem(N_("An account number has %(low)s to %(high)s digits (spaces and dashes are ignored)."),
                       {"low": low, "high": high})
    return None


def mask_account(number: str | None) -> str:
    """Only the first and last four digits show: 6222021234561234 → '6222 **** **** 1234'."""
    if not number:
        return ""
    digits = normalise_account(number)
    if len(digits) <= 8:
        return "**** " + digits[-4:]
    return f"{digits[:4]} **** **** {digits[-4:]}"
