"""Logging in, throttling, sessions, and the admins' user management."""
from registry.accounts.models import User
from registry.extensions import db
from tests.conftest import PASSWORD, field_errors, login, page


def test_login_and_logout(client, users):
    assert client.get("/institutions").status_code == 302
    response = login(client, "edu")
    assert response.status_code == 302
    assert client.get("/institutions").status_code == 200
    client.post("/logout")
    assert client.get("/institutions").status_code == 302


def test_wrong_password_is_shown_beside_the_field(client, users):
    response = login(client, "edu", "not-the-password")
    assert response.status_code == 200
    assert field_errors(response, "password")
    assert page(response).find(id="username")["value"] == "edu"


def test_login_is_throttled_after_repeated_failures(app, client, users):
    for _ in range(app.config["REGISTRY_LOGIN_MAX_FAILURES"]):
        login(client, "edu", "wrong-password")
    locked = login(client, "edu")  # even the right password waits now
    assert locked.status_code == 200
    assert "请15分钟后再试" in " ".join(field_errors(locked, "password"))


def _login_from(client, address: str, username: str, password: str = PASSWORD):
    client.post("/logout")
    return client.post("/login", data={"username": username, "password": password},
                       headers={"X-Forwarded-For": address})


def test_a_lock_keeps_one_address_out_of_one_account_and_says_nothing_of_accounts(database_url, users):
    from tests.conftest import make_test_app

    app = make_test_app(database_url, REGISTRY_PROXY_COUNT=1)
    client = app.test_client()
    for username in ("edu", "no-such-user"):
        for _ in range(app.config["REGISTRY_LOGIN_MAX_FAILURES"]):
            _login_from(client, "203.0.113.9", username, "wrong-password")
    locked = _login_from(client, "203.0.113.9", "edu")
    assert "分钟后再试" in " ".join(field_errors(locked, "password"))
    # The same words for a name that is no account: the lock does not tell which accounts exist.
    assert field_errors(_login_from(client, "203.0.113.9", "no-such-user"), "password") == field_errors(locked, "password")
    # The owner, at their own desk behind the same proxy, logs in.
    assert _login_from(client, "198.51.100.7", "edu").status_code == 302
    with app.app_context():
        db.engine.dispose()


def test_rate_limits_count_the_client_behind_the_proxy(database_url, users):
    from tests.conftest import make_test_app

    app = make_test_app(database_url, RATELIMIT_ENABLED=True, REGISTRY_PROXY_COUNT=1)
    client = app.test_client()

    def token(address):
        return client.post("/api/v1/auth/token", json={"username": "nobody", "password": "x"},
                           headers={"X-Forwarded-For": f"10.0.0.1, {address}"}).status_code

    assert [token("203.0.113.9") for _ in range(11)][-1] == 429
    assert token("198.51.100.7") == 422  # another citizen's budget is whole
    with app.app_context():
        db.engine.dispose()


