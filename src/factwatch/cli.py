"""The factwatch command line. Thin: parse, open the store, call one service function, render.

The contract (commands, options, --json shapes) is in DESIGN.md; scripts rely on it. Errors are
mapped to ``error: ...`` on stderr and an exit code in one place, ``_Commands.invoke``, as
sqlite-utils turns its library's errors into one CLI error.
"""

from __future__ import annotations

import sqlite3
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, NoReturn, Optional

import typer
from typer.core import TyperArgument, TyperGroup

from factwatch import __version__
from factwatch import _output as out
from factwatch.config import DEFAULT_PROFILE
from factwatch.errors import ConfigError, FactwatchError, InputError, NotFoundError
from factwatch.store import Access, Store, default_db_url, open_store

# Exit codes: 1 for every error factwatch explains (DESIGN.md: non-zero with a message on
# stderr), 2 for usage errors (click's own), 130 for Ctrl-C (typer's, as shells report SIGINT).
EXIT_ERROR = 1


def _os_message(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}. Check the path and its permissions."


def _fail(message: str) -> NoReturn:
    out.error(message)
    raise typer.Exit(EXIT_ERROR)


class _ValueNameArgument(TyperArgument):
    """An argument whose help shows its value name only (CLAIM_ID, not ``CLAIM_ID <int>``)."""

    def display_type_rich(self, ctx: typer.Context) -> str | None:
        return None


class _Commands(TyperGroup):
    """The root command group: maps the errors of every command to ``error: ...``, once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # typer labels arguments with their Python type (<str>, <int>) even when a metavar is
        # given; options honour the metavar. Give every argument of the tree the option's rule.
        stack: list[Any] = list(self.commands.values())
        while stack:
            command = stack.pop()
            stack.extend(getattr(command, "commands", {}).values())
            for param in command.params:
                if type(param) is TyperArgument:
                    param.__class__ = _ValueNameArgument

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except FactwatchError as exc:
            _fail(str(exc))
        except sqlite3.Error as exc:
            # The store translates the errors it sees; this catches any that slip past it.
            from factwatch.store.sqlite import explain_sqlite_error

            _fail(str(explain_sqlite_error(exc, state.db)))
        except BrokenPipeError:
            raise  # `factwatch runs list | head`: typer exits quietly
        except OSError as exc:
            _fail(_os_message(exc))


def _typer(help_text: str, **kwargs: Any) -> typer.Typer:
    # Plain click help: value names (--db PATH) rather than rich's <str>/<bool> type labels.
    return typer.Typer(help=help_text, no_args_is_help=True, rich_markup_mode=None, **kwargs)


app = _typer(
    "Watch Western Balkans media, find disinformation campaigns, counter them with facts.",
    cls=_Commands, add_completion=False, pretty_exceptions_enable=False,
)
runs_app = _typer("Ingestion runs and the records they rejected.")
sources_app = _typer("The source registry: outlets, channels, accounts and their owners.")
facts_app = _typer("The fact base: fact-checks and official statements.")
claims_app = _typer("Check-worthy sentences that `analyze` extracted, with their best fact-check.")
review_app = _typer("Analyst decisions on candidate fact-checks: confirm or reject a match, with who and when.")
app.add_typer(runs_app, name="runs")
app.add_typer(sources_app, name="sources")
app.add_typer(facts_app, name="facts")
app.add_typer(claims_app, name="claims")
app.add_typer(review_app, name="review")
narratives_app = _typer("Narratives: the catalogue, classifying texts, and analysts' confirm/reject of assignments.")
app.add_typer(narratives_app, name="narratives")

JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON document on stdout.")]


class _State:
    db: str = ""


state = _State()


def _show_version(value: bool) -> None:
    if value:
        out.line(f"factwatch {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    db: Annotated[
        Optional[str],
        typer.Option("--db", metavar="PATH", help="Database path or URL (default: $FACTWATCH_DB, then ./factwatch.db)."),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    state.db = db or default_db_url()


def _store(access: Access = "create") -> Store:
    """The store for this command: "read" for commands that only read (the file must exist and
    may be read-only), "write" for commands that need existing data, "create" otherwise."""
    return open_store(state.db, access=access)


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


def _parse_since(value: str | None) -> str | None:
    """--since as the ISO text the store compares with (UTC when an offset is given)."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"--since expects a date such as 2026-10-01 or 2026-10-01T08:00:00+02:00; got {value!r}.") from None
    if len(value.strip()) == 10:
        return parsed.date().isoformat()
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc)
    return parsed.replace(tzinfo=None).isoformat()


# -- ingestion ---------------------------------------------------------------------------------


@app.command()
def ingest(
    path: Annotated[str, typer.Argument(metavar="PATH|URL", help="A file, directory, .gz file or http(s) URL.")],
    fmt: Annotated[str, typer.Option("--format", metavar="FORMAT", help="auto|rss|html|jsonl|csv|telegram|x|ira")] = "auto",
    source: Annotated[Optional[str], typer.Option("--source", metavar="NAME", help="Source name for every record.")] = None,
    map_: Annotated[
        list[str], typer.Option("--map", metavar="FIELD=COLUMN", help="Column mapping for CSV/JSONL, e.g. text=content,author=user.")
    ] = [],
    json_: JsonOpt = False,
) -> None:
    """Read documents from feeds, pages and social-media exports into the store."""
    from factwatch.ingest.service import ingest_path

    mapping = _parse_map(map_)
    with _store() as store:
        if json_:
            stats = ingest_path(store, path, fmt=fmt, source=source, mapping=mapping)
        else:
            with out.progress_reporter() as reporter:
                tracker = reporter("ingest")
                stats = ingest_path(
                    store, path, fmt=fmt, source=source, mapping=mapping,
                    progress=lambda n: tracker(n, None, "records"),
                )
                tracker.finish({})
    if json_:
        out.emit_json(stats)
        return
    out.key_values(f"run {stats.run_id}", stats.as_dict())
    if stats.rejected:
        out.line(f"`factwatch runs show {stats.run_id}` lists the rejected records and why.")


@app.command()
def watch(
    profile: Annotated[str, typer.Option(metavar="NAME", help="Profile whose feeds to poll.")] = DEFAULT_PROFILE,
    interval: Annotated[float, typer.Option(metavar="SECONDS", help="Seconds between polling rounds.")] = 900,
    once: Annotated[bool, typer.Option("--once", help="Poll every due feed once and exit.")] = False,
) -> None:
    """Poll the profile's feeds with conditional GET and per-feed backoff."""
    from factwatch.config import profile_file
    from factwatch.ingest.registry import import_sources
    from factwatch.ingest.watch import watch as watch_feeds

    out.log_to_stderr()
    try:
        with _store() as store:
            # The profile's registry is the list of feeds; upserting it first is idempotent.
            import_sources(store, profile_file(profile, "sources.yaml"), profile=profile)
            watch_feeds(store, profile=profile, interval=interval, once=once)
    except KeyboardInterrupt:
        raise typer.Exit(0)  # the way to stop a watcher, not an error


