"""``factwatch claims status|post``: the workbench's claim workflow from the command line.

The same service functions as the web forms and ``/api/claims/{id}/status|posts``
(respond/workflow.py), so the audit list shows a change made here like one made in the browser.
Who acted is ``--as NAME``, else $FACTWATCH_USER, else the operating-system user, as for
``factwatch review confirm``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Optional

import typer

from factwatch import _output as out
from factwatch.store import Access, Store

JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON document on stdout.")]
ClaimArg = Annotated[int, typer.Argument(metavar="CLAIM_ID", help="The claim's id (`factwatch claims list`).")]
AsOpt = Annotated[Optional[str], typer.Option("--as", metavar="NAME", help="Who acts (default: $FACTWATCH_USER, then your login).")]
NoteOpt = Annotated[Optional[str], typer.Option("--note", metavar="TEXT", help="Why; kept with the change.")]
# The CLI spells statuses with a hyphen, as typed in a shell; the store keeps in_review.
STATUS_CHOICES = ("new", "in-review", "responded")
_open: Callable[[Access], Store] | None = None


def register(claims_app: typer.Typer, opener: Callable[[Access], Store]) -> None:
    """Add ``status`` and ``post`` to ``factwatch claims``; ``opener`` is cli._store (it knows --db)."""
    global _open
    _open = opener
    claims_app.command("status")(claims_status)
    claims_app.command("post")(claims_post)


def _store(access: Access) -> Any:
    assert _open is not None, "register() mounts these commands"
    return _open(access)


def _who(name: str | None) -> str:
    from factwatch.errors import InputError
    from factwatch.respond.review import reviewer_name

    if name is None:
        return reviewer_name()
    name = name.strip()
    if not name or len(name) > 100 or not name.isprintable():
        raise InputError("--as is a user name: printable, 1 to 100 characters.")
    return name


def claims_status(
    claim_id: ClaimArg,
    status: Annotated[str, typer.Argument(metavar="new|in-review|responded", help="The claim's new status.")],
    assignee: Annotated[Optional[str], typer.Option("--assignee", metavar="NAME", help="Who handles it (default: keep the current one; \"\" for nobody).")] = None,
    who: AsOpt = None,
    note: NoteOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Set a claim's status (new, in-review, responded) and assignee; who and when are stored."""
    from factwatch.errors import InputError
    from factwatch.respond import workflow

    wanted = status.strip().lower()
    if wanted not in STATUS_CHOICES and wanted != "in_review":
        raise InputError(f"STATUS is one of {', '.join(STATUS_CHOICES)}, not {status!r}.")
    actor = _who(who)
    with _store("write") as store:
        if assignee is None:  # a status change alone keeps the person on it
            assignee = store.claim_state(claim_id).assignee
        state = workflow.set_claim_status(store, claim_id, status=wanted.replace("-", "_"), assignee=assignee,
                                          who=actor, note=note)
    if json_:
        out.emit_json(state)
        return
    on = f", assigned to {state.assignee}" if state.assignee else ", unassigned"
    out.line(f"claim {state.claim_id}: {state.status.replace('_', '-')}{on} (by {state.changed_by} at {state.changed_at})")


def claims_post(
    claim_id: ClaimArg,
    url: Annotated[str, typer.Argument(metavar="URL", help="Where the reply was posted (http or https).")],
    posted_at: Annotated[Optional[str], typer.Option("--at", metavar="WHEN", help="When it was posted (YYYY-MM-DD[THH:MM], UTC unless an offset is given; default now).")] = None,
    who: AsOpt = None,
    note: NoteOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Record where a reply to the claim was posted; the claim becomes responded."""
    from factwatch.respond import workflow

    actor = _who(who)
    with _store("write") as store:
        post = workflow.record_post(store, claim_id, url, who=actor, posted_at=posted_at, note=note)
        state = store.claim_state(claim_id)
    if json_:
        out.emit_json({**post.as_dict(), "status": state.status})
        return
    out.line(f"claim {post.claim_id}: reply at {post.url} posted {post.posted_at} by {post.posted_by}; "
             f"status {state.status.replace('_', '-')}")
