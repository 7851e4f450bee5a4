"""The factwatch command line. Thin: parse, open the store, call one service function, render.

The contract (commands, options, --json shapes) is in DESIGN.md; scripts rely on it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from factwatch import _output as out
from factwatch.config import DEFAULT_PROFILE
from factwatch.errors import FactwatchError, InputError
from factwatch.store import Store, default_db_url, open_store

app = typer.Typer(
    help="Watch Western Balkans media, find disinformation campaigns, counter them with facts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
runs_app = typer.Typer(help="Ingestion runs and the records they rejected.", no_args_is_help=True)
sources_app = typer.Typer(help="The source registry: outlets, channels, accounts and their owners.", no_args_is_help=True)
facts_app = typer.Typer(help="The fact base: fact-checks and official statements.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")
app.add_typer(sources_app, name="sources")
app.add_typer(facts_app, name="facts")

JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON document on stdout.")]


class _State:
    db: str = ""


state = _State()


@app.callback()
def main(
    db: Annotated[
        Optional[str],
        typer.Option("--db", help="Database path or URL (default: $FACTWATCH_DB, then ./factwatch.db)."),
    ] = None,
) -> None:
    state.db = db or default_db_url()


def _store() -> Store:
    return open_store(state.db)


def _fail(exc: Exception) -> None:
    out.err_console.print(f"error: {exc}", markup=False, highlight=False)
    raise typer.Exit(1)


def _parse_map(pairs: list[str]) -> dict[str, str] | None:
    mapping: dict[str, str] = {}
    for chunk in pairs:
        for pair in chunk.split(","):
            if not pair.strip():
                continue
            field, sep, column = pair.partition("=")
            if not sep or not field.strip() or not column.strip():
                raise InputError(f"--map expects FIELD=COLUMN pairs such as text=content,author=user; got {pair!r}.")
            mapping[field.strip()] = column.strip()
    return mapping or None


# -- ingestion ---------------------------------------------------------------------------------


@app.command()
def ingest(
    path: Annotated[str, typer.Argument(help="A file, directory, .gz file or http(s) URL.")],
    fmt: Annotated[str, typer.Option("--format", help="auto|rss|html|jsonl|csv|telegram|x|ira")] = "auto",
    source: Annotated[Optional[str], typer.Option("--source", help="Source name for every record.")] = None,
    map_: Annotated[
        list[str], typer.Option("--map", help="Column mapping for CSV/JSONL, e.g. text=content,author=user.")
    ] = [],
    json_: JsonOpt = False,
) -> None:
    """Read documents from feeds, pages and social-media exports into the store."""
    from factwatch.ingest.service import ingest_path

    try:
        mapping = _parse_map(map_)
        with _store() as store:
            if json_:
                stats = ingest_path(store, path, fmt=fmt, source=source, mapping=mapping)
            else:
                with out.console.status(f"ingesting {path}") as status:
                    stats = ingest_path(
                        store, path, fmt=fmt, source=source, mapping=mapping,
                        progress=lambda n: status.update(f"ingesting {path}: {n:,} records"),
                    )
    except FactwatchError as exc:
        _fail(exc)
    if json_:
        out.emit_json(stats)
    else:
        out.key_values(f"run {stats.run_id}", stats.as_dict())
        if stats.rejected:
            out.console.print(f"`factwatch runs show {stats.run_id}` lists the rejected records and why.")


@app.command()
def watch(
    profile: Annotated[str, typer.Option(help="Profile whose feeds to poll.")] = DEFAULT_PROFILE,
    interval: Annotated[float, typer.Option(help="Seconds between polling rounds.")] = 900,
    once: Annotated[bool, typer.Option("--once", help="Poll every due feed once and exit.")] = False,
) -> None:
    """Poll the profile's feeds with conditional GET and per-feed backoff."""
    import logging

    from factwatch.config import profile_file
    from factwatch.ingest.registry import import_sources
    from factwatch.ingest.watch import watch as watch_feeds

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    try:
        with _store() as store:
            # The profile's registry is the list of feeds; upserting it first is idempotent.
            import_sources(store, profile_file(profile, "sources.yaml"), profile=profile)
            watch_feeds(store, profile=profile, interval=interval, once=once)
    except FactwatchError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        raise typer.Exit(0)


