"""The login form and the admin's users page in English and Serbian (Latin and Cyrillic), through
the real app over a real SQLite store; messages made in Python are translated too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from _live import add_user, login
from factwatch.store import open_store
from factwatch.web.app import create_app
from factwatch.web.routers.auth import FAILURES_ALLOWED

LOCAL = "http://127.0.0.1"


@pytest.fixture
def client(tmp_path: Path):
    path = tmp_path / "i18n.db"
    open_store(str(path)).close()
    add_user(path, "adam", "admin")
    with TestClient(create_app(str(path)), base_url=LOCAL) as c:
        yield c


def _main(html: str) -> str:
    return html.split("<main>", 1)[1].split("</main>", 1)[0]


def _post_login(client: TestClient, password: str, lang: str):
    form = client.get(f"/login?lang={lang}").text
    token = re.search(r'name="login_token" value="([^"]+)"', form).group(1)
    return client.post("/login", data={"name": "adam", "password": password, "next": "/", "login_token": token})


@pytest.mark.parametrize("lang,expected,absent", [
    ("en", ["Log in", "User name", "Password", "No account?"], ["Lozinka"]),
    ("sr-Latn", ["Prijava", "Korisničko ime", "Lozinka", "Nemate nalog?", "Skripte koriste API token:"],
     ["Password", "No account?"]),
    ("sr-Cyrl", ["Пријава", "Корисничко име", "Лозинка", "Немате налог?", "Скрипте користе API токен:"],
     ["Lozinka", "Password"]),
])
def test_login_form_in_each_interface_language(client, lang, expected, absent):
    main = _main(client.get(f"/login?lang={lang}").text)
    for text in expected:
        assert text in main, text
    for text in absent:
        assert text not in main, text
    assert "factwatch users add NAME --role viewer" in main  # commands stay as typed


def test_login_errors_in_serbian_with_their_values(client):
    r = _post_login(client, "wrong password", "sr-Cyrl")
    assert r.status_code == 401 and "Погрешно име или лозинка." in r.text
    for _ in range(FAILURES_ALLOWED):
        r = _post_login(client, "wrong password", "sr-Latn")
    assert r.status_code == 429
    assert re.search(r"Previše neuspelih prijava; pokušajte ponovo za \d+ min\.", r.text), _main(r.text)


def test_users_page_in_serbian(client):
    login(client, "adam")
    main = _main(client.get("/users?lang=sr-Latn").text)
    for text in ("Korisnici", "Uloga", "Promeni ulogu", "Dodaj korisnika", "administrator", "nema tokena", "(vi)"):
        assert text in main, text
    main = _main(client.get("/users?lang=sr-Cyrl").text)
    assert "Корисници" in main and "Промени улогу" in main and 'value="admin"' in main  # values stay