@runs_app.command("list")
def runs_list(limit: Annotated[int, typer.Option(metavar="N", min=1, help="How many runs.")] = 50,
              json_: JsonOpt = False) -> None:
    """The latest ingestion runs."""
    with _store("read") as store:
        runs = store.list_runs(limit=limit)
    if json_:
        out.emit_json({"runs": runs})
        return
    out.table(
        "runs", ["id", "kind", "status", "input", "inserted", "duplicates", "rejected", "started"],
        [(r.id, r.kind, r.status, r.input, r.inserted, r.duplicates, r.rejected, r.started_at) for r in runs],
    )


@runs_app.command("show")
def runs_show(run_id: Annotated[str, typer.Argument(metavar="RUN_ID", help="A run id from `runs list`.")],
              json_: JsonOpt = False) -> None:
    """One run and every record it rejected, with the reason."""
    with _store("read") as store:
        run = store.get_run(run_id)
        rejections = store.list_rejections(run_id)
    if json_:
        out.emit_json({"run": run, "rejections": rejections})
        return
    out.key_values(f"run {run.id}", run.as_dict())
    out.table("rejected records", ["position", "reason", "raw"], [(r.position, r.reason, r.raw[:120]) for r in rejections])


# -- registry ----------------------------------------------------------------------------------


@sources_app.command("list")
def sources_list(
    profile: Annotated[Optional[str], typer.Option(metavar="NAME", help="Only sources of this profile.")] = None,
    json_: JsonOpt = False,
) -> None:
    """Sources with their platform, country, language, owner and document count."""
    with _store("read") as store:
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
    path: Annotated[Optional[Path], typer.Argument(metavar="FILE", help="A sources.yaml; default: the profile's.")] = None,
    profile: Annotated[str, typer.Option(metavar="NAME", help="Profile the sources belong to.")] = DEFAULT_PROFILE,
    json_: JsonOpt = False,
) -> None:
    """Load actors and sources from a registry file (YAML)."""
    from factwatch.config import profile_file
    from factwatch.ingest.registry import import_sources

    path = path or profile_file(profile, "sources.yaml")
    with _store() as store:
        stats = import_sources(store, path, profile=profile)
    if json_:
        out.emit_json(stats)
        return
    out.key_values(f"registry {path}", {"actors": stats.actors, "sources": stats.sources, "rejected": len(stats.rejected)})
    for reason in stats.rejected:
        out.warn(f"rejected: {reason}")


@sources_app.command("export")
def sources_export(
    output: Annotated[Optional[Path], typer.Option("-o", "--output", metavar="FILE", help="File to write (default: stdout).")] = None,
) -> None:
    """Write the registry as YAML, in the shape `sources import` reads."""
    from factwatch.ingest.registry import export_sources

    with _store("read") as store:
        text = export_sources(store)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        out.write_text(text)


@sources_app.command("show")
def sources_show(
    name: Annotated[str, typer.Argument(metavar="ID", help="A source name (`sources list`) or an actor name (all its sources).")],
    json_: JsonOpt = False,
) -> None:
    """Who a source (or actor) is and what it pushes: narratives by month, share of state or
    state-affiliated content, claims matched to fact-checks (confirmed or candidate)."""
    from factwatch.analysis.pushers import source_profile

    with _store("read") as store:
        profile = source_profile(store, name)
    if json_:
        out.emit_json(profile)
        return
    out.key_values(f"{profile.kind} {profile.name}", {
        "platform": profile.platform or "", "actor": profile.actor or "", "actor type": profile.actor_type or "",
        "country": profile.country or "", "sources": ", ".join(profile.sources), "documents": profile.documents,
        "state or state-affiliated content": f"{profile.state_documents} ({profile.state_share:.0%}): published by, "
                                             "copied, forwarded or linked from state or state-affiliated sources"})
    out.table("narratives carried", ["narrative", "documents", "first", "latest", "by month"],
              [(n.narrative_id, n.documents, (n.first_at or "")[:10], (n.latest_at or "")[:10],
                ", ".join(f"{m} {c}" for m, c in n.monthly.items())) for n in profile.narratives])
    out.table("claims matched to fact-checks", ["status", "claim", "published", "fact-check", "verdict", "p"],
              [(c.status, c.claim_id, (c.published_at or "")[:10], c.fact_check_claim, c.verdict or "",
                f"{c.probability:.2f}" if c.probability is not None else "") for c in profile.fact_checked])


# -- analysis ----------------------------------------------------------------------------------


@app.command()
def analyze(
    only: Annotated[list[str], typer.Option("--stage", metavar="STAGE", help="Run only these stages (repeat the option).")] = [],
    json_: JsonOpt = False,
) -> None:
    """Run the analysis pipeline on what is new since the last run.

    Progress goes to stderr: a bar per stage in a terminal, a log line every few seconds otherwise.
    """
    from factwatch.pipeline import run_pipeline

    with _store("write") as store:
        with out.progress_reporter() as reporter:
            result = run_pipeline(store, only=only or None, progress=reporter)
    if json_:
        out.emit_json(result)
        return
    out.table(
        f"pipeline ({result.seconds:.1f} s)", ["stage", "result", "seconds"],
        [(name, out.summary_text({k: v for k, v in values.items() if k != "seconds"}), f"{values.get('seconds', 0):.1f}")
         for name, values in result.stages.items()],
    )


@app.command()
def stats(json_: JsonOpt = False) -> None:
    """Counts: documents, sources, runs, claims, fact-checks, reviews (pending/confirmed/rejected), ..."""
    with _store("read") as store:
        counts = store.stats()
    if json_:
        out.emit_json(counts)
    else:
        out.key_values("factwatch", counts)


@app.command()
def inspect(text: Annotated[str, typer.Argument(metavar="TEXT", help="The text to normalise.")], json_: JsonOpt = False) -> None:
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


@claims_app.command("list")
def claims_list(
    addressed: Annotated[bool, typer.Option("--addressed", help="Only claims with a candidate fact-check that addresses them.")] = False,
    since: Annotated[Optional[str], typer.Option("--since", metavar="DATE", help="Only claims of documents published since DATE (2026-10-01, or with a time and offset).")] = None,
    limit: Annotated[int, typer.Option(metavar="N", min=1, help="How many claims, newest first.")] = 50,
    json_: JsonOpt = False,
) -> None:
    """Claims newest first, with their id for `factwatch card ID` and their best candidate fact-check."""
    with _store("read") as store:
        rows = store.list_claim_rows(addressed=True if addressed else None, since=_parse_since(since), limit=limit)
    if json_:
        out.emit_json({"claims": rows})
        return
    # p is the decision's stored P(addressed), not the re-ranker's score (issue 6); the status is
    # the analyst decision in force, else "candidate" for an addressed match.
    # The best match is a fact-check or a fact (an official statement): a fact's row says so.
    out.table(
        "claims", ["id", "published", "source", "lang", "claim", "candidate fact-check or fact", "p", "status", "stance"],
        [(r.id, (r.published_at or "")[:10], r.source, r.language, r.text,
          f"fact: {r.match_claim}" if r.match_target == "fact" and r.match_claim else r.match_claim,
          f"{r.probability:.2f}" if r.probability is not None else "",
          r.review_decision or ("candidate" if r.addressed else ""), r.stance if (r.addressed or r.review_decision) else "")
         for r in rows],
    )
    if addressed and rows:
        out.line("`factwatch card ID` drafts a response to one of them.")


