"""Unified social credit codes (统一社会信用代码) with valid check characters, and permit numbers, each unique."""
from __future__ import annotations

import random

from stdnum.cn import uscc


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# GB 11714 character values: digits as themselves, letters A=10 … Z=35.
_GB11714_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
ORGANISATION_SERIAL_SPACE = 31 ** 6  # six USCC characters after the two-letter prefix
# Codes issued since 2015 carry an organisation code starting MA (enterprises, market regulation)
# or MJ (non-profits, civil affairs).
ORGANISATION_PREFIX = {"91": "MA", "52": "MJ"}


def organisation_check_char(body: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    total = sum(_GB11714_VALUES[c] * w for c, w in zip(body, ORGANISATION_CODE_WEIGHTS))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _base31(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, digit = divmod(number, 31)
        chars.append(USCC_ALPHABET[digit])
    return "".join(reversed(chars))


class CreditCodes:
    """Unique credit codes: the i-th code's organisation serial is an affine permutation of i.

    (a·i + b) mod 31⁶ with a coprime to 31 is a bijection, so codes are unique for up to 31⁶
    institutions without remembering the ones already issued, and still look random.
    """

    def __init__(self, rng: random.Random):
        self.multiplier = rng.randrange(1, ORGANISATION_SERIAL_SPACE)
        while self.multiplier % 31 == 0:
            self.multiplier = rng.randrange(1, ORGANISATION_SERIAL_SPACE)
        self.offset = rng.randrange(ORGANISATION_SERIAL_SPACE)
        self.issued = 0

    def issue(self, kind: str, region: str) -> str:
        serial = (self.multiplier * self.issued + self.offset) % ORGANISATION_SERIAL_SPACE
        self.issued += 1
        body = ORGANISATION_PREFIX[kind] + _base31(serial, 6)
        first17 = kind + region + body + organisation_check_char(body)
        code = first17 + uscc.calc_check_digit(first17)
        if not uscc.is_valid(code):  # never expected; a broken fixture is worse than a crash
            raise AssertionError(f"generated an invalid credit code {code}")
        return code


class PermitNumbers:
    """Permit numbers, serial per district (2004 form) or per district and year (newer form)."""

    def __init__(self):
        self.serials: dict[str, int] = {}
        self.yearly_serials: dict[tuple[str, int], int] = {}

    def issue(self, region: str, year: int, newer_form: bool) -> str:
        if newer_form:
            serial = self.yearly_serials.get((region, year), 0) + 1
            if serial < 10_000:
                self.yearly_serials[region, year] = serial
                return f"教民{region}7{year}{serial:04d}"  # 15 digits
        serial = self.serials.get(region, 0) + 1
        if serial >= 1_000_000:
            raise ValueError(f"more than 999,999 permits in district {region}")
        self.serials[region] = serial
        return f"教民{region}7{serial:06d}"  # 13 digits
