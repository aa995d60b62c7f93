"""What one separate process does in the concurrency tests: act as a user through the app's HTTP interface
and report every answer it got. Run by multiprocessing's spawn, so each worker has its own interpreter,
app and database connections, as gunicorn workers would."""
from __future__ import annotations

from tests.conftest import PASSWORD, credit_code, institution_data, make_test_app


def _client(url: str, username: str):
    app = make_test_app(url)
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD}).json["token"]
    return app, client, {"Authorization": f"Bearer {token}"}


def register_institutions(url: str, username: str, count: int, seed: int) -> list[tuple[str, int]]:
    """Register `count` new institutions; returns (credit code, status) per attempt."""
    app, client, headers = _client(url, username)
    answers = []
    with app.app_context():
        for n in range(count):
            code = credit_code(region=f"3399{seed:02d}")
            data = institution_data(name=f"压力测试{seed}号培训学校{n}", credit_code=code, category="arts")
            response = client.post("/api/v1/institutions", json=data, headers=headers)
            answers.append((code, response.status_code))
    return answers


def edit_capacity(url: str, username: str, institution_ids: list[int], rounds: int, seed: int) -> list[tuple[int, int, int]]:
    """Read then change each institution's capacity, as an officer with the page open would; returns
    (institution id, capacity sent, status) per attempt."""
    app, client, headers = _client(url, username)
    answers = []
    with app.app_context():
        for r in range(rounds):
            for institution_id in institution_ids:
                current = client.get(f"/api/v1/institutions/{institution_id}", headers=headers).json
                capacity = 1000 * seed + r
                response = client.patch(f"/api/v1/institutions/{institution_id}", headers=headers,
                                        json={"version": current["version"], "capacity": capacity})
                answers.append((institution_id, capacity, response.status_code))
    return answers