def test_without_a_proxy_a_forwarded_address_is_not_believed(database_url, users):
    from tests.conftest import make_test_app

    app = make_test_app(database_url, RATELIMIT_ENABLED=True)
    client = app.test_client()
    answers = [client.post("/api/v1/auth/token", json={"username": "nobody", "password": "x"},
                           headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code for n in range(11)]
    assert answers[-1] == 429
    with app.app_context():
        db.engine.dispose()


def test_next_cannot_leave_the_site(client, users):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        client.post("/logout")
        response = client.post(f"/login?next={target}", data={"username": "edu", "password": PASSWORD})
        assert response.headers["Location"] == "/", target
    client.post("/logout")
    response = client.post("/login?next=/institutions?status=licensed", data={"username": "edu", "password": PASSWORD})
    assert response.headers["Location"] == "/institutions?status=licensed"


def test_session_is_renewed_at_login(client, users):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    login(client, "edu")
    with client.session_transaction() as session:
        assert "planted" not in session


def test_session_cookie_flags(client, users):
    response = login(client, "edu")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_password_change_ends_other_sessions(client, users, as_user):
    other = client.application.test_client()
    login(other, "edu")
    assert other.get("/institutions").status_code == 200
    admin = as_user("admin")
    user = users["edu"]
    response = admin.post(f"/users/{user.id}", data={"role": "officer", "department": "edu", "active": "y",
                                                     "password": "a-brand-new-password"})
    assert response.status_code == 302
    assert other.get("/institutions").status_code == 302


def test_admin_manages_users(as_user, users):
    admin = as_user("admin")
    listing = page(admin.get("/users"))
    assert {a.get_text() for a in listing.select("table a")} >= {"edu", "market", "grid"}
    bad = admin.post("/users/new", data={"username": "newofficer", "role": "officer", "department": "sports", "password": "short"})
    assert bad.status_code == 422
    assert field_errors(bad, "password")
    assert page(bad).find(id="username")["value"] == "newofficer"
    good = admin.post("/users/new", data={"username": "newofficer", "role": "officer", "department": "sports",
                                          "password": "long-enough-password"})
    assert good.status_code == 302
    assert db.session.query(User).filter_by(username="newofficer").one().department_code == "sports"


def test_only_admins_manage_users(as_user, users):
    for name in ("edu", "market", "grid"):
        client = as_user(name)
        assert client.get("/users").status_code == 403
        assert client.post("/users/new", data={"username": "x", "role": "admin", "password": "long-enough-password"}).status_code == 403


def test_officer_needs_a_department(as_user, users):
    admin = as_user("admin")
    response = admin.post("/users/new", data={"username": "nodept", "role": "officer", "password": "long-enough-password"})
    assert field_errors(response, "department")


def test_create_user_command(runner, app):
    result = runner.invoke(args=["create-user", "wang", "--role", "officer", "--department", "edu", "--password", "long-enough-password"])
    assert result.exit_code == 0, result.output
    assert "wang" in result.output
    prompted = runner.invoke(args=["create-user", "li", "--role", "market", "--department", "market"],
                             input="long-enough-password\nlong-enough-password\n")
    assert prompted.exit_code == 0, prompted.output
    refused = runner.invoke(args=["create-user", "zhao", "--role", "officer", "--password", "long-enough-password"])
    assert refused.exit_code == 1 and "department" in refused.output
    assert db.session.query(User).filter_by(username="li").one().role == "market"


def test_token_endpoint_is_rate_limited(database_url, users):
    from tests.conftest import make_test_app

    app = make_test_app(database_url, RATELIMIT_ENABLED=True)
    client = app.test_client()
    answers = [client.post("/api/v1/auth/token", json={"username": "nobody", "password": "x"}).status_code for _ in range(12)]
    assert answers[:10] == [422] * 10 and answers[10:] == [429, 429]
    assert client.post("/api/v1/auth/token", json={}).json["error"]["code"] == "rate_limited"
    with app.app_context():
        db.engine.dispose()


def test_security_headers(client, users):
    response = client.get("/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_logout_ends_the_session_on_the_server(client, users):
    login(client, "edu")
    stolen = client.get_cookie("session").value  # e.g. copied from a shared computer
    assert client.get("/institutions").status_code == 200
    client.post("/logout")
    client.set_cookie("session", stolen)
    assert client.get("/institutions").status_code == 302  # back to the login page


def test_logout_ends_the_users_api_tokens(client, users, token_for):
    bearer = token_for("edu")
    assert client.get("/api/v1/institutions", headers=bearer).status_code == 200
    login(client, "edu")
    client.post("/logout")
    refused = client.get("/api/v1/institutions", headers=bearer)
    assert refused.status_code == 401 and refused.json["error"]["code"] == "unauthenticated"
    assert client.get("/api/v1/institutions", headers=token_for("edu")).status_code == 200  # a new one works
    assert client.get("/api/v1/institutions", headers=token_for("arts")).status_code == 200


def test_signed_in_pages_are_not_kept_in_caches(client, users):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    login(client, "edu")
    for path in ("/", "/institutions", "/institutions/export.csv"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_a_refused_method_names_the_ones_allowed(client, users, token_for):
    page_answer = client.delete("/login")
    assert page_answer.status_code == 405 and set(page_answer.headers["Allow"].split(", ")) >= {"GET", "POST"}
    api_answer = client.delete("/api/v1/auth/token", headers=token_for("edu"))
    assert api_answer.status_code == 405 and "POST" in api_answer.headers["Allow"]
    assert api_answer.json["error"]["code"] == "method_not_allowed"


def test_a_user_sees_their_profile_and_changes_their_password(app, client, users, token_for):
    from flask import Flask  # noqa: F401  (the second browser is a second test client)
    from sqlalchemy import select

    from registry.core.audit import AuditEntry, verify

    elsewhere = app.test_client()
    login(elsewhere, "edu")
    bearer = token_for("edu")
    login(client, "edu")
    shown = page(client.get("/profile"))
    facts = shown.select_one("dl.details").get_text(" ", strip=True)
    assert "edu" in facts and "教育" in facts
    assert shown.select_one(".tools a.who")["href"] == "/profile"

    wrong = client.post("/profile", data={"current_password": "not-mine", "new_password": "a-new-long-password",
                                          "repeat_password": "a-new-long-password"})
    assert wrong.status_code == 422 and field_errors(wrong, "current_password")
    short = client.post("/profile", data={"current_password": PASSWORD, "new_password": "short",
                                          "repeat_password": "short"})
    assert short.status_code == 422 and "10" in " ".join(field_errors(short, "new_password"))
    differ = client.post("/profile", data={"current_password": PASSWORD, "new_password": "a-new-long-password",
                                           "repeat_password": "another-long-password"})
    assert differ.status_code == 422 and field_errors(differ, "repeat_password")

    changed = client.post("/profile", data={"current_password": PASSWORD, "new_password": "a-new-long-password",
                                            "repeat_password": "a-new-long-password"})
    assert changed.status_code == 302
    assert client.get("/institutions").status_code == 200  # this login goes on
    assert elsewhere.get("/institutions").status_code == 302  # the other one has ended
    assert client.get("/api/v1/institutions", headers=bearer).status_code == 401
    client.post("/logout")
    assert login(client, "edu").status_code == 200  # the old password no longer opens
    assert login(client, "edu", "a-new-long-password").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.password")) is not None
    assert verify(db.session).ok