# -- story clusters (issue 8) -------------------------------------------------------------------


@app.command()
def clusters(
    cluster_id: Annotated[Optional[int], typer.Argument(metavar="[CLUSTER_ID]", help="Show this cluster: its first appearance, every copy with its lag and changes, its amplifiers.")] = None,
    min_size: Annotated[int, typer.Option("--min-size", metavar="N", min=1, help="Only clusters of at least N documents.")] = 2,
    min_sources: Annotated[int, typer.Option("--min-sources", metavar="N", min=1, help="Only clusters carried by at least N outlets or accounts (2 hides an outlet's repeats of its own templates, such as daily weather items).")] = 1,
    limit: Annotated[int, typer.Option(metavar="N", min=1, help="How many clusters, largest first.")] = 50,
    json_: JsonOpt = False,
) -> None:
    """Story clusters: the same text re-published across outlets, scripts and platforms (`analyze` builds them)."""
    from factwatch.analysis.spread import cluster_report, list_clusters

    with _store("read") as store:
        if cluster_id is not None:
            report = cluster_report(store, cluster_id)
        else:
            listing = list_clusters(store, min_size=min_size, min_sources=min_sources, limit=limit)
    if cluster_id is not None:
        if json_:
            out.emit_json({"cluster": report})
            return
        out.key_values(f"cluster {report.id}", {
            "documents": report.size, "first appearance": f"{report.first.published_at or 'undated'} {report.first.source}"
            + (f" ({report.first.author})" if report.first.author else ""),
            "languages": ", ".join(report.languages), "scripts": ", ".join(report.scripts),
            "platforms": ", ".join(report.platforms), "altered copies": report.altered, "undated": report.undated,
        })
        out.table("copies", ["doc", "published", "lag", "platform", "source", "account", "lang", "script", "changes"],
                  [(c.document_id, c.published_at or "", _lag_text(c.lag_seconds), c.platform, c.source, c.author or "",
                    c.language, c.script, "; ".join(f"{d['before']} → {d['after']}" for d in c.changes[:3]))
                   for c in report.copies])
        return
    if json_:
        out.emit_json(listing)
        return
    out.table(
        f"clusters ({listing.total} of at least {min_size} documents)",
        ["id", "docs", "sources", "first seen", "first source", "span", "languages", "platforms", "title"],
        [(c.row.id, c.row.size, c.row.sources, c.row.first_published_at or "", c.row.first_source,
          _lag_text(c.span_seconds), ", ".join(c.row.languages), ", ".join(c.row.platforms), c.row.first_title or "")
         for c in listing.clusters],
    )
    if listing.clusters:
        out.line("`factwatch clusters ID` shows one cluster's copies, lags and changes.")


# -- coordinated sharing (issue 8) ---------------------------------------------------------------


@app.command()
def coordination(
    window: Annotated[float, typer.Option("--window", metavar="S", help="Seconds within which two shares of one object are a co-share (inclusive).")] = 60.0,
    min_participation: Annotated[int, typer.Option("--min-participation", metavar="N", min=1, help="Accounts need at least N shares, and N shares in co-shares.")] = 2,
    edge_quantile: Annotated[Optional[float], typer.Option("--edge-quantile", metavar="Q", min=0.0, max=1.0, help="Also require an edge weight strictly above this quantile of all weights (CooRTweet's edge_weight, R type 7; 0.5 = median).")] = None,
    min_weight: Annotated[int, typer.Option("--min-weight", metavar="N", min=1, help="Keep edges of at least N co-shares (2: the pair co-shared more than once).")] = 2,
    object_kind: Annotated[Optional[str], typer.Option("--object", metavar="KIND|COL", help="What is shared: url (default), repost, hashtag, text (story cluster) or media; with --from-csv, the table's object column.")] = None,
    from_csv: Annotated[Optional[Path], typer.Option("--from-csv", metavar="FILE", help="Run on any CSV table instead of the store (nothing is ingested).")] = None,
    account_col: Annotated[Optional[str], typer.Option("--account", metavar="COL", help="With --from-csv: the account column.")] = None,
    time_col: Annotated[Optional[str], typer.Option("--time", metavar="COL", help="With --from-csv: the time column (unix seconds or a date).")] = None,
    content_col: Annotated[Optional[str], typer.Option("--content", metavar="COL", help="With --from-csv: the post id column; a row whose post id is its object (the original) is not a share of it.")] = None,
    clock_offset: Annotated[Optional[list[str]], typer.Option("--clock-offset", metavar="SOURCE=SECONDS", help="Shift a source's timestamps (clock skew, local time stamped as UTC); repeatable.")] = None,
    limit: Annotated[int, typer.Option(metavar="N", min=1, help="How many networks to list, largest first.")] = 50,
    json_: JsonOpt = False,
) -> None:
    """Coordinated sharing: accounts that repeatedly share the same object within seconds (CooRTweet's definition)."""
    from factwatch.analysis.coordination import CoordinationParams
    from factwatch.analysis.shares import coordination_from_store, coordination_from_table, result_dict

    object_col = object_kind if from_csv is not None else None
    params = CoordinationParams(window=window, min_participation=min_participation, edge_quantile=edge_quantile,
                                min_weight=min_weight, object_kind="table" if from_csv is not None else (object_kind or "url")).check()
    if from_csv is not None:
        missing = [flag for flag, v in (("--account", account_col), ("--object", object_col), ("--time", time_col)) if not v]
        if missing:
            raise ConfigError(f"--from-csv needs {', '.join(missing)} to name the table's columns")
        result = coordination_from_table(from_csv, account=account_col or "", obj=object_col or "", time=time_col or "",
                                         content=content_col, params=params)
        who: dict = {}
    else:
        offsets: dict[str, float] = {}
        for item in clock_offset or []:
            name, sep, seconds = item.rpartition("=")
            try:
                offsets[name] = float(seconds)
            except ValueError:
                sep = ""
            if not sep or not name:
                raise ConfigError(f"--clock-offset {item!r}: write SOURCE=SECONDS, e.g. --clock-offset 'Demo Vesti=-7200'")
        with _store("read") as store:
            result, who = coordination_from_store(store, params=params, clock_offsets=offsets)
    report = result_dict(result, who)
    report["networks"] = report["networks"][:limit]
    if json_:
        out.emit_json(report)
        return
    summary = report["summary"]
    out.key_values("coordination", {
        "object": params.object_kind, "window": f"{window:g} s", "shares read": summary["shares"],
        "co-share edges": f"{summary['all_edges']} (kept: {summary['edges']})",
        "coordinated accounts": summary["coordinated_accounts"], "skipped": report["skipped"] or "none",
    })
    out.table(f"networks ({len(result.networks)})", ["id", "accounts", "edges", "objects", "median lag s", "density", "score", "members"],
              [(n["id"], len(n["accounts"]), n["edges"], n["objects"], n["median_lag"], n["density"], n["score"],
                ", ".join(n["accounts"][:8]) + (" ..." if len(n["accounts"]) > 8 else "")) for n in report["networks"]])


