"""The admin's users page and its /api twins, over a real SQLite file and the real app.

Each test names what would get through without the code under test: a non-admin managing
accounts, a form post without the CSRF token, a removed user's token still working, an admin
locking themselves out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from _live import TEST_PASSWORD, add_user, bearer, login
from factwatch.store import open_store
from factwatch.web.app import create_app

LOCAL = "http://127.0.0.1"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "users.db"
    open_store(str(path)).close()
    for name, role in (("vera", "viewer"), ("ana", "analyst"), ("adam", "admin")):
        add_user(path, name, role)
    return path


@pytest.fixture
def client(db: Path):
    with TestClient(create_app(str(db)), base_url=LOCAL) as c:
        yield c


def _ids(db: Path) -> dict[str, int]:
    with open_store(str(db), access="read") as store:
        return {u.name: u.id for u in store.list_users()}


def _roles(db: Path) -> dict[str, str]:
    with open_store(str(db), access="read") as store:
        return {u.name: u.role for u in store.list_users()}


def test_page_lists_users_with_roles_and_tokens_for_admins_only(client, db):
    token_headers = bearer(db, "analyst", name="ana")
    csrf = login(client, "adam")
    html = client.get("/users").text
    assert csrf in html  # every form posts the session's CSRF token
    for name in ("vera", "ana", "adam"):
        assert re.search(rf"<td>{name}( \(you\))?</td>", html), name
    assert "/users/tokens/" in html and "Revoke" in html  # ana's token can be revoked from here
    assert '<a href="/users"' in html  # admins see the menu entry
    assert token_headers


@pytest.mark.parametrize("name", ["vera", "ana"])
def test_non_admins_get_403_and_no_menu_entry(db, name):
    with TestClient(create_app(str(db)), base_url=LOCAL) as c:
        csrf = login(c, name)
        assert c.get("/users").status_code == 403
        assert '<a href="/users"' not in c.get("/about").text
        # A valid session and CSRF token, but the wrong role: the post is refused too.
        r = c.post("/users", data={"csrf_token": csrf, "name": "mallory", "role": "admin", "password": "x" * 12})
        assert r.status_code == 403
    assert "mallory" not in _roles(db)


def test_api_needs_admin(db):
    with TestClient(create_app(str(db)), base_url=LOCAL) as c:
        assert c.post("/api/users", json={"name": "m", "role": "admin", "password": "x" * 12}).status_code == 401
        r = c.post("/api/users", json={"name": "m", "role": "admin", "password": "x" * 12},
                   headers=bearer(db, "analyst", name="ana"))
        assert r.status_code == 403 and "admin" in r.json()["error"]
        assert c.delete(f"/api/users/{_ids(db)['vera']}", headers=bearer(db, "viewer", name="vera")).status_code == 403
    assert set(_roles(db)) == {"vera", "ana", "adam"}


def test_add_change_role_and_remove_through_the_forms(client, db):
    csrf = login(client, "adam")
    r = client.post("/users", data={"csrf_token": csrf, "name": "nina", "role": "analyst", "password": TEST_PASSWORD},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/users"
    assert _roles(db)["nina"] == "analyst"
    nina = _ids(db)["nina"]
    assert client.post(f"/users/{nina}/role", data={"csrf_token": csrf, "role": "viewer"},
                       follow_redirects=False).status_code == 303
    assert _roles(db)["nina"] == "viewer"
    assert client.post(f"/users/{nina}/remove", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert "nina" not in _roles(db)


def test_forms_without_the_csrf_token_change_nothing(client, db):
    login(client, "adam")
    vera = _ids(db)["vera"]
    assert client.post("/users", data={"name": "nina", "role": "admin", "password": TEST_PASSWORD}).status_code == 403
    assert client.post(f"/users/{vera}/role", data={"role": "admin", "csrf_token": "forged"}).status_code == 403
    assert client.post(f"/users/{vera}/remove", data={}).status_code == 403
    assert _roles(db) == {"vera": "viewer", "ana": "analyst", "adam": "admin"}


def test_bad_input_is_shown_on_the_page_and_keeps_nothing(client, db):
    csrf = login(client, "adam")
    r = client.post("/users", data={"csrf_token": csrf, "name": "nina", "role": "admin", "password": "short"})
    assert r.status_code == 400 and "too short" in r.text
    r = client.post("/users", data={"csrf_token": csrf, "name": "<script>x</script>", "role": "boss",
                                    "password": TEST_PASSWORD})
    assert r.status_code == 400 and "Unknown role" in r.text and "<script>x" not in r.text  # escaped
    r = client.post("/users", data={"csrf_token": csrf, "name": "vera", "role": "viewer", "password": TEST_PASSWORD})
    assert r.status_code == 400 and "exists already" in r.text
    assert client.post("/users/999999/remove", data={"csrf_token": csrf}).status_code == 404
    assert set(_roles(db)) == {"vera", "ana", "adam"}


def test_an_admin_cannot_demote_or_remove_themselves(client, db):
    csrf = login(client, "adam")
    adam = _ids(db)["adam"]
    r = client.post(f"/users/{adam}/role", data={"csrf_token": csrf, "role": "viewer"})
    assert r.status_code == 400 and "your own role" in r.text
    r = client.post(f"/users/{adam}/remove", data={"csrf_token": csrf})
    assert r.status_code == 400 and "remove yourself" in r.text
    r = client.delete(f"/api/users/{adam}", headers=bearer(db, "admin", name="adam"))
    assert r.status_code == 400
    assert _roles(db)["adam"] == "admin"


def test_role_change_applies_to_the_next_request_of_a_logged_in_user(db):
    with TestClient(create_app(str(db)), base_url=LOCAL) as admin, \
            TestClient(create_app(str(db)), base_url=LOCAL) as vera:
        admin_csrf = login(admin, "adam")
        login(vera, "vera")
        assert vera.get("/users").status_code == 403
        admin.post(f"/users/{_ids(db)['vera']}/role", data={"csrf_token": admin_csrf, "role": "admin"})
        assert vera.get("/users").status_code == 200


def test_api_twins_add_change_list_tokens_revoke_and_remove(client, db):
    admin = bearer(db, "admin", name="adam")
    r = client.post("/api/users", json={"name": "nina", "role": "analyst", "password": TEST_PASSWORD}, headers=admin)
    assert r.status_code == 201 and r.json()["role"] == "analyst"
    nina = r.json()["id"]
    r = client.patch(f"/api/users/{nina}", json={"role": "viewer"}, headers=admin)
    assert r.status_code == 200 and r.json() == {"id": nina, "name": "nina", "role": "viewer"}
    assert client.patch(f"/api/users/{nina}", json={"role": "boss"}, headers=admin).status_code == 400

    nina_token = bearer(db, "viewer", name="nina")
    assert client.get("/api/me", headers=nina_token).json()["name"] == "nina"
    tokens = client.get(f"/api/users/{nina}/tokens", headers=admin).json()["tokens"]
    assert len(tokens) == 1 and "token" not in tokens[0]  # never the secret itself
    r = client.delete(f"/api/tokens/{tokens[0]['id']}", headers=admin)
    assert r.status_code == 200 and r.json()["revoked"] is True
    assert client.get("/api/me", headers=nina_token).status_code == 401
    assert client.delete(f"/api/tokens/{tokens[0]['id']}", headers=admin).status_code == 404

    second = bearer(db, "viewer", name="nina")
    r = client.delete(f"/api/users/{nina}", headers=admin)
    assert r.status_code == 200 and r.json()["removed"] is True
    assert client.get("/api/me", headers=second).status_code == 401  # the user's tokens went with them
    assert client.delete(f"/api/users/{nina}", headers=admin).status_code == 404
    assert client.get("/api/users/abc/tokens", headers=admin).status_code == 404


def test_revoke_form_ends_a_token(client, db):
    token = bearer(db, "analyst", name="ana")
    csrf = login(client, "adam")
    token_id = re.search(r'action="/users/tokens/(\d+)/revoke"', client.get("/users").text).group(1)
    assert client.post(f"/users/tokens/{token_id}/revoke", data={"csrf_token": csrf},
                       follow_redirects=False).status_code == 303
    assert client.get("/api/me", headers=token).status_code == 401


def test_users_list_exports_as_csv_without_secrets(client, db):
    login(client, "adam")
    r = client.get("/users?format=csv")
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    text = r.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "id,name,role,created_at"
    assert {"vera", "ana", "adam"} <= {line.split(",")[1] for line in text.splitlines()[1:]}
    assert "argon2" not in text and "password" not in text