@runs_app.command("list")
def runs_list(limit: Annotated[int, typer.Option(help="How many runs.")] = 50, json_: JsonOpt = False) -> None:
    """The latest ingestion runs."""
    with _store() as store:
        runs = store.list_runs(limit=limit)
    if json_:
        out.emit_json({"runs": runs})
        return
    out.table(
        "runs", ["id", "kind", "status", "input", "inserted", "duplicates", "rejected", "started"],
        [(r.id, r.kind, r.status, r.input, r.inserted, r.duplicates, r.rejected, r.started_at) for r in runs],
    )


@runs_app.command("show")
def runs_show(run_id: str, json_: JsonOpt = False) -> None:
    """One run and every record it rejected, with the reason."""
    try:
        with _store() as store:
            run = store.get_run(run_id)
            rejections = store.list_rejections(run_id)
    except FactwatchError as exc:
        _fail(exc)
    if json_:
        out.emit_json({"run": run, "rejections": rejections})
        return
    out.key_values(f"run {run.id}", run.as_dict())
    out.table("rejected records", ["position", "reason", "raw"], [(r.position, r.reason, r.raw[:120]) for r in rejections])


# -- registry ----------------------------------------------------------------------------------


@sources_app.command("list")
def sources_list(
    profile: Annotated[Optional[str], typer.Option(help="Only sources of this profile.")] = None,
    json_: JsonOpt = False,
) -> None:
    """Sources with their platform, country, language, owner and document count."""
    with _store() as store:
        sources = store.list_sources(profile)
    if json_:
        out.emit_json({"sources": sources})
        return
    out.table(
        "sources", ["name", "platform", "country", "language", "actor", "actor type", "documents", "feed"],
        [(s.name, s.platform, s.country, s.language, s.actor, s.actor_type, s.documents, s.feed_url) for s in sources],
    )


@sources_app.command("import")
def sources_import(
    path: Annotated[Optional[Path], typer.Argument(help="A sources.yaml; default: the profile's.")] = None,
    profile: Annotated[str, typer.Option(help="Profile the sources belong to.")] = DEFAULT_PROFILE,
    json_: JsonOpt = False,
) -> None:
    """Load actors and sources from a registry file (YAML)."""
    from factwatch.config import profile_file
    from factwatch.ingest.registry import import_sources

    try:
        path = path or profile_file(profile, "sources.yaml")
        with _store() as store:
            stats = import_sources(store, path, profile=profile)
    except FactwatchError as exc:
        _fail(exc)
    if json_:
        out.emit_json(stats)
    else:
        out.key_values(f"registry {path}", {"actors": stats.actors, "sources": stats.sources, "rejected": len(stats.rejected)})
        for reason in stats.rejected:
            out.err_console.print(f"rejected: {reason}", markup=False)


@sources_app.command("export")
def sources_export(
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="File to write (default: stdout).")] = None,
) -> None:
    """Write the registry as YAML, in the shape `sources import` reads."""
    from factwatch.ingest.registry import export_sources

    with _store() as store:
        text = export_sources(store)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


# -- analysis ----------------------------------------------------------------------------------


@app.command()
def analyze(
    only: Annotated[list[str], typer.Option("--stage", help="Run only these stages.")] = [],
    json_: JsonOpt = False,
) -> None:
    """Run the analysis pipeline on what is new since the last run."""
    from factwatch.pipeline import run_pipeline

    try:
        with _store() as store:
            if json_:
                result = run_pipeline(store, only=only or None)
            else:
                with out.console.status("analysing") as status:
                    result = run_pipeline(store, only=only or None, progress=lambda s: status.update(f"stage {s}"))
    except FactwatchError as exc:
        _fail(exc)
    if json_:
        out.emit_json(result)
        return
    out.table(
        f"pipeline ({result.seconds:.1f}s)", ["stage", "result"],
        [(name, json.dumps(values, ensure_ascii=False)) for name, values in result.stages.items()],
    )