def _lag_text(seconds: int | None) -> str:
    if seconds is None:
        return ""
    minutes, _ = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h" if days else f"{hours}h {minutes:02d}m" if hours else f"{minutes}m {seconds % 60:02d}s"


# -- fact base and matching --------------------------------------------------------------------


@facts_app.command("import")
def facts_import(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="ClaimReview JSON-LD, CSV, EUvsDisinfo CSV, MultiClaim dir/CSV or YAML.")],
    fmt: Annotated[str, typer.Option("--format", metavar="FORMAT", help="auto|claimreview|csv|euvsdisinfo|multiclaim|yaml")] = "auto",
    json_: JsonOpt = False,
) -> None:
    """Load fact-checks and official statements into the fact base, and index them for `match`."""
    from factwatch.analysis.factcheck import embed_fact_base
    from factwatch.ingest.facts import import_facts

    with _store() as store:
        result = import_facts(store, path, fmt=fmt)
        # Run the embed_facts stage now, so `match` works straight after an import.
        if json_:
            indexed = embed_fact_base(store)
        else:
            from factwatch.pipeline import accepts_progress

            with out.progress_reporter() as reporter:
                tracker = reporter("index facts")
                indexed = embed_fact_base(store, **({"progress": tracker} if accepts_progress(embed_fact_base) else {}))
                tracker.finish(indexed.as_dict())
    if json_:
        out.emit_json({**result.as_dict(), "indexed": indexed.as_dict()})
    else:
        out.key_values(f"facts {path}", {**result.as_dict(), "indexed passages": indexed.as_dict()})


def _text_lines(file: Path) -> list[str]:
    """The lines of a `--file` of texts, decoded as ingest decodes a file (a BOM, UTF-8, else
    Windows-1251/1250), so a Cyrillic list saved by Excel or Notepad reads as it does in `ingest`."""
    from factwatch.ingest._encoding import binary_share, decode_bytes

    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise InputError(f"No such file: {file}. Check the path; --file takes a text file, one text a line.") from None
    except OSError as exc:
        raise InputError(f"Cannot read {file}: {exc.strerror or exc}. Check the path and its permissions.") from None
    if binary_share(data[:65536]) > 0.05:  # ingest's limit: no text file has 5% control bytes
        raise InputError(f"{file} does not look like text; --file takes a text file, one text a line.")
    return decode_bytes(data)[0].splitlines()


@app.command()
def match(
    text: Annotated[Optional[str], typer.Argument(metavar="TEXT", help="A claim to check.")] = None,
    file: Annotated[Optional[Path], typer.Option("--file", metavar="FILE", help="One text a line; one JSON document a line out.")] = None,
    k: Annotated[int, typer.Option("-k", metavar="N", help="How many fact-checks to return.")] = 5,
    json_: JsonOpt = False,
) -> None:
    """Fact-checks and facts that address TEXT, best first, with a calibrated 'addressed' decision
    (a text over 400 characters: each check-worthy sentence on its own, in `sentences`)."""
    from factwatch.analysis.article_matching import match_article

    if (text is None) == (file is None):
        raise InputError("Give either TEXT or --file FILE (one text a line).")
    lines: list[str] = [text or ""] if file is None else _text_lines(file)
    # Read-only: query vectors are kept for this command only (as the web does, issue 7 item 7),
    # so checking a claim never writes to the database and works on a read-only one.
    memo: dict[str, bytes] = {}
    with _store("read") as store:
        for line in lines:
            if file is not None and not line.strip():
                # Keep one output per input line, so results stay aligned with the file.
                if json_:
                    out.emit_json({"addressed": False, "matches": [], "error": "empty line"})
                else:
                    out.line("(empty line)")
                continue
            article = match_article(store, line, k=k, memo=memo)
            if json_:
                out.emit_json(article)
            else:
                _print_match(line, article.result)
                for note in dict.fromkeys([*article.result.notes, *article.notes]):  # e.g. an empty fact base
                    out.line(f"note: {note}")
                if article.sentences:
                    out.table("sentences the fact base addresses", ["p", "sentence", "candidate fact-check", "verdict"],
                              [(f"{s.result.probability:.2f}", s.sentence, s.result.matches[0].claim,
                                s.result.matches[0].verdict) for s in article.addressed_sentences])


def _print_match(text: str, result: Any) -> None:
    data = result.as_dict()
    out.line(f"{'ADDRESSED' if data['addressed'] else 'not addressed'}: {text}")
    out.table(
        "matches", ["score", "verdict", "claim", "publisher", "language", "url"],
        [(f"{m['score']:.2g}", m.get("verdict"), m.get("claim"), m.get("publisher"), m.get("language"), m.get("url"))
         for m in data["matches"]],
    )


@app.command()
def card(
    claim_id: Annotated[int, typer.Argument(metavar="CLAIM_ID", help="Claim id (see `factwatch claims list`).")],
    fmt: Annotated[str, typer.Option("--format", metavar="FORMAT", help="md|html|json")] = "md",
) -> None:
    """A response card for a matched claim: the claim as seen, the fact-check's verdict, facts and drafts
    (marked as drafts of a candidate until `review confirm`; none once the match is rejected)."""
    from factwatch.respond.cards import render_card
    from factwatch.respond.review import reviewed_card

    with _store("read") as store:
        try:
            store.get_claim(claim_id)
        except NotFoundError:
            raise NotFoundError(
                f"Claim {claim_id} does not exist. `factwatch claims list --addressed` lists the claims "
                "with a candidate fact-check and their ids."
            ) from None
        built = reviewed_card(store, claim_id)
        if fmt == "json":
            out.emit_json(built)
        else:
            out.write_text(render_card(built, fmt=fmt) + "\n")


# -- review ------------------------------------------------------------------------------------

MatchIdArg = Annotated[str, typer.Argument(metavar="MATCH_ID", help="CLAIM_ID.RANK from `review list` (CLAIM_ID alone: its best candidate).")]
NoteOpt = Annotated[Optional[str], typer.Option("--note", metavar="TEXT", help="Why; kept with the decision.")]


