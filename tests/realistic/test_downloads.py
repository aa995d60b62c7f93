"""Every download a page links (register CSV and XLSX, the records behind each figure, the bulletin, templates ...),
fetched from a real server (gunicorn on a loopback port, the demo's data) as each role the crawl found it shown
to: 200, the whole file (a stream that dies half-way is cut off on a real server, not in the test client), a
UTF-8 BOM on CSV, the header in Chinese, as many rows as the page says, and only institutions the user may read.

The downloads are those the crawl (crawler.py) found on the pages, so a new one is covered without editing this."""
from __future__ import annotations

import csv
import http.client
import io
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook

from registry.config import PROJECT_ROOT
from tests.holding.test_several_processes import BOOT_SECONDS, Browser, _free_port, _ready
from tests.realistic.conftest import DEMO_PASSWORD, ROLES

CJK = re.compile(r"[\u4e00-\u9fff]")
COUNT = re.compile(r"共\s*([\d,]+)\s*条")  # "共199条记录", "共 3 条": the page's own count of what it lists
TEMPLATE = re.compile(r"/template\.csv$")  # an import's template carries the import's (API) column names


@dataclass(frozen=True)
class Known:
    """A known defect, fixed by its owner: its problem on its files as its roles. Its xfail turns into a failure
    when the fix lands, and then it goes."""
    reason: str
    roles: tuple[str, ...]
    path: str  # a regular expression of the file's path
    problem: str  # a regular expression of what is wrong with it

    def covers(self, role: str, path: str, problem: str) -> bool:
        return role in self.roles and bool(re.fullmatch(self.path, path)) and bool(re.search(self.problem, problem))


KNOWN: tuple[Known, ...] = ()


@pytest.fixture(scope="module")
def server(demo_database, tmp_path_factory):
    """gunicorn, as in production, serving the demo's database on a free loopback port."""
    log = tmp_path_factory.mktemp("server") / "gunicorn.log"
    port = _free_port()
    env = {**os.environ, "REGISTRY_DATABASE_URL": demo_database, "REGISTRY_SECRET_KEY": "downloads",
           "REGISTRY_INSECURE_COOKIES": "1", "REGISTRY_BOUNDS": "73.4,18.1,135.1,53.6"}
    env.pop("REGISTRY_REDIS_URL", None)
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    with log.open("wb") as output:
        process = subprocess.Popen([gunicorn, "--workers", "2", "--timeout", "120", "--bind", f"127.0.0.1:{port}",
                                    "wsgi:app"], cwd=PROJECT_ROOT, env=env, stdout=output, stderr=output)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + BOOT_SECONDS
        while not _ready(url):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        yield url, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def _fetch(browser: Browser, url: str):
    """(status, headers, body, what broke): the body read to its end, as a browser saving the file does."""
    try:
        with browser.opener.open(url, timeout=120) as response:
            try:
                return response.status, response.headers, response.read(), ""
            except http.client.IncompleteRead as cut:
                return response.status, response.headers, cut.partial, f"the file broke off after {len(cut.partial):,} bytes"
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read(), ""


def _table(path: str, body: bytes) -> list[list[str]]:
    if path.endswith(".csv"):
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _problems(path: str, status: int, headers, body: bytes, broke: str, page_text: str, readable: dict) -> list[str]:
    if status != 200:
        return [f"answers {status}"]
    if broke:
        return [broke]
    if "attachment" not in headers.get("Content-Disposition", ""):
        return [f"is not offered as a file (Content-Disposition {headers.get('Content-Disposition')!r})"]
    problems = []
    if path.endswith(".csv") and not body.startswith(b"\xef\xbb\xbf"):
        problems.append("has no UTF-8 BOM (Excel shows its Chinese garbled)")
    try:
        table = _table(path, body)
    except Exception as error:  # noqa: BLE001  (a file Excel cannot open either)
        return problems + [f"cannot be read: {type(error).__name__}: {error}"]
    header, rows = (table[0] if table else []), table[1:]
    if not TEMPLATE.search(path):
        english = [cell for cell in header if cell and not CJK.search(cell)]
        if not header or english:
            problems.append(f"its header is not Chinese: {header}")
        stated = COUNT.search(page_text)
        if stated and len(rows) != int(stated.group(1).replace(",", "")):
            problems.append(f"holds {len(rows)} rows where its page says {stated.group(0)}")
        elif not stated and not rows:
            problems.append("holds no rows")
    for column, known in readable.items():
        if column in header:
            others = sorted({row[header.index(column)] for row in rows if len(row) > header.index(column)} - known)
            if others:
                problems.append(f"lists {len(others)} institutions its user may not read: {', '.join(others[:5])}")
    return problems


def _log_in(server_url: str, role: str) -> Browser:
    browser = Browser()
    if role != "public":
        status, _, _ = browser.send(server_url + "/login", data={"username": role, "password": DEMO_PASSWORD,
                                                                "csrf_token": browser.csrf(server_url + "/login")})
        assert status == 302, f"{role} cannot log in"
    return browser


def _readable(browser: Browser, server_url: str) -> dict:
    """The institutions the user may read, as names and credit codes: their whole register, from its XLSX."""
    status, _, body, broke = _fetch(browser, server_url + "/institutions/export.xlsx")
    if status != 200 or broke:
        return {}
    header, *rows = _table(".xlsx", body)
    names, codes = header.index("机构名称"), header.index("统一社会信用代码")
    return {"机构名称": {r[names] for r in rows}, "机构": {r[names] for r in rows},
            "统一社会信用代码": {r[codes] for r in rows}}


@pytest.fixture(scope="module")
def downloaded(server, crawls):
    """The problems of every download shown to a role, fetched once per role."""
    found = {}

    def problems(role):
        if role not in found:
            found[role] = _all_problems(server, crawls, role)
        return found[role]

    return problems


def _all_problems(server, crawls, role) -> list[tuple[str, str, str]]:
    """(path, problem, what to show) of every download shown to the role."""
    server_url, _ = server
    crawl = crawls[role]
    browser = _log_in(server_url, role)
    readable = _readable(browser, server_url)
    found = []
    for url, page in sorted(crawl.downloads.items()):
        status, headers, body, broke = _fetch(browser, server_url + url)
        path = url.split("?")[0]
        for problem in _problems(path, status, headers, body, broke, crawl.texts.get(page, ""), readable):
            found.append((path, problem, f"{url} (linked from {page}) {problem}"))
    return found


@pytest.mark.parametrize("role", ROLES)
def test_every_download(server, crawls, downloaded, role):
    if not crawls[role].downloads:
        pytest.skip(f"no page shows {role} a download")
    unexpected = [shown for path, problem, shown in downloaded(role)
                  if not any(known.covers(role, path, problem) for known in KNOWN)]
    assert not unexpected, f"{len(unexpected)} problems with downloads as {role}:\n" + "\n".join(unexpected) + \
        "\nserver log:\n" + server[1].read_text()[-3000:]


@pytest.mark.parametrize("known, role", [pytest.param(known, role, marks=pytest.mark.xfail(strict=True, reason=known.reason),
                                                      id=f"{known.reason}-{role}") for known in KNOWN for role in known.roles])
def test_known_broken_download(downloaded, known, role):
    broken = [shown for path, problem, shown in downloaded(role) if known.covers(role, path, problem)]
    assert not broken, "\n".join(broken)
