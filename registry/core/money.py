"""Money as the registry keeps it: an integer number of fen (分), never a float; parsed from yuan as people type it,
shown as yuan."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

MAX_AMOUNT = 10**13  # fen: ¥100 billion, far above any institution, well inside a BIGINT
_MONEY = re.compile(r"^-?\d+(\.\d{1,2})?$")


def parse_money(value) -> int | None:
    """Yuan as typed (`12,345.67`, `¥12345`, `12345.6`, or a JSON number) → fen; '' → None. ValueError when unreadable."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("not an amount")
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("not an amount")
        text = repr(value)  # the shortest text that reads back as this float: 12345.67 stays "12345.67"
    elif isinstance(value, (str, Decimal)):
        text = str(value)
    else:
        raise ValueError("not an amount")
    text = text.strip().replace(",", "").replace("，", "").replace(" ", "").lstrip("¥￥")
    if text.endswith("元"):
        text = text[:-1]
    if text == "":
        return None
    if not _MONEY.match(text):
        raise ValueError("not an amount")
    try:
        fen = int((Decimal(text) * 100).to_integral_exact())
    except InvalidOperation:
        raise ValueError("not an amount")
    if abs(fen) > MAX_AMOUNT:
        raise ValueError("too large")
    return fen


def yuan_text(fen: int) -> str:
    """Fen → plain yuan with two decimals, as the API and CSV carry it: 123456 → '1234.56'."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def format_yuan(fen: int | None) -> str:
    """Fen → ¥ with thousands separators: 123456789 → '¥1,234,567.89'."""
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    return f"{sign}¥{abs(fen) // 100:,}.{abs(fen) % 100:02d}"