@review_app.command("list")
def review_list(
    status: Annotated[str, typer.Option("--status", metavar="STATUS", help="pending|confirmed|rejected|all")] = "pending",
    claim: Annotated[Optional[int], typer.Option("--claim", metavar="CLAIM_ID", help="Every candidate of this claim, not only the best.")] = None,
    limit: Annotated[int, typer.Option(metavar="N", min=1, help="How many, most probable first.")] = 50,
    json_: JsonOpt = False,
) -> None:
    """Candidate matches awaiting a decision (or decided ones), with their MATCH_ID."""
    with _store("read") as store:
        if claim is not None:
            try:
                store.get_claim(claim)
            except NotFoundError:  # an empty list would read as "nothing to review" for a mistyped id
                raise NotFoundError(f"Claim {claim} does not exist. `factwatch claims list` lists the claims "
                                    "and their ids.") from None
        rows = store.review_candidates(status=status, claim_id=claim, limit=limit)
    if json_:
        out.emit_json({"candidates": rows})
        return
    out.table(
        f"candidates ({status})", ["match id", "claim", "candidate fact-check or fact", "verdict", "p", "stance", "decision"],
        [(r.match_id, r.claim_text, f"fact: {r.candidate}" if r.target == "fact" and r.candidate else r.candidate, r.verdict, f"{r.probability:.2f}" if r.probability is not None else "",
          r.stance, f"{r.decision} by {r.reviewer}, {(r.decided_at or '')[:16]}" if r.decision else "pending")
         for r in rows],
    )
    if rows:
        out.line("`factwatch review confirm MATCH_ID` or `factwatch review reject MATCH_ID --note TEXT` records a decision.")


def _decide(match_id: str, decision: str, note: str | None, json_: bool) -> None:
    from factwatch.respond.review import decide_match

    with _store("write") as store:
        review = decide_match(store, match_id, decision=decision, note=note)
    if json_:
        out.emit_json(review)
        return
    target = "fact-check" if review.target == "fact_check" else "fact"
    out.line(f"{review.decision}: claim {review.claim_id} and {target} {review.target_id} "
             f"(match {review.claim_id}.{review.rank}), by {review.reviewer} at {review.decided_at}")


@review_app.command("confirm")
def review_confirm(match_id: MatchIdArg, note: NoteOpt = None, json_: JsonOpt = False) -> None:
    """Confirm that the candidate fact-check addresses the claim (as $FACTWATCH_USER or your login)."""
    _decide(match_id, "confirmed", note, json_)


@review_app.command("reject")
def review_reject(match_id: MatchIdArg, note: NoteOpt = None, json_: JsonOpt = False) -> None:
    """Reject the candidate: the fact-check does not address the claim (as $FACTWATCH_USER or your login)."""
    _decide(match_id, "rejected", note, json_)


