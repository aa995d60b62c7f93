"""No English code in a Chinese page: the text a reader sees on every page the crawl reached (not attributes,
scripts, code, URLs or credit codes) holds none of the app's codes — its enums' values (statuses, outcomes,
states, roles ...), the codes its label tables translate, the departments' codes, the audit's actor for the
system. Gathered from the code and the database, so a new enum or label table is checked without editing this."""
import importlib
import pkgutil
import re
from enum import Enum

import pytest
from sqlalchemy import select

import registry
from registry.core.audit import SYSTEM_ACTOR
from registry.extensions import db
from tests.realistic.conftest import ROLES

CREDIT_CODE = re.compile(r"\b[0-9A-Z]{18}\b")
URL = re.compile(r"\S+://\S+|(?<!\S)/[\w/.?=&%-]+")
WORD = re.compile(r"[A-Za-z][A-Za-z_]*")
# Pages that name accounts by their username, as the account's own identity: managing users, assigning workers.
USERNAMES_SHOWN = {"accounts.users", "accounts.edit_user", "accounts.profile", "grid.cell"}
# Known defects, each fixed by its owner; the xfail turns into a failure when the fix lands, and then goes.
CASE_NUMBERS = "issue 14 item 20: case numbers CULTURE-2026-0001"
KNOWN: dict[tuple[str, str], str] = {
    **{(page, department): CASE_NUMBERS for page in ("enforcement.case", "enforcement.cases", "enforcement.fine",
                                                     "enforcement.fines") for department in ("culture", "market", "sports")},
    ("enforcement.indicator_records", "culture"): CASE_NUMBERS,
    ("enforcement.inspection", "culture"): CASE_NUMBERS,
}


def _modules():
    for info in pkgutil.walk_packages(registry.__path__, "registry."):
        yield importlib.import_module(info.name)


def app_codes(app) -> set[str]:
    codes = {SYSTEM_ACTOR}
    for module in _modules():
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, Enum) and value.__module__ == module.__name__:
                codes |= {str(member.value) for member in value}
            elif name.endswith("_LABELS") and isinstance(value, dict):
                codes |= {str(key) for key in value}
    from registry.register.models import Department

    with app.app_context():
        codes |= set(db.session.scalars(select(Department.code)))
    # A code of one letter (a sex, M or F) is left out: a letter in a Chinese page is a unit (m²), not a code.
    return {code.lower() for code in codes if WORD.fullmatch(code) and len(code) > 1}


def usernames(app) -> set[str]:
    from registry.accounts.models import User

    with app.app_context():
        return {name.lower() for name in db.session.scalars(select(User.username))}


@pytest.fixture(scope="module")
def codes(demo_app):
    found = app_codes(demo_app)
    assert {"licensed", "converted", "suspended", "system", "culture", "part_paid"} <= found
    return found


def english_codes(text: str, codes: set[str]) -> set[str]:
    text = URL.sub(" ", CREDIT_CODE.sub(" ", text))
    return {word for word in WORD.findall(text) if word.lower() in codes}


def _endpoint(app, url: str) -> str:
    return app.url_map.bind("localhost").match(url.split("?")[0], method="GET")[0]


def _findings(app, crawl, codes):
    found, accounts = [], usernames(app)
    for url, text in crawl.texts.items():
        endpoint = _endpoint(app, url)
        for word in sorted(english_codes(text, codes)):
            if endpoint in USERNAMES_SHOWN and word.lower() in accounts:
                continue
            # The word as WORD found it: not inside a longer Latin word (a code may touch Chinese text or digits).
            context = re.search(rf".{{0,40}}(?<![A-Za-z_]){re.escape(word)}(?![A-Za-z_]).{{0,40}}", text).group(0)
            found.append((endpoint, word.lower(), url, context))
    return found


@pytest.mark.parametrize("role", ROLES)
def test_no_english_code_in_a_chinese_page(demo_app, crawls, codes, role):
    found = [f for f in _findings(demo_app, crawls[role], codes) if f[:2] not in KNOWN]
    assert not found, f"English codes in Chinese pages as {role}:\n" + "\n".join(
        f"{url}: {word!r} in “{context}”" for _, word, url, context in found)


@pytest.mark.parametrize("endpoint, word", [pytest.param(*key, marks=pytest.mark.xfail(strict=True, reason=reason))
                                            for key, reason in KNOWN.items()])
def test_known_english_code(demo_app, crawls, codes, endpoint, word):
    found = [f for role in ROLES for f in _findings(demo_app, crawls[role], codes) if f[:2] == (endpoint, word)]
    assert not found, "\n".join(f"{url}: “{context}”" for _, _, url, context in found)


def test_the_check_finds_a_code():
    codes = {"licensed", "converted", "culture"}
    assert english_codes("状态: licensed → converted；案号 CULTURE-2026-0001", codes) == {"licensed", "converted", "CULTURE"}
    assert english_codes("52330302MJ0000017X 见 /institutions?status=licensed 与 https://x.cn/licensed", codes) == set()
