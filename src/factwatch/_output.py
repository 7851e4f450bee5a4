"""Rendering of CLI results: one JSON document on stdout, or tables and lines for people.

Every byte the CLI writes to a terminal passes through this module, so text that came from a
source (names, rejected records, claims) is cleaned of control characters in one place.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

# C0 controls except TAB and LF, DEL, and C1 controls (U+0080-U+009F). A source name such as
# "\x1b]8;;http://evil\x07" or "\x1b[2J" would otherwise hyperlink, recolour or clear the
# analyst's terminal (issue 7 item 9); U+009B is CSI on terminals that honour 8-bit C1 codes.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_CONTROL_KEEP_NEWLINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(match: re.Match[str]) -> str:
    # Show what was there (\x1b) rather than dropping it: an analyst should see that a
    # source name carried an escape sequence.
    return f"\\x{ord(match.group()):02x}"


def clean(text: str, *, multiline: bool = True) -> str:
    """``text`` with control characters shown as ``\\xNN``; keeps TAB, and LF when ``multiline``."""
    return (_CONTROL_KEEP_NEWLINE if multiline else _CONTROL).sub(_visible, text)


class _CleanConsole(Console):
    """A rich Console whose ``print`` cleans every string it is given."""

    def print(self, *objects: Any, **kwargs: Any) -> None:  # type: ignore[override]
        super().print(*(clean(o) if isinstance(o, str) else o for o in objects), **kwargs)


console: Console = _CleanConsole()
err_console: Console = _CleanConsole(stderr=True)


def line(text: str) -> None:
    """One line for people on stdout, shown as written (no rich markup)."""
    console.print(text, markup=False, highlight=False)


def error(message: str) -> None:
    """``error: ...`` on stderr."""
    err_console.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)


def warn(message: str) -> None:
    err_console.print(f"warning: {message}", markup=False, highlight=False, soft_wrap=True)


class CleanFormatter(logging.Formatter):
    """Log lines cleaned like every other output: `watch` logs source names and server replies."""

    def format(self, record: logging.LogRecord) -> str:
        return clean(super().format(record))


def log_to_stderr(level: int = logging.INFO) -> None:
    """Send the package's log records to stderr as timestamped, cleaned lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(CleanFormatter("%(asctime)s %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)


def write_text(text: str) -> None:
    """Pre-rendered text (a card, a YAML export) on stdout, cleaned, as written otherwise."""
    sys.stdout.write(clean(text))
    sys.stdout.flush()


def as_jsonable(obj: Any) -> Any:
    if hasattr(obj, "as_dict"):
        return obj.as_dict()
    if isinstance(obj, (list, tuple)):
        return [as_jsonable(o) for o in obj]
    if isinstance(obj, dict):
        return {k: as_jsonable(v) for k, v in obj.items()}
    return obj


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(obj: Any) -> str:
    """One JSON document. json.dumps escapes C0 controls; with ensure_ascii=False it would write
    DEL and C1 controls raw, so they are escaped too (the value a parser reads is unchanged)."""
    text = json.dumps(as_jsonable(obj), ensure_ascii=False, default=str)
    return re.sub(r"[\x7f-\x9f]", _json_escape, text)


