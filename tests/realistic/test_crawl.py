"""Every link on every page, followed as every role (tests/realistic/crawler.py): never a 500, never a broken
link, and a 403 only where the page should not have shown the link — a page showing a link its user may not
follow fails, naming the page and the link."""
import pytest

from tests.realistic.conftest import ROLES

# Known defects, each fixed by its owner; the xfail turns into a failure when the fix lands, and then goes.
KNOWN: dict = {}


def _path(url: str) -> str:
    return url.split("?")[0]


def _unexpected(crawl):
    return [p for p in crawl.problems if (crawl.user or "public", _path(p.link)) not in KNOWN]


@pytest.mark.parametrize("role", ROLES)
def test_every_link_answers(crawls, role):
    crawl = crawls[role]
    assert crawl.texts, f"{role} reached no page"
    problems = _unexpected(crawl)
    assert not problems, f"{len(problems)} links fail as {role}:\n" + "\n".join(map(str, problems))


@pytest.mark.parametrize("role, path", [pytest.param(role, path, marks=pytest.mark.xfail(strict=True, reason=reason))
                                        for (role, path), reason in KNOWN.items()])
def test_known_broken_link(crawls, role, path):
    broken = [p for p in crawls[role].problems if _path(p.link) == path]
    assert not broken, "\n".join(map(str, broken))