@app.command()
def calibrate(
    min_reviews: Annotated[int, typer.Option("--min-reviews", metavar="N", help="Refuse with fewer analyst decisions than this.")] = 20,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report before/after without storing the refit.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Refit the 'addressed' decision on analysts' confirm/reject decisions; report before/after
    (cross-validated by claim) and store it for `analyze` and `match` (as $FACTWATCH_USER or your login)."""
    from factwatch.analysis.recalibrate import calibrate as run_calibrate

    with _store("read" if dry_run else "write") as store:
        report = run_calibrate(store, min_reviews=min_reviews, dry_run=dry_run)
    if json_:
        out.emit_json(report)
        return
    b, a = report.before, report.after
    out.line(f"{report.reviews} analyst decisions; after = cross-validated by claim ({report.folds} folds); "
             f"'addressed' at P >= {report.threshold:.2f}")
    out.table(
        "the addressed decision", ["metric", "before (shipped)", "after (refit)"],
        [(name, _num(b[key]), _num(a[key])) for name, key in (
            ("log-loss", "log_loss"), ("Brier", "brier"), ("accuracy", "accuracy"), ("precision", "precision"),
            ("recall", "recall"), ("ECE", "ece"), ("addressed", "addressed"))],
    )
    out.table("reliability (mean P / share confirmed, n)", ["bin", "before", "after"],
              [(rb["bin"], _bin(rb), _bin(ra)) for rb, ra in zip(b["reliability"], a["reliability"])])
    if report.skipped:
        out.line(f"{report.skipped} decision(s) skipped: their claim or candidate is no longer in the database.")
    if report.stored:
        out.line(f"stored as calibration {report.calibration_id} (prior strength {report.prior_strength:g}); "
                 "`factwatch analyze` re-decides every claim with it.")
    else:
        out.line("dry run: nothing stored.")


def _num(value: Any) -> str:
    return "" if value is None else (str(value) if isinstance(value, int) else f"{value:.3f}")


def _bin(row: dict[str, Any]) -> str:
    return "" if not row["n"] else f"{row['mean_p']:.2f} / {row['observed']:.2f} ({row['n']})"


# -- narratives (issue 9) ----------------------------------------------------------------------

DocumentIdArg = Annotated[int, typer.Argument(metavar="DOCUMENT_ID", help="Document id (see `factwatch narratives show ID`).")]
NarrativeIdArg = Annotated[str, typer.Argument(metavar="NARRATIVE_ID", help="Narrative id (see `factwatch narratives list`).")]
ClaimOpt = Annotated[Optional[int], typer.Option("--claim", metavar="CLAIM_ID", help="The decision is on this claim of the document, not the whole document.")]


@narratives_app.command("import")
def narratives_import(
    path: Annotated[Path, typer.Argument(metavar="FILE|DIR", help="A narratives.yaml, or the SemEval-2025 Task 10 folder.")],
    fmt: Annotated[str, typer.Option("--format", metavar="FORMAT", help="auto|yaml|semeval2025")] = "auto",
    no_documents: Annotated[bool, typer.Option("--no-documents", help="SemEval: skip embedding the folder's labelled articles (the neighbour vote).")] = False,
    json_: JsonOpt = False,
) -> None:
    """Load a narrative catalogue; a malformed one is refused whole, with the line and the reason."""
    from factwatch.analysis.narratives import import_catalogue

    with _store() as store:
        if json_:
            stats = import_catalogue(store, path, fmt=fmt, documents=not no_documents)
        else:
            with out.progress_reporter() as reporter:
                tracker = reporter("labelled documents")
                stats = import_catalogue(store, path, fmt=fmt, documents=not no_documents, progress=tracker)
                tracker.finish(stats.as_dict())
    if json_:
        out.emit_json(stats)
    else:
        out.key_values(f"narratives {path}", stats.as_dict())


@narratives_app.command("export")
def narratives_export(
    catalogue: Annotated[Optional[str], typer.Option("--catalogue", metavar="NAME", help="One catalogue (default: the only one).")] = None,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", metavar="FILE", help="Write here instead of stdout.")] = None,
) -> None:
    """The catalogue as YAML that `narratives import` reads back."""
    from factwatch.ingest.narratives import dump_catalogue_yaml

    with _store("read") as store:
        names = store.narrative_catalogues()
        if catalogue is None and len(names) > 1:
            raise InputError(f"Several catalogues ({', '.join(names)}); pass --catalogue NAME.")
        name = catalogue or (names[0] if names else None)
        if name is not None and name not in names:
            raise NotFoundError(f"No catalogue {name!r}; the catalogues are {', '.join(names) or 'none'}.")
        text = dump_catalogue_yaml(store.list_narratives(catalogue=name) if name else [], catalogue=name)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        out.write_text(text)


@narratives_app.command("list")
def narratives_list(
    catalogue: Annotated[Optional[str], typer.Option("--catalogue", metavar="NAME", help="Only this catalogue.")] = None,
    status: Annotated[Optional[str], typer.Option("--status", metavar="STATUS", help="active|candidate|retired")] = None,
    json_: JsonOpt = False,
) -> None:
    """Catalogued narratives with the number of documents that carry each."""
    from factwatch.models import NARRATIVE_STATUSES

    if status is not None and status not in NARRATIVE_STATUSES:  # a typo listed nothing, with status 0
        raise InputError(f"--status is one of {', '.join(NARRATIVE_STATUSES)}, not {status!r}.")
    with _store("read") as store:
        known = store.narrative_catalogues()
        if catalogue is not None and catalogue not in known:  # as `narratives export` says
            raise NotFoundError(f"No catalogue {catalogue!r}; the catalogues are {', '.join(known) or 'none yet'}.")
        narratives = store.list_narratives(catalogue=catalogue, status=status)
        counts = store.narrative_document_counts()
    if json_:
        out.emit_json({"narratives": [{**n.as_dict(), "documents": counts.get(n.id, 0)} for n in narratives]})
        return
    out.table(f"narratives ({len(narratives)})", ["id", "label", "parent", "status", "languages", "documents"],
              [(n.id, n.label, n.parent or "", n.status, " ".join(sorted({e.language for e in n.examples})),
                counts.get(n.id, 0)) for n in narratives])


@narratives_app.command("classify")
def narratives_classify(
    text: Annotated[Optional[str], typer.Argument(metavar="TEXT", help="A text to classify.")] = None,
    file: Annotated[Optional[Path], typer.Option("--file", metavar="FILE", help="One text a line; one JSON document a line out.")] = None,
    json_: JsonOpt = False,
) -> None:
    """Narratives in TEXT, with a score and the evidence sentence (zero or more)."""
    from factwatch.analysis.narratives import build_models, classify_text

    if (text is None) == (file is None):
        raise InputError("Give either TEXT or --file FILE (one text a line).")
    lines: list[str] = [text or ""] if file is None else _text_lines(file)
    memo: dict[str, bytes] = {}  # read-only, as `match`: vectors are kept for this command only
    with _store("read") as store:
        models = build_models(store, memo=memo)
        if not models:
            raise NotFoundError("No active narratives in the database; load a catalogue first: "
                                "`factwatch narratives import profiles/western-balkans/narratives.yaml`.")
        for line in lines:
            hits = classify_text(store, line, models=models, memo=memo)
            if json_:
                out.emit_json({"narratives": [h.as_dict() for h in hits]})
            else:
                out.table(f"narratives: {line[:80]}", ["score", "id", "label", "evidence"],
                          [(f"{h.score:.3f}", h.id, h.label, h.evidence) for h in hits])


@narratives_app.command("show")
def narratives_show(
    narrative_id: NarrativeIdArg,
    limit: Annotated[int, typer.Option(metavar="N", min=1, help="How many assignments to list, newest documents first.")] = 50,
    json_: JsonOpt = False,
) -> None:
    """One narrative: its catalogue entry, who pushes it (outlets, accounts, owning actors with type and
    country, first and latest appearance, languages, documents a day) and where it was found."""
    from factwatch.analysis.pushers import narrative_pushers

    with _store("read") as store:
        narrative = store.get_narrative(narrative_id)
        found = store.narrative_assignments(narrative_id, limit=limit)
        documents = store.narrative_document_counts().get(narrative_id, 0)
        pushers = narrative_pushers(store, narrative_id)
    if json_:
        out.emit_json({"narrative": narrative.as_dict(), "documents": documents, "assignments": [a.as_dict() for a in found],
                       "pushers": pushers.as_dict()})
        return
    out.key_values(narrative.id, {"label": narrative.label, "description": narrative.description,
                                  "parent": narrative.parent or "", "status": narrative.status, "documents": documents,
                                  "facts": ", ".join(narrative.facts), "DISARM": ", ".join(narrative.disarm)})
    _print_pushers(pushers)
    out.table("found in", ["document", "claim", "score", "decision", "evidence"],
              [(a.document_id, a.claim_id or "", f"{a.score:.3f}", a.decision or "", a.evidence) for a in found])


def _print_pushers(p: Any) -> None:
    """Who pushes a narrative (analysis/pushers.py), as tables."""
    def when(d: Any) -> str:
        return f"{(d.published_at or '')[:16]} {d.source} ({d.account}, document {d.document_id})" if d else ""

    out.key_values("who pushes it", {"first appearance": when(p.first), "latest": when(p.latest),
                                     "languages": ", ".join(f"{k} {v}" for k, v in p.languages.items()),
                                     "platforms": ", ".join(f"{k} {v}" for k, v in p.platforms.items()),
                                     "state or state-affiliated documents": p.state_documents})
    out.table("owning actors", ["actor", "type", "country", "documents", "first", "latest"],
              [(c.name, c.actor_type, c.country, c.documents, (c.first_at or "")[:16], (c.latest_at or "")[:16])
               for c in p.actors])
    out.table("outlets", ["source", "platform", "actor", "type", "documents", "first", "latest"],
              [(c.name, c.platform, c.actor, c.actor_type, c.documents, (c.first_at or "")[:16], (c.latest_at or "")[:16])
               for c in p.outlets])
    out.table("accounts", ["account", "source", "documents", "first", "latest"],
              [(c.name, c.source, c.documents, (c.first_at or "")[:16], (c.latest_at or "")[:16]) for c in p.accounts[:30]])
    out.table("documents a day", ["day", "documents"], p.daily)


def _narrative_decision(document_id: int, narrative_id: str, decision: str, claim: int | None, note: str | None,
                        json_: bool) -> None:
    from factwatch.respond.review import reviewer_name

    with _store("write") as store:
        review = store.add_narrative_review(document_id, narrative_id, decision=decision, reviewer=reviewer_name(),
                                            claim_id=claim, note=note)
    if json_:
        out.emit_json(review)
        return
    where = f"claim {review.claim_id} of document {review.document_id}" if review.claim_id else f"document {review.document_id}"
    out.line(f"{review.decision}: {review.narrative_id} in {where}, by {review.reviewer} at {review.decided_at}")


@narratives_app.command("confirm")
def narratives_confirm(document_id: DocumentIdArg, narrative_id: NarrativeIdArg, claim: ClaimOpt = None,
                       note: NoteOpt = None, json_: JsonOpt = False) -> None:
    """Confirm that the document (or --claim) carries the narrative (as $FACTWATCH_USER or your login)."""
    _narrative_decision(document_id, narrative_id, "confirmed", claim, note, json_)


@narratives_app.command("reject")
def narratives_reject(document_id: DocumentIdArg, narrative_id: NarrativeIdArg, claim: ClaimOpt = None,
                      note: NoteOpt = None, json_: JsonOpt = False) -> None:
    """Reject the narrative on the document (or --claim) (as $FACTWATCH_USER or your login)."""
    _narrative_decision(document_id, narrative_id, "rejected", claim, note, json_)


@narratives_app.command("calibrate")
def narratives_calibrate(
    min_reviews: Annotated[int, typer.Option("--min-reviews", metavar="N", help="Decisions a narrative needs before its threshold is refitted (per level: documents, claims).")] = 8,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report before/after without storing the refit.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Refit each narrative's threshold on analysts' confirm/reject decisions; report before/after
    (cross-validated by document) and store it for `analyze` and `narratives classify` (as $FACTWATCH_USER or your login)."""
    from factwatch.analysis.narrative_recalibrate import calibrate_narratives

    with _store("read" if dry_run else "write") as store:
        report = calibrate_narratives(store, min_reviews=min_reviews, dry_run=dry_run)
    if json_:
        out.emit_json(report)
        return
    out.line(f"{report.used} of {report.decisions} analyst decisions used ({report.added_labels} added labels); "
             f"after = cross-validated by document ({report.folds} folds); prior: the shipped threshold "
             f"worth {report.prior_reviews} decisions")
    b, a = report.before, report.after
    out.table("narratives assigned vs analysts' decisions", ["metric", "before (shipped)", "after (refit)"],
              [(k, _num(b[k]), _num(a[k])) for k in ("precision", "recall", "accuracy", "assigned")])
    out.table("thresholds", ["narrative", "level", "decisions", "confirmed", "shipped", "refit"],
              [(r["narrative"], r["level"], r["decisions"], r["confirmed"], f"{r['shipped']:.4f}",
                "" if r["threshold"] is None else f"{r['threshold']:.4f}") for r in report.narratives])
    if report.skipped:
        out.line(f"{report.skipped} decision(s) skipped: retired narrative, or out of the document's domain.")
    if report.stored:
        out.line(f"stored as {', '.join(f'{c} #{i}' for c, i in report.calibration_ids.items())}; "
                 "`factwatch analyze` classifies every document again with it.")
    elif dry_run:
        out.line("dry run: nothing stored.")
    else:
        out.line(f"no narrative has {report.min_reviews} decisions (--min-reviews): nothing stored, shipped thresholds stay.")


# -- discovery (issue 9) -------------------------------------------------------------------------


def _candidate_line(c: Any) -> str:
    terms = ", ".join(t["term"] + (f" ({'/'.join(t['forms'][1:])})" if len(t["forms"]) > 1 else "") for t in c.terms[:6])
    return terms


@narratives_app.command("candidates")
def narratives_candidates(
    min_size: Annotated[int, typer.Option("--min-size", metavar="N", min=1, help="Only candidates of at least N claims.")] = 3,
    limit: Annotated[int, typer.Option(metavar="N", min=1, help="How many candidates, largest first.")] = 50,
    json_: JsonOpt = False,
) -> None:
    """Candidate new narratives: clusters of check-worthy claims that match no catalogued narrative."""
    from factwatch.analysis.discovery import candidates

    with _store("read") as store:
        found = candidates(store, min_size=min_size, limit=limit)
    if json_:
        out.emit_json({"candidates": [c.as_dict() for c in found]})
        return
    out.table(f"candidate narratives ({len(found)}; promote with `factwatch narratives promote ID`)",
              ["id", "size", "7d", "prev 7d", "languages", "sources", "top terms", "representative claim"],
              [(c.id, c.size, c.last_7_days, c.previous_7_days, " ".join(c.languages), len(c.sources),
                _candidate_line(c), c.representatives[0]["text"][:100] if c.representatives else "")
               for c in found])


@narratives_app.command("promote")
def narratives_promote(
    candidate_id: Annotated[int, typer.Argument(metavar="CANDIDATE_ID", help="From `factwatch narratives candidates`.")],
    title: Annotated[Optional[str], typer.Option("--title", metavar="T", help="The narrative's title (default: its most central claim).")] = None,
    narrative_id: Annotated[Optional[str], typer.Option("--id", metavar="ID", help="The narrative id (default: discovered-CANDIDATE_ID).")] = None,
    json_: JsonOpt = False,
) -> None:
    """Add a candidate to the catalogue 'discovered' as an active narrative, its representative
    claims as examples; the next `factwatch analyze` classifies documents with it."""
    from factwatch.analysis.discovery import promote_candidate

    with _store("write") as store:
        narrative = promote_candidate(store, candidate_id, title=title, narrative_id=narrative_id)
    if json_:
        out.emit_json({"narrative": narrative.as_dict(), "candidate": candidate_id})
        return
    out.line(f"promoted candidate {candidate_id} to narrative {narrative.id!r} ({narrative.title}); "
             "run `factwatch analyze` to classify documents with it")
# -- end discovery --


# -- trends and alerts (issue 9) -------------------------------------------------------------


@app.command()
def trends(
    by: Annotated[str, typer.Option("--by", metavar="DIMENSION", help="narrative, source, actor_type, language or platform.")] = "narrative",
    bucket: Annotated[str, typer.Option("--bucket", metavar="day|hour", help="Count per day or per hour (UTC).")] = "day",
    since: Annotated[Optional[str], typer.Option("--since", metavar="DATE", help="Only documents published since DATE.")] = None,
    narrative: Annotated[Optional[str], typer.Option("--narrative", metavar="ID", help="Only documents carrying this narrative.")] = None,
    top: Annotated[int, typer.Option(metavar="N", min=1, help="The N largest series.")] = 10,
    json_: JsonOpt = False,
) -> None:
    """Documents per day or hour, per narrative, source, actor type, language or platform."""
    from factwatch.analysis.trends import trend_series

    with _store("read") as store:
        if narrative is not None:
            store.get_narrative(narrative)  # a mistyped id is "No narrative ...", not an empty chart
        series = trend_series(store, dimension=by, bucket=bucket, since=_parse_since(since), narrative_id=narrative, top=top)
    if json_:
        out.emit_json(series)
        return
    out.table(f"documents per {bucket} by {by}", [bucket, *series.series],
              [(b, *(v[i] for v in series.series.values())) for i, b in enumerate(series.buckets)])


@app.command()
def alerts(
    since: Annotated[Optional[str], typer.Option("--since", metavar="DATE", help="Only alerts about data since DATE.")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", metavar="KIND", help="spike, candidate-growth, state-actor, coordinated-amplification or saved-search.")] = None,
    limit: Annotated[int, typer.Option(metavar="N", min=1, help="How many alerts, newest first.")] = 100,
    json_: JsonOpt = False,
) -> None:
    """Stored alerts (the `alerts` stage of `analyze`): narrative spikes, state actors starting a
    narrative, coordinated networks amplifying one, new documents for a saved search.
    FACTWATCH_WEBHOOK_URL makes `analyze` POST them."""
    with _store("read") as store:
        found = store.list_alerts(since=_parse_since(since), kind=kind, limit=limit)
    if json_:
        out.emit_json({"alerts": found})
        return
    out.table(f"alerts ({len(found)})", ["id", "at", "kind", "narrative", "summary", "webhook"],
              [(a.id, a.at[:16], a.kind, a.narrative_id or "", a.summary, a.delivery or "") for a in found])


@app.command()
def campaigns(
    since: Annotated[Optional[str], typer.Option("--since", metavar="DATE", help="Only campaigns with documents published since DATE, counted from then.")] = None,
    limit: Annotated[int, typer.Option(metavar="N", min=1, help="How many campaigns, state-involved and largest first.")] = 50,
    json_: JsonOpt = False,
) -> None:
    """Campaigns: coordinated networks (grouped across object kinds when their accounts coincide)
    with the narratives they carry, their sources and owning actors, activity and the fact-checks
    that address their claims. Narratives are automatic candidates unless confirmed."""
    from factwatch.analysis.campaigns import find_campaigns

    with _store("read") as store:
        found = find_campaigns(store, since=_parse_since(since), limit=limit)
    if json_:
        out.emit_json(found.as_dict())
        return
    out.table(f"campaigns ({len(found.campaigns)} from {found.networks} coordination networks)",
              ["id", "accounts", "docs", "first", "last", "kinds", "state actors", "owning actors", "narratives", "fact-checks"],
              [(c.id, c.size, c.documents, (c.first_at or "")[:10], (c.last_at or "")[:10], ", ".join(c.kinds), c.state_actors,
                ", ".join(f"{a.name} ({a.type or 'unknown'}, {a.country or '?'})" for a in c.actors[:3]),
                "; ".join(f"{n.label} ({n.documents})" for n in c.narratives[:3]), len(c.fact_checks))
               for c in found.campaigns])


@app.command()
def report(
    since: Annotated[Optional[str], typer.Option("--since", metavar="DATE", help="The period starts at DATE (default: everything stored).")] = None,
    fmt: Annotated[str, typer.Option("--format", metavar="md|html", help="Markdown or a standalone HTML page (pdf: print the HTML from a browser).")] = "md",
    output: Annotated[Optional[Path], typer.Option("-o", "--output", metavar="FILE", help="Write to FILE instead of stdout.")] = None,
) -> None:
    """A briefing for the communications team: counts, top narratives with spike alerts, top claims
    with candidate or confirmed fact-checks, campaigns, state actors, new candidate narratives."""
    from factwatch.respond.report import build_report, render

    if fmt not in ("md", "html"):
        # Usage errors, exit 2. PDF would need a heavy renderer; the HTML prints to PDF from a browser.
        out.error("--format pdf is not built in (it would need a heavy PDF renderer): use --format html and print it"
                  " to PDF from a browser." if fmt == "pdf" else f"--format is md or html, not {fmt!r}.")
        raise typer.Exit(2)
    with _store("read") as store:
        text = render(build_report(store, since=_parse_since(since)), fmt)
    if output is None:
        sys.stdout.write(text + "\n")  # as written: the console would wrap long lines
    else:
        output.write_text(text + "\n", encoding="utf-8")


# -- web ---------------------------------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[str, typer.Option(
        metavar="HOST", help="Interface to listen on. Anything but loopback needs --insecure-public.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", min=0, max=65535, help="Port (0: any free one).")] = 8000,
    allowed_host: Annotated[Optional[list[str]], typer.Option(
        "--allowed-host", metavar="NAME",
        help="Also answer requests whose Host is NAME (repeatable; or FACTWATCH_ALLOWED_HOSTS=a,b). "
             "127.0.0.1, localhost, [::1] and --host are always answered; other names get 400, "
             "against DNS rebinding.")] = None,
    insecure_public: Annotated[bool, typer.Option(
        "--insecure-public",
        help="Allow a non-loopback --host over plain HTTP (passwords and cookies in clear; use a TLS proxy).",
    )] = False,
    workers: Annotated[int, typer.Option(
        metavar="N", min=1,
        help="Server processes sharing the port (the /match rate limit and the caches are per process; "
             "failed-login counts are kept in the database and shared: see docs/security.md).")] = 1,
    trust_proxy: Annotated[bool, typer.Option(
        "--trust-proxy",
        help="Take the client address from X-Forwarded-For sent by a proxy on 127.0.0.1 (a TLS proxy on "
             "this host). Off: anyone reaching the port could name any address.")] = False,
) -> None:
    """Serve the dashboard and the REST API."""
    from factwatch.web.server import check_bind, claim_port

    warning = check_bind(host, insecure_public=insecure_public)
    sock = claim_port(host, port)
    if warning:
        out.warn(warning)
    _serve_on(sock, host=host, port=port, allowed_hosts=allowed_host or [], workers=workers, trust_proxy=trust_proxy)


