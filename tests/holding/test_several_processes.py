"""The production set-up: two gunicorn servers (two workers each) on one database and one Redis. A login,
a token and the rate limits hold across all of them, as behind a load balancer."""
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from registry.config import PROJECT_ROOT
from registry.extensions import db
from tests.conftest import PASSWORD, institution_data

# A loaded machine (CI beside other jobs) can take a minute or more to boot gunicorn's workers.
BOOT_SECONDS = 300
REDIS_URL = os.environ.get("REGISTRY_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_or_skip():
    import redis

    try:
        connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        connection.flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One user agent with its cookies, talking to whichever server it is sent to."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect)

    def send(self, url, *, data=None, json_body=None, headers=None):
        headers = dict(headers or {})
        body = None
        if json_body is not None:
            body, headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(urllib.request.Request(url, data=body, headers=headers), timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def csrf(self, url) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.send(url)[2]).group(1)


@pytest.fixture
def servers(app, users, database_url):
    _redis_or_skip()
    db.session.commit()
    db.engine.dispose()
    env = {**os.environ, "REGISTRY_DATABASE_URL": database_url, "REGISTRY_SECRET_KEY": "one-key-for-all",
           "REGISTRY_REDIS_URL": REDIS_URL, "REGISTRY_INSECURE_COOKIES": "1", "REGISTRY_BOUNDS": "73.4,18.1,135.1,53.6"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    ports = [_free_port(), _free_port()]
    processes = [subprocess.Popen([gunicorn, "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                                  cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                 for port in ports]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url, process in zip(urls, processes):
            deadline = time.monotonic() + BOOT_SECONDS
            while not _ready(url):
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline
                time.sleep(0.2)
        yield urls
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


def _ready(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as s:
        if s.connect_ex((host, int(port))) != 0:
            return False
    try:
        return Browser().send(url + "/login")[0] == 200
    except OSError:  # listening, but no worker has booted yet to answer: the request timed out
        return False


def test_two_servers_one_database(servers):
    a, b = servers
    api = Browser()
    status, _, body = api.send(a + "/api/v1/auth/token", json_body={"username": "arts", "password": PASSWORD})
    assert status == 200
    bearer = {"Authorization": "Bearer " + json.loads(body)["token"]}
    data = institution_data(name="鹿城区双机艺术培训学校")
    status, _, body = api.send(b + "/api/v1/institutions", json_body=data, headers=bearer)
    assert status == 201, body
    created = json.loads(body)
    status, _, body = api.send(a + f"/api/v1/institutions/{created['id']}", headers=bearer)
    assert status == 200 and json.loads(body)["name"] == "鹿城区双机艺术培训学校"

    browser = Browser()
    status, headers, _ = browser.send(a + "/login", data={"username": "arts", "password": PASSWORD,
                                                         "csrf_token": browser.csrf(a + "/login")})
    assert status == 302
    status, _, body = browser.send(b + "/institutions")
    assert status == 200 and "鹿城区双机艺术培训学校" in body  # the login made on one server holds on the other
    status, _, _ = browser.send(b + "/logout", data={"csrf_token": browser.csrf(b + "/institutions")})
    assert status == 302
    status, headers, _ = browser.send(a + "/institutions")
    assert status == 302 and "/login" in headers["Location"]  # logged out everywhere


def test_rate_limits_are_counted_across_servers(servers):
    a, b = servers
    client, limit, sent = Browser(), None, 0
    for n in range(100):
        server = (a, b)[n % 2]
        status, headers, _ = client.send(server + "/api/v1/auth/token",
                                         json_body={"username": "nobody", "password": "wrong-password"})
        if status == 429:
            break
        sent += 1
        limit = int(headers["X-RateLimit-Limit"])
    assert status == 429 and sent == limit  # one counter for four workers, not one each
