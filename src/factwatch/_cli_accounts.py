"""``factwatch users add|list|remove|passwd`` and ``factwatch tokens create|list|revoke``.

Passwords are read from stdin (one line; asked twice on a terminal), never from the command line,
where they would sit in the shell history and the process list. A token is printed once: only its
hash is stored.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from typing import Annotated, Any, Optional

import typer

from factwatch import _output as out
from factwatch import accounts
from factwatch.errors import InputError
from factwatch.store import Access, Store

# Plain click help, as cli._typer makes them (not imported from cli: `python -m factwatch.cli`
# runs cli as __main__, and importing it back from here would load it twice).
users_app = typer.Typer(help="Accounts for the dashboard and API: viewer (reads), analyst (decides, edits), admin "
                             "(manages).", no_args_is_help=True, rich_markup_mode=None)
tokens_app = typer.Typer(help="API tokens for scripts: send `Authorization: Bearer TOKEN` to /api.",
                         no_args_is_help=True, rich_markup_mode=None)
JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON document on stdout.")]
_open: Callable[[Access], Store] | None = None


def register(app: typer.Typer, opener: Callable[[Access], Store]) -> None:
    """Mount ``users`` and ``tokens`` on the main CLI; ``opener`` is cli._store (it knows --db)."""
    global _open
    _open = opener
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")


def _store(access: Access = "create") -> Any:
    assert _open is not None, "register() mounts these commands"
    return _open(access)

NameArg = Annotated[str, typer.Argument(metavar="NAME", help="The user's login name.")]


def read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise InputError("The two passwords differ; nothing was changed.")
        return first
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise InputError("No password on stdin: pipe one line, e.g. `printf '%s\\n' \"$PW\" | factwatch users add NAME`.")
    return line


@users_app.command("add")
def users_add(
    name: NameArg,
    role: Annotated[str, typer.Option("--role", metavar="ROLE", help="viewer|analyst|admin")] = "viewer",
    json_: JsonOpt = False,
) -> None:
    """Create a user; the password is read from stdin."""
    with _store() as store:
        user = accounts.add_user(store, name, role, read_password())
    if json_:
        out.emit_json({"id": user.id, "name": user.name, "role": user.role})
    else:
        out.line(f"user {user.name} added as {user.role}")


@users_app.command("passwd")
def users_passwd(name: NameArg) -> None:
    """Set a new password (read from stdin) and end the user's sessions."""
    password = read_password()
    with _store("write") as store:
        store.set_password_hash(name, accounts.hash_password(password))
    out.line(f"password of {name} changed; their sessions are logged out")


@users_app.command("role")
def users_role(
    name: NameArg,
    role: Annotated[str, typer.Argument(metavar="ROLE", help="viewer|analyst|admin")],
) -> None:
    """Change a user's role; it applies to their next request (sessions and tokens included)."""
    with _store("write") as store:
        store.set_role(name, role)
    out.line(f"user {name} is now {role}")


@users_app.command("list")
def users_list(json_: JsonOpt = False) -> None:
    """Every user with their role."""
    with _store("read") as store:
        users = store.list_users()
    if json_:
        out.emit_json({"users": [{"id": u.id, "name": u.name, "role": u.role, "created_at": u.created_at}
                                 for u in users]})
    else:
        out.table("users", ["id", "name", "role", "created"], [(u.id, u.name, u.role, u.created_at) for u in users])


@users_app.command("remove")
def users_remove(name: NameArg) -> None:
    """Delete a user with their sessions and API tokens (their past decisions keep their name)."""
    with _store("write") as store:
        store.remove_user(name)
    out.line(f"user {name} removed")


@tokens_app.command("create")
def tokens_create(
    name: Annotated[str, typer.Argument(metavar="USER", help="Whose rights the token carries.")],
    label: Annotated[Optional[str], typer.Option("--label", metavar="TEXT", help="What the token is for.")] = None,
) -> None:
    """Print a new API token for USER (shown once; only its hash is kept)."""
    with _store("write") as store:
        token = accounts.create_token(store, name, label=label)
    # The token alone on stdout, so `TOKEN=$(factwatch tokens create alice)` works.
    sys.stdout.write(token + "\n")


@tokens_app.command("list")
def tokens_list(name: Annotated[str, typer.Argument(metavar="USER")], json_: JsonOpt = False) -> None:
    """USER's tokens: id, label, created (never the token itself)."""
    with _store("read") as store:
        tokens = store.list_api_tokens(name)
    if json_:
        out.emit_json({"tokens": tokens})
    else:
        out.table(f"tokens of {name}", ["id", "label", "created"], [(t["id"], t["label"], t["created_at"]) for t in tokens])


@tokens_app.command("revoke")
def tokens_revoke(token_id: Annotated[int, typer.Argument(metavar="TOKEN_ID", help="From `tokens list USER`.")]) -> None:
    """Revoke a token: requests carrying it get 401 from now on."""
    with _store("write") as store:
        store.revoke_api_token(token_id)
    out.line(f"token {token_id} revoked")