def _serve_on(sock: Any, *, host: str, port: int, allowed_hosts: list[str], workers: int = 1,
              trust_proxy: bool = False) -> None:
    from factwatch.web.server import run_dashboard

    shown = f"[{host}]" if ":" in host else host
    port = sock.getsockname()[1]  # the port bound, which --port 0 leaves to the kernel
    run_dashboard(
        state.db, sock, host=host, allowed_hosts=allowed_hosts, workers=workers, trust_proxy=trust_proxy,
        on_ready=lambda: out.console.print(f"factwatch dashboard on http://{shown}:{port}  (database {state.db})",
                                           markup=False),
    )


@app.command()
def demo(
    host: Annotated[str, typer.Option(
        metavar="HOST", help="Interface to listen on. Anything but loopback needs --insecure-public.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", min=0, max=65535,
                                      help="Port (checked before anything is loaded; 0: any free one).")] = 8000,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Load and analyse only.")] = False,
    insecure_public: Annotated[bool, typer.Option(
        "--insecure-public", help="As for serve: allow a non-loopback --host over plain HTTP.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Load the demo corpus and fact base, analyse them, and serve the dashboard."""
    from factwatch.demo import demo_login, load_demo
    from factwatch.web.server import check_bind, claim_port

    sock = None
    if not no_serve:
        # Before the minutes of loading: a busy port or a refused --host fails at once.
        warning = check_bind(host, insecure_public=insecure_public)
        sock = claim_port(host, port)
        if warning:
            out.warn(warning)
    try:
        with _store() as store:
            summary = load_demo(store, progress=None if json_ else lambda m: out.console.print(m, markup=False))
            login = demo_login(store)
    except BaseException:
        if sock is not None:
            sock.close()
        raise
    if json_:
        out.emit_json({**summary.as_dict(), "login": login.as_dict()})
    else:
        out.console.print(login.line(), markup=False)
    if sock is not None:
        _serve_on(sock, host=host, port=port, allowed_hosts=[])

from factwatch._cli_accounts import register as _register_accounts  # noqa: E402
_register_accounts(app, _store)  # `users` and `tokens` (issue 10)
from factwatch._cli_workflow import register as _register_workflow  # noqa: E402
_register_workflow(claims_app, _store)  # `claims status|post` (issue 10)
from factwatch.export._cli import register as _register_export  # noqa: E402
_register_export(app, _store)  # `export stix|claimreview|csv` (DESIGN.md's CLI contract)

if __name__ == "__main__":
    app()
