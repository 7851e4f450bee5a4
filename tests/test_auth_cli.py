"""`factwatch users` and `factwatch tokens` as real subprocesses, against a real server on loopback."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx

from _live import live_dashboard

PASSWORD = "a long enough pass phrase"


def factwatch(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "factwatch.cli", "--db", str(db), *args], input=stdin,
                          capture_output=True, text=True, timeout=60, env={**os.environ, "NO_COLOR": "1"})


def test_users_add_list_remove_with_the_password_from_stdin(tmp_path):
    db = tmp_path / "f.db"
    added = factwatch(db, "users", "add", "mila", "--role", "analyst", "--json", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout) == {"id": 1, "name": "mila", "role": "analyst"}
    assert PASSWORD not in added.stdout + added.stderr
    listed = json.loads(factwatch(db, "users", "list", "--json").stdout)["users"]
    assert [(u["name"], u["role"]) for u in listed] == [("mila", "analyst")]
    stored = sqlite3.connect(db).execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    again = factwatch(db, "users", "add", "mila", stdin=PASSWORD + "\n")
    assert again.returncode == 1 and "exists already" in again.stderr
    assert factwatch(db, "users", "remove", "mila").returncode == 0
    assert json.loads(factwatch(db, "users", "list", "--json").stdout)["users"] == []
    missing = factwatch(db, "users", "remove", "mila")
    assert missing.returncode == 1 and "factwatch users list" in missing.stderr


def test_bad_input_is_refused_with_a_reason(tmp_path):
    db = tmp_path / "f.db"
    for args, stdin, says in ((("users", "add", "x", "--role", "boss"), PASSWORD, "Unknown role"),
                              (("users", "add", "x"), "short", "too short"),
                              (("users", "add", "x"), "", "No password on stdin"),
                              (("users", "add", "two words"), PASSWORD, "Bad user name"),
                              (("tokens", "create", "nobody"), None, "No user 'nobody'")):
        result = factwatch(db, *args, stdin=stdin)
        assert result.returncode == 1 and says in result.stderr and "Traceback" not in result.stderr, args


def test_a_printed_token_opens_the_api_until_revoked_or_the_user_goes(tmp_path):
    db = tmp_path / "f.db"
    assert factwatch(db, "users", "add", "bot", "--role", "viewer", stdin=PASSWORD + "\n").returncode == 0
    created = factwatch(db, "tokens", "create", "bot", "--label", "nightly export")
    token = created.stdout.strip()
    assert created.returncode == 0 and token.startswith("fwt_") and len(token) > 40
    assert token.encode() not in db.read_bytes()
    with live_dashboard(db) as url, httpx.Client(base_url=url, trust_env=False) as http:
        auth = {"Authorization": f"Bearer {token}"}
        assert http.get("/api/me", headers=auth).json()["name"] == "bot"
        assert http.get("/api/stats").status_code == 401
        (listed,) = json.loads(factwatch(db, "tokens", "list", "bot", "--json").stdout)["tokens"]
        assert listed["label"] == "nightly export" and "token" not in json.dumps(listed).replace("tokens", "")
        assert factwatch(db, "tokens", "revoke", str(listed["id"])).returncode == 0
        assert http.get("/api/me", headers=auth).status_code == 401
        token2 = factwatch(db, "tokens", "create", "bot").stdout.strip()
        assert http.get("/api/me", headers={"Authorization": f"Bearer {token2}"}).status_code == 200
        assert factwatch(db, "users", "remove", "bot").returncode == 0
        assert http.get("/api/me", headers={"Authorization": f"Bearer {token2}"}).status_code == 401


def test_passwd_changes_the_password_and_ends_sessions(tmp_path):
    import re

    db = tmp_path / "f.db"
    factwatch(db, "users", "add", "mila", "--role", "analyst", stdin=PASSWORD + "\n")
    with live_dashboard(db) as url, httpx.Client(base_url=url, trust_env=False) as http:
        def log_in(password: str) -> int:
            token = re.search(r'name="login_token" value="([^"]+)"', http.get("/login").text).group(1)
            return http.post("/login", data={"name": "mila", "password": password, "login_token": token}).status_code

        assert log_in(PASSWORD) == 303 and http.get("/api/me").status_code == 200
        assert factwatch(db, "users", "passwd", "mila", stdin="another long phrase\n").returncode == 0
        assert http.get("/api/me").status_code == 401  # the session ended with the old password
        assert log_in(PASSWORD) == 401 and log_in("another long phrase") == 303


def test_role_change_applies_to_the_next_request(tmp_path):
    db = tmp_path / "f.db"
    factwatch(db, "users", "add", "bot", "--role", "viewer", stdin=PASSWORD + "\n")
    token = factwatch(db, "tokens", "create", "bot").stdout.strip()
    with live_dashboard(db) as url, httpx.Client(base_url=url, trust_env=False,
                                                 headers={"Authorization": f"Bearer {token}"}) as http:
        assert http.get("/api/users").status_code == 403
        assert factwatch(db, "users", "role", "bot", "admin").returncode == 0
        assert http.get("/api/users").json()["users"][0]["role"] == "admin"
        bad = factwatch(db, "users", "role", "bot", "owner")
        assert bad.returncode == 1 and "Unknown role" in bad.stderr



def test_cli_startup_hashes_no_password():
    """Every `factwatch` command imports accounts; an argon2 hash at import (the unknown-name dummy)
    cost each one ~0.15 s of CPU and 64 MiB before the command ran."""
    probe = ("import argon2\n"
             "calls = []\n"
             "real = argon2.PasswordHasher.hash\n"
             "argon2.PasswordHasher.hash = lambda self, *a, **k: calls.append(1) or real(self, *a, **k)\n"
             "import factwatch.cli\n"
             "print(len(calls))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == "0"