@app.command()
def stats(json_: JsonOpt = False) -> None:
    """Counts: documents, sources, runs, claims, fact-checks, ..."""
    try:
        with _store() as store:
            counts = store.stats()
    except FactwatchError as exc:
        _fail(exc)
    if json_:
        out.emit_json(counts)
    else:
        out.key_values("factwatch", counts)


@app.command()
def inspect(text: Annotated[str, typer.Argument(help="The text to normalise.")], json_: JsonOpt = False) -> None:
    """Show what normalisation makes of a text: language, script, Latin key, sentences."""
    from factwatch.text.normalize import normalize

    result = normalize(text)
    if json_:
        out.emit_json(result)
        return
    out.key_values(
        "normalised",
        {"language": result.language, "score": f"{result.language_score:.2f}", "script": result.script,
         "latin key": result.latin_key},
    )
    out.table("sentences", ["#", "sentence"], list(enumerate(result.sentences, 1)))


# -- fact base and matching --------------------------------------------------------------------


@facts_app.command("import")
def facts_import(
    path: Annotated[Path, typer.Argument(help="ClaimReview JSON-LD, CSV, EUvsDisinfo CSV, MultiClaim dir/CSV or YAML.")],
    fmt: Annotated[str, typer.Option("--format", help="auto|claimreview|csv|euvsdisinfo|multiclaim|yaml")] = "auto",
    json_: JsonOpt = False,
) -> None:
    """Load fact-checks and official statements into the fact base, and index them for `match`."""
    from factwatch.analysis.factcheck import embed_fact_base, import_facts

    try:
        with _store() as store:
            result = import_facts(store, path, fmt=fmt)
            # Run the embed_facts stage now, so `match` works straight after an import.
            if json_:
                indexed = embed_fact_base(store)
            else:
                with out.console.status("indexing the fact base (embeddings)"):
                    indexed = embed_fact_base(store)
    except FactwatchError as exc:
        _fail(exc)
    if json_:
        out.emit_json({**result.as_dict(), "indexed": indexed.as_dict()})
    else:
        out.key_values(f"facts {path}", {**result.as_dict(), "indexed passages": indexed.as_dict()})


@app.command()
def match(
    text: Annotated[Optional[str], typer.Argument(help="A claim to check.")] = None,
    file: Annotated[Optional[Path], typer.Option("--file", help="One text a line; one JSON document a line out.")] = None,
    k: Annotated[int, typer.Option("-k", help="How many fact-checks to return.")] = 5,
    json_: JsonOpt = False,
) -> None:
    """Fact-checks and facts that address TEXT, best first, with a calibrated 'addressed' decision."""
    from factwatch.analysis.matching import match_text

    if (text is None) == (file is None):
        _fail(InputError("Give either TEXT or --file FILE (one text a line)."))
    try:
        with _store() as store:
            if file is not None:
                try:
                    lines = file.read_text(encoding="utf-8-sig").splitlines()
                except (OSError, UnicodeDecodeError) as exc:
                    raise InputError(f"Cannot read {file}: {exc}. Give a UTF-8 text file, one claim a line.") from exc
                for line in lines:
                    if not line.strip():
                        # Keep one output per input line, so results stay aligned with the file.
                        if json_:
                            out.emit_json({"addressed": False, "matches": [], "error": "empty line"})
                        else:
                            out.console.print("(empty line)", markup=False)
                        continue
                    result = match_text(store, line, k=k)
                    if json_:
                        out.emit_json(result)
                    else:
                        _print_match(line, result)
                return
            result = match_text(store, text or "", k=k)
    except FactwatchError as exc:
        _fail(exc)
    if json_:
        out.emit_json(result)
    else:
        _print_match(text or "", result)


