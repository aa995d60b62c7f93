"""A crawler: every link of every page followed, breadth-first from the home page, as one user, GET only.

Bounded by the shape of a URL: its route, the words of its path (an indicator's key, a list's kind; ids and codes
left out) and the names of its query's parameters. A few URLs of each shape are followed, enough to meet the
records of every kind without reading all of them. Downloads (CSV, XLSX) are collected, one of each shape, not
fetched: the real server fetches them (test_downloads)."""
from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit

from bs4 import BeautifulSoup
from werkzeug.exceptions import HTTPException

PER_SHAPE = 3
DOWNLOADS_PER_SHAPE = 1  # every kind of file, not every district's: each is read whole from a real server
MAX_REQUESTS = 2000  # per user: past this, a link's shape is not bounding the crawl
DOWNLOAD_SUFFIXES = (".csv", ".xlsx", ".pdf", ".zip")
INVISIBLE = ("script", "style", "template", "code", "pre", "noscript")


@dataclass(frozen=True)
class Problem:
    page: str  # the page showing the link
    link: str
    status: int
    detail: str

    def __str__(self):
        return f"{self.page} → {self.link}: {self.status} {self.detail}"


@dataclass
class Crawl:
    user: str | None
    requests: int = 0
    texts: dict[str, str] = field(default_factory=dict)  # URL → visible text of each HTML page
    downloads: dict[str, str] = field(default_factory=dict)  # URL → the page linking it
    problems: list[Problem] = field(default_factory=list)


def crawl(app, username: str | None, password: str) -> Crawl:
    client, result = app.test_client(), Crawl(username)
    if username:
        answer = client.post("/login", data={"username": username, "password": password})
        assert answer.status_code == 302, f"{username} cannot log in"
    adapter = app.url_map.bind("localhost")
    queued, shapes = {"/"}, Counter()
    queue = deque([("/", "/")])

    def follow(page: str, href: str) -> None:
        parts = urlsplit(urljoin(page, href))
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "localhost"):
            return
        url = parts._replace(scheme="", netloc="", fragment="").geturl()
        if url in queued or url in result.downloads:
            return
        shape = _shape(adapter, parts)
        if parts.path.endswith(DOWNLOAD_SUFFIXES):
            if shapes[shape] < DOWNLOADS_PER_SHAPE:
                shapes[shape] += 1
                result.downloads[url] = page
            return
        if shapes[shape] < PER_SHAPE:
            shapes[shape] += 1
            queued.add(url)
            queue.append((url, page))

    while queue:
        url, page = queue.popleft()
        result.requests += 1
        assert result.requests <= MAX_REQUESTS, f"the crawl as {username} did not end: {url} from {page}"
        status, answer, detail = _get(client, url)
        if answer is not None and 300 <= status < 400:
            location = answer.headers["Location"]
            if username and urlsplit(location).path == "/login":
                result.problems.append(Problem(page, url, status, "sends a logged-in user to the login page"))
            follow(url, location)
            continue
        if status != 200:
            result.problems.append(Problem(page, url, status, detail))
            continue
        if "attachment" in answer.headers.get("Content-Disposition", ""):
            result.downloads[url] = page
            continue
        if not answer.mimetype == "text/html":
            continue
        soup = BeautifulSoup(answer.get_data(as_text=True), "html.parser")
        for element in soup.select("a[href], img[src], link[href], script[src]"):
            follow(url, element.get("href") or element.get("src"))
        result.texts[url] = visible_text(soup)
    return result


def _get(client, url: str):
    """(status, response, what went wrong) of one GET; an exception of the app is its 500."""
    try:
        answer = client.get(url)
    except HTTPException as error:
        return error.code, None, str(error)
    except Exception as error:  # noqa: BLE001  (the app's own error: the user gets a 500)
        return 500, None, f"{type(error).__name__}: {str(error)[:300]}"
    detail = ""
    if answer.status_code >= 400 and answer.mimetype == "text/html":
        main = BeautifulSoup(answer.get_data(as_text=True), "html.parser").find("main")
        detail = main.get_text(" ", strip=True)[:200] if main else ""
    return answer.status_code, answer, detail


def _shape(adapter, parts) -> tuple:
    query = tuple(sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    try:
        endpoint, arguments = adapter.match(parts.path, method="GET")
    except HTTPException:
        return ("unrouted", parts.path, query)
    words = tuple(sorted((name, value) for name, value in arguments.items() if not str(value).isdecimal()))
    return (endpoint, words, query)


def visible_text(soup: BeautifulSoup) -> str:
    """The text a reader sees: no attributes, scripts, styles, code or preformatted blocks."""
    for element in soup.find_all(INVISIBLE):
        element.decompose()
    return re.sub(r"\s+", " ", soup.get_text(" "))
