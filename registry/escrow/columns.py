"""The columns of the escrow's CSV imports: ours, the headers Chinese banks and payment platforms commonly use for
them, a mapping (`our_name=their_name,...`) that reads any other, and the empty file users fill in."""
from __future__ import annotations

from flask_babel import gettext

from registry.core.errors import Invalid
from registry.escrow import rules

KEY_COLUMNS = ("credit_code", "account_number")
STATEMENT_COLUMNS = KEY_COLUMNS + ("period", "period_start", "period_end") + rules.STATEMENT_AMOUNTS
CHARGE_COLUMNS = KEY_COLUMNS + ("charge_ref", "charged_on", "course_start", "student_ref", "amount", "class_hours",
                                "months", "channel")
COLUMNS = {"statements": STATEMENT_COLUMNS, "charges": CHARGE_COLUMNS}
REQUIRED = {
    "statements": rules.STATEMENT_AMOUNTS,
    "charges": ("charged_on", "course_start", "student_ref", "amount", "channel"),
}

# The headers Chinese banks and payment platforms commonly use.
ALIASES = {
    "统一社会信用代码": "credit_code", "信用代码": "credit_code",
    "账号": "account_number", "监管账号": "account_number", "监管账户": "account_number", "账户": "account_number",
    "期间": "period", "账期": "period", "月份": "period",
    "起始日期": "period_start", "开始日期": "period_start", "期初日期": "period_start",
    "截止日期": "period_end", "结束日期": "period_end", "期末日期": "period_end",
    "期初余额": "opening_balance", "本期收入": "received", "收入": "received", "预收费收入": "received",
    "本期划拨": "released", "划拨": "released", "拨付": "released", "本期退费": "refunded", "退费": "refunded",
    "期末余额": "closing_balance", "未消课金额": "unearned", "未消课余额": "unearned",
    "流水号": "charge_ref", "交易流水号": "charge_ref", "订单号": "charge_ref",
    "收费日期": "charged_on", "交易日期": "charged_on", "开课日期": "course_start",
    "学员编号": "student_ref", "学员号": "student_ref", "金额": "amount", "收费金额": "amount", "交易金额": "amount",
    "课时": "class_hours", "课时数": "class_hours", "月数": "months", "收费月数": "months",
    "收费方式": "channel", "渠道": "channel",
}


def parse_mapping(text: str | dict | None, kind: str) -> dict[str, str]:
    """`our_name=their_name,...` (or a dict) → {their header: our column}; Invalid names the bad pairs."""
    if not text:
        return {}
    pairs = text.items() if isinstance(text, dict) else (
        part.partition("=")[::2] for part in text.replace("，", ",").split(",") if part.strip())
    mapping, bad = {}, []
    for ours, theirs in pairs:
        ours, theirs = ours.strip(), theirs.strip()
        if not theirs:
            continue
        if ours not in COLUMNS[kind]:
            bad.append(gettext("“%(name)s” is not a column of this import (columns: %(columns)s).",
                               name=ours, columns=", ".join(COLUMNS[kind])))
            continue
        mapping[theirs] = ours
    if bad:
        raise Invalid(gettext("The column mapping cannot be read."), {"mapping": bad})
    return mapping


def template_csv(kind: str) -> str:
    """An empty file with the expected header, for users to fill in."""
    columns = [c for c in COLUMNS[kind] if c != "period"] if kind == "statements" else list(COLUMNS[kind])
    return ",".join(columns) + "\r\n"