def emit_json(obj: Any) -> None:
    sys.stdout.write(json_text(obj) + "\n")
    sys.stdout.flush()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, Mapping):
        return summary_text(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    return str(value)


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    t = Table(title=escape(clean(title, multiline=False)), show_lines=False)
    for c in columns:
        t.add_column(escape(c), overflow="fold")
    for r in rows:
        # Clean, then escape: source text like "[bold]" must show as written, not as rich markup.
        t.add_row(*[escape(clean(_cell(v))) for v in r])
    console.print(t)


def key_values(title: str, data: Mapping[str, Any]) -> None:
    table(title, ["", "value"], [(k.replace("_", " "), v) for k, v in data.items()])


def summary_text(data: Mapping[str, Any]) -> str:
    """A stats record as words: ``{"documents": 3, "seconds": 0.4}`` -> ``documents 3 · 0.4 s``."""
    parts = []
    for key, value in data.items():
        if key == "seconds" and isinstance(value, (int, float)):
            parts.append(f"{value:.1f} s")
        elif isinstance(value, Mapping):
            parts.append(f"{key.replace('_', ' ')} ({summary_text(value)})")
        else:
            parts.append(f"{key.replace('_', ' ')} {_cell(value)}")
    return " · ".join(parts)


# -- progress of long commands ------------------------------------------------------------------
# A rich bar when stderr is a terminal; otherwise (cron, CI, `2>log`) a log line every few
# seconds. A 10-minute `analyze` used to show a bare spinner and leave nothing in a log (issue 7
# item 14).


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


class _LogStage:
    """One stage's progress as log lines: at the start, every ``interval`` seconds, at the end."""

    def __init__(self, name: str, write: Callable[[str], None], interval: float, clock: Callable[[], float]) -> None:
        self.name, self._write, self._interval, self._clock = name, write, interval, clock
        self._started = self._last = clock()
        self._write(f"{name}: started")

    def __call__(self, done: int, total: int | None = None, unit: str = "items") -> None:
        now = self._clock()
        if now - self._last < self._interval:
            return
        self._last = now
        elapsed = max(now - self._started, 1e-9)
        rate = done / elapsed
        text = f"{self.name}: {done:,}" + (f"/{total:,}" if total is not None else "") + f" {unit} ({rate:,.1f}/s"
        if total is not None and rate > 0 and done <= total:
            text += f", {_duration((total - done) / rate)} left"
        self._write(text + ")")

    def finish(self, summary: Mapping[str, Any]) -> None:
        details = summary_text({k: v for k, v in summary.items() if k != "seconds"})
        self._write(f"{self.name}: done in {_duration(self._clock() - self._started)}" + (f" · {details}" if details else ""))


class LogProgress:
    """Reporter for a log: ``reporter(stage_name)`` returns the stage's progress callable."""

    def __init__(self, *, interval: float = 5.0, stream: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._interval, self._stream, self._clock = interval, stream, clock

    def _write(self, text: str) -> None:
        stream = self._stream or sys.stderr
        stream.write(f"{time.strftime('%H:%M:%S')} {clean(text, multiline=False)}\n")
        stream.flush()

    def __call__(self, stage: str) -> _LogStage:
        return _LogStage(stage, self._write, self._interval, self._clock)


class _BarStage:
    def __init__(self, bar: Progress, name: str) -> None:
        self._bar = bar
        self._task = bar.add_task(escape(clean(name, multiline=False)), total=None, unit="")

    def __call__(self, done: int, total: int | None = None, unit: str = "items") -> None:
        self._bar.update(self._task, completed=done, total=total, unit=escape(clean(unit, multiline=False)))

    def finish(self, summary: Mapping[str, Any]) -> None:
        task = self._bar.tasks[self._task]
        self._bar.update(self._task, total=task.total or task.completed or 1,
                         completed=task.total or task.completed or 1)


class BarProgress:
    """Reporter for a terminal: one rich bar a stage with done/total, rate and time left."""

    def __init__(self, bar: Progress) -> None:
        self._bar = bar

    def __call__(self, stage: str) -> _BarStage:
        return _BarStage(self._bar, stage)


class _RateColumn(ProgressColumn):
    """Items a second; rich's own speed column shows only when the total is unknown."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.1f}/s" if speed else "", style="progress.data.speed")


@contextmanager
def progress_reporter(*, interval: float = 5.0) -> Iterator[BarProgress | LogProgress]:
    """The reporter for this process: a bar when stderr is a terminal, log lines otherwise."""
    if not err_console.is_terminal:
        yield LogProgress(interval=interval)
        return
    with Progress(
        TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[unit]}"),
        _RateColumn(), TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
        console=err_console,
    ) as bar:
        yield BarProgress(bar)