def _print_match(text: str, result) -> None:  # type: ignore[no-untyped-def]
    data = result.as_dict()
    out.console.print(f"{'ADDRESSED' if data['addressed'] else 'not addressed'}: {text}", markup=False)
    out.table(
        "matches", ["score", "verdict", "claim", "publisher", "language", "url"],
        [(f"{m['score']:.2f}", m.get("verdict"), m.get("claim"), m.get("publisher"), m.get("language"), m.get("url"))
         for m in data["matches"]],
    )


@app.command()
def card(
    claim_id: Annotated[int, typer.Argument(help="Claim id (see the dashboard or `analyze`).")],
    fmt: Annotated[str, typer.Option("--format", help="md|html|json")] = "md",
) -> None:
    """A response card for a matched claim: the claim as seen, the verdict, facts and a draft."""
    from factwatch.respond.cards import build_card, render_card

    try:
        with _store() as store:
            sys.stdout.write(render_card(build_card(store, claim_id), fmt=fmt) + "\n")
    except FactwatchError as exc:
        _fail(exc)


# -- web ---------------------------------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[str, typer.Option(
        metavar="ADDRESS", help="Interface to listen on. Anything but loopback needs --insecure-public.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", help="Port.")] = 8000,
    allowed_host: Annotated[Optional[list[str]], typer.Option(
        "--allowed-host", metavar="NAME",
        help="Also answer requests whose Host is NAME (repeatable; or FACTWATCH_ALLOWED_HOSTS=a,b). "
             "127.0.0.1, localhost, [::1] and --host are always answered; other names get 400, "
             "against DNS rebinding.")] = None,
    insecure_public: Annotated[bool, typer.Option(
        "--insecure-public",
        help="Allow a non-loopback --host although there are no accounts yet: anyone who can reach it reads everything.",
    )] = False,
) -> None:
    """Serve the dashboard and the REST API."""
    from factwatch.web.server import check_bind, claim_port

    try:
        warning = check_bind(host, insecure_public=insecure_public)
        sock = claim_port(host, port)
    except FactwatchError as exc:
        _fail(exc)
    if warning:
        out.err_console.print(warning, markup=False, highlight=False)
    _serve_on(sock, host=host, port=port, allowed_hosts=allowed_host or [])


def _serve_on(sock: Any, *, host: str, port: int, allowed_hosts: list[str]) -> None:
    from factwatch.web.server import run_dashboard

    shown = f"[{host}]" if ":" in host else host
    out.console.print(f"factwatch dashboard on http://{shown}:{port}  (database {state.db})", markup=False)
    try:
        run_dashboard(state.db, sock, host=host, allowed_hosts=allowed_hosts)
    except FactwatchError as exc:
        _fail(exc)


@app.command()
def demo(
    host: Annotated[str, typer.Option(
        metavar="ADDRESS", help="Interface to listen on. Anything but loopback needs --insecure-public.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", help="Port (checked before anything is loaded).")] = 8000,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Load and analyse only.")] = False,
    insecure_public: Annotated[bool, typer.Option(
        "--insecure-public", help="As for serve: allow a non-loopback --host without accounts.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Load the demo corpus and fact base, analyse them, and serve the dashboard."""
    from factwatch.demo import load_demo
    from factwatch.web.server import check_bind, claim_port

    sock = None
    try:
        if not no_serve:
            # Before the minutes of loading: a busy port or a refused --host fails at once.
            warning = check_bind(host, insecure_public=insecure_public)
            sock = claim_port(host, port)
            if warning:
                out.err_console.print(warning, markup=False, highlight=False)
        with _store() as store:
            summary = load_demo(store, progress=None if json_ else lambda m: out.console.print(m, markup=False))
    except FactwatchError as exc:
        if sock is not None:
            sock.close()
        _fail(exc)
    if json_:
        out.emit_json(summary)
    if sock is not None:
        _serve_on(sock, host=host, port=port, allowed_hosts=[])

if __name__ == "__main__":
    app()
