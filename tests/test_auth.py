"""Accounts over a real SQLite store through the real app: 401s, roles, CSRF, sessions, tokens.

Each test says what would get through without the code under test: an /api call without
credentials, a viewer's write, a cross-site form post, a cookie reused after logout.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from _live import TEST_PASSWORD, add_user, bearer, login
from factwatch import accounts
from factwatch.store import open_store
from factwatch.web.app import create_app

LOCAL = "http://127.0.0.1"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "auth.db"
    open_store(str(path)).close()
    for name, role in (("vera", "viewer"), ("ana", "analyst"), ("adam", "admin")):
        add_user(path, name, role)
    return path


@pytest.fixture
def app(db: Path):
    return create_app(str(db))


@pytest.fixture
def anon(app):
    with TestClient(app, base_url=LOCAL) as c:
        yield c


# -- no credentials ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/stats", "/api/documents", "/api/claims/1", "/api/me", "/api/users",
                                  "/api/published", "/api/openapi.json"])
def test_api_without_credentials_is_401_json(anon, path):
    r = anon.get(path)
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    assert "factwatch tokens create" in r.json()["error"]  # says what to do


def test_the_api_schema_and_its_reference_page_need_a_login_like_the_rest(anon, db):
    # The schema maps every write endpoint: it is served to accounts only (docs/security.md).
    assert anon.get("/docs", follow_redirects=False).headers["location"] == "/login?next=%2Fdocs"
    schema = anon.get("/api/openapi.json", headers=bearer(db, "viewer", name="vera")).json()
    assert "/api/documents" in schema["paths"] and "/api/openapi.json" not in schema["paths"]


@pytest.mark.parametrize("path", ["/", "/documents?language=sr", "/claims", "/about"])
def test_pages_without_login_redirect_to_the_login_form(anon, path):
    r = anon.get(path, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=" + path.replace("/", "%2F").replace("?", "%3F").replace("=", "%3D")
    assert "content-security-policy" in r.headers


def test_a_form_post_without_login_goes_to_the_plain_login_form(anon):
    r = anon.post("/claims/1/publish", data={"csrf_token": "x"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"


def test_login_static_and_public_need_no_login(anon):
    for path in ("/login", "/static/factwatch.css", "/public/cards", "/public/feed.atom"):
        assert anon.get(path).status_code == 200, path


def test_a_wrong_token_is_401_not_anonymous(anon):
    r = anon.get("/api/me", headers={"Authorization": "Bearer fwt_not-a-token"})
    assert r.status_code == 401 and "not valid" in r.json()["error"]


# -- tokens ------------------------------------------------------------------------------------

def test_token_identifies_its_user_and_works_on_pages_too(anon, db):
    headers = bearer(db, "analyst", name="ana")
    assert anon.get("/api/me", headers=headers).json() == {"id": 2, "name": "ana", "role": "analyst"}
    assert anon.get("/about", headers=headers, follow_redirects=False).status_code == 200


def test_revoked_token_and_removed_user_stop_working(anon, db):
    headers = bearer(db, "viewer", name="vera")
    assert anon.get("/api/me", headers=headers).status_code == 200
    with open_store(str(db)) as store:
        (token,) = store.list_api_tokens("vera")
        store.revoke_api_token(token["id"])
    assert anon.get("/api/me", headers=headers).status_code == 401
    headers = bearer(db, "viewer", name="vera")
    with open_store(str(db)) as store:
        store.remove_user("vera")
    assert anon.get("/api/me", headers=headers).status_code == 401


# -- roles ---------------------------------------------------------------------------------------

def test_roles_are_ordered_viewer_analyst_admin(anon, db):
    viewer, analyst, admin = (bearer(db, r, name=n) for n, r in (("vera", "viewer"), ("ana", "analyst"),
                                                                  ("adam", "admin")))
    assert anon.post("/api/claims/1/publish", headers=viewer).status_code == 403  # a viewer never writes
    assert "analyst role" in anon.post("/api/claims/1/publish", headers=viewer).json()["error"]
    assert anon.post("/api/claims/1/publish", headers=analyst).status_code == 404  # allowed; no such claim
    assert anon.get("/api/users", headers=analyst).status_code == 403
    listed = anon.get("/api/users", headers=admin).json()["users"]
    assert {u["name"]: u["role"] for u in listed} == {"vera": "viewer", "ana": "analyst", "adam": "admin"}
    assert all("password" not in key for u in listed for key in u)


# -- sessions, CSRF, logout -------------------------------------------------------------------------

def test_login_sets_a_hardened_opaque_cookie(app, db):
    with TestClient(app, base_url=LOCAL) as c:
        login(c, "ana")
        cookie = c.cookies["factwatch_session"]
        assert c.get("/api/me").json()["name"] == "ana"
    with TestClient(create_app(str(db)), base_url=LOCAL) as c:
        form = c.get("/login").text
        token = re.search(r'name="login_token" value="([^"]+)"', form).group(1)
        r = c.post("/login", data={"name": "ana", "password": TEST_PASSWORD, "login_token": token},
                   follow_redirects=False)
    set_cookie = r.headers["set-cookie"].lower()
    assert "factwatch_session=" in set_cookie and "httponly" in set_cookie and "samesite=lax" in set_cookie
    assert len(cookie) >= 40 and "ana" not in cookie  # random, says nothing about the user


def test_form_posts_need_the_sessions_csrf_token(app, db):
    with TestClient(app, base_url=LOCAL) as c:
        csrf = login(c, "ana")
        for data in ({}, {"csrf_token": "forged"}):
            r = c.post("/claims/1/publish", data=data, follow_redirects=False)
            assert r.status_code == 403 and "CSRF" in r.text
        # With the token the post goes through to the route (claim 1 does not exist here: 404).
        assert c.post("/claims/1/publish", data={"csrf_token": csrf}, follow_redirects=False).status_code == 404
        # fetch() from the page may send it as a header instead.
        assert c.post("/api/claims/1/publish", headers={"X-CSRF-Token": csrf}).status_code == 404
        assert c.post("/api/claims/1/publish").status_code == 403


def test_another_sessions_csrf_token_is_refused(app):
    with TestClient(app, base_url=LOCAL) as a, TestClient(app, base_url=LOCAL) as b:
        login(a, "ana")
        other = login(b, "adam")
        assert a.post("/claims/1/publish", data={"csrf_token": other}).status_code == 403


def test_bearer_requests_are_exempt_from_csrf(anon, db):
    assert anon.post("/api/claims/1/publish", headers=bearer(db, "analyst", name="ana")).status_code == 404


def test_logout_ends_the_session_on_the_server(app, db):
    with TestClient(app, base_url=LOCAL) as c:
        csrf = login(c, "ana")
        cookie = c.cookies["factwatch_session"]
        assert c.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).headers["location"] == "/login"
    # The old cookie, replayed (as a thief holding it would), no longer logs anyone in.
    with TestClient(create_app(str(db)), base_url=LOCAL, cookies={"factwatch_session": cookie}) as thief:
        assert thief.get("/api/me").status_code == 401


def test_logout_needs_the_csrf_token(app):
    with TestClient(app, base_url=LOCAL) as c:
        login(c, "ana")
        assert c.post("/logout", data={}).status_code == 403  # a cross-site form cannot log you out
        assert c.get("/api/me").status_code == 200


def test_expired_session_is_refused(app, db):
    with TestClient(app, base_url=LOCAL) as c:
        login(c, "ana")
        with sqlite3.connect(db) as con:
            con.execute("UPDATE sessions SET expires_at = '2000-01-01T00:00:00Z'")
        con.close()
        assert c.get("/api/me").status_code == 401


def test_wrong_password_and_unknown_name_look_the_same(anon):
    answers = []
    for name, password in (("ana", "wrong password"), ("nobody", TEST_PASSWORD)):
        token = re.search(r'name="login_token" value="([^"]+)"', anon.get("/login").text).group(1)
        r = anon.post("/login", data={"name": name, "password": password, "login_token": token})
        answers.append((r.status_code, "Wrong name or password." in r.text))
    assert answers == [(401, True), (401, True)]


def test_login_form_needs_its_own_token(anon):
    # Without it another site could log a browser into an account of its choosing (login CSRF).
    r = anon.post("/login", data={"name": "ana", "password": TEST_PASSWORD})
    assert r.status_code == 403 and "factwatch_session" not in r.headers.get("set-cookie", "")


@pytest.mark.parametrize("next_url,landing", [
    ("/claims?q=x", "/claims?q=x"), ("//evil.example/x", "/"), ("https://evil.example", "/"),
    ("/\\evil.example", "/"), ("", "/"),
])
def test_login_redirects_only_within_the_site(anon, next_url, landing):
    token = re.search(r'name="login_token" value="([^"]+)"', anon.get("/login").text).group(1)
    r = anon.post("/login", data={"name": "ana", "password": TEST_PASSWORD, "next": next_url, "login_token": token},
                  follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == landing


def test_password_guessing_is_throttled_per_name(app):
    with TestClient(app, base_url=LOCAL) as c:
        def attempt(name: str, password: str):
            token = re.search(r'name="login_token" value="([^"]+)"', c.get("/login").text).group(1)
            return c.post("/login", data={"name": name, "password": password, "login_token": token},
                          follow_redirects=False)

        assert [attempt("ana", f"guess {n}").status_code for n in range(5)] == [401] * 5
        blocked = attempt("ana", TEST_PASSWORD)  # even the right password waits now
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 60
        assert "factwatch_session" not in blocked.headers.get("set-cookie", "")
        assert attempt("adam", TEST_PASSWORD).status_code == 303  # another name is not locked out


def test_throttle_window_slides(db):
    from factwatch.web.routers.auth import FAILURE_WINDOW_S, LoginThrottle

    now = [1000.0]
    store = open_store(str(db))
    throttle = LoginThrottle(lambda: store, clock=lambda: now[0])
    for _ in range(3):
        throttle.fail("k")
    assert throttle.blocked("k", 3) == pytest.approx(FAILURE_WINDOW_S)
    now[0] += FAILURE_WINDOW_S - 1
    assert throttle.blocked("k", 3) == pytest.approx(1)
    now[0] += 2
    assert throttle.blocked("k", 3) == 0.0
    store.close()


# -- secrets at rest -------------------------------------------------------------------------------

def _database_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


def test_no_password_session_id_or_token_is_stored_in_clear(app, db):
    headers = bearer(db, "analyst", name="ana")
    with TestClient(app, base_url=LOCAL) as c:
        login(c, "ana")
        session = c.cookies["factwatch_session"]
        stored = _database_bytes(db)
    for secret in (TEST_PASSWORD, session, headers["Authorization"].split()[1]):
        assert secret.encode() not in stored
    with open_store(str(db)) as store:
        user = store.get_user("ana")
    assert user is not None and user.password_hash.startswith("$argon2id$")
    with open_store(str(db)) as store:
        assert accounts.authenticate(store, "ana", TEST_PASSWORD) is not None


def test_store_and_write_store_are_closed_on_shutdown(app, db):
    with TestClient(app, base_url=LOCAL) as c:
        login(c, "ana")  # opens the write store
        write = app.state.write_store._store
        assert write is not None
    with pytest.raises(sqlite3.ProgrammingError):
        write.stats()


# -- every write route, whoever wrote it ----------------------------------------------------------

def _write_routes(app) -> list[tuple[str, str]]:
    from fastapi.routing import APIRoute

    from factwatch.web.routers import ROUTERS, auth, publish

    out = []
    for route in (r for router in (*ROUTERS, publish.router, auth.router) for r in router.routes):
        if isinstance(route, APIRoute) and route.path != "/login":
            for method in sorted(route.methods - {"GET", "HEAD", "OPTIONS"}):
                out.append((method, re.sub(r"\{[^}]+\}", "1", route.path)))
    return out


def test_every_write_route_needs_login_and_csrf(app):
    """Routes added by any router are covered: app.py mounts the login and CSRF checks on all."""
    routes = _write_routes(app)
    assert ("POST", "/claims/1/publish") in routes and ("POST", "/logout") in routes
    with TestClient(app, base_url=LOCAL) as c:
        for method, path in routes:
            r = c.request(method, path, follow_redirects=False)
            assert r.status_code in (401, 303, 403), (method, path, r.status_code)
        login(c, "adam")  # admin: the role is never what stops the request below
        for method, path in routes:
            for extra in ({}, {"data": {"csrf_token": "forged"}}):
                r = c.request(method, path, follow_redirects=False, **extra)
                assert r.status_code == 403 and "CSRF" in r.text, (method, path, r.status_code, r.text[:200])


# -- a database the server may not write ------------------------------------------------------------

def test_unwritable_database_still_serves_tokens_and_says_why_logins_fail(db):
    import subprocess

    headers = bearer(db, "viewer", name="vera")  # made while the file is writable
    if subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not allowed here (needs root and a file system with attributes)")
    try:
        with TestClient(create_app(str(db)), base_url=LOCAL) as c:
            assert c.get("/api/me", headers=headers).json()["name"] == "vera"  # reads need no writes
            token = re.search(r'name="login_token" value="([^"]+)"', c.get("/login").text).group(1)
            r = c.post("/login", data={"name": "ana", "password": TEST_PASSWORD, "login_token": token})
            assert r.status_code == 503 and "read-only" in r.text and "writable" in r.text
            assert "factwatch_session" not in r.headers.get("set-cookie", "")
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=True)
