"""Line charts of counts over time as plain numbers for an inline SVG (``_trendchart.html``).

The geometry is computed here so the template only places shapes: no script is needed (the
CSP is ``default-src 'self'``), and a page renders the same in a browser without JavaScript.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from factwatch.web._i18n import gettext

WIDTH, HEIGHT = 1000, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 10, 26
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
           "#7f7f7f")


@dataclass(frozen=True, slots=True)
class ChartLine:
    key: str
    colour: str
    points: str  # SVG polyline points "x,y x,y ..."
    total: int


@dataclass(frozen=True, slots=True)
class ChartMarker:
    x: float
    y: float
    colour: str
    title: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    lines: list[ChartLine]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, int]]
    markers: list[ChartMarker] = field(default_factory=list)
    empty: bool = False
    plot: tuple[int, int, int, int] = (LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM)


def line_chart(buckets: Sequence[str], series: Mapping[str, Sequence[int]],
               markers: Mapping[str, Sequence[tuple[str, str]]] | None = None) -> Chart:
    """A chart of ``series`` (key -> counts per bucket); ``markers``: key -> [(bucket, title)]."""
    if not buckets or not series:
        return Chart(WIDTH, HEIGHT, [], [], [], empty=True)
    top = max(max(v) for v in series.values()) or 1
    x0, x1, y0, y1 = LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, TOP
    n = len(buckets)

    def x(i: int) -> float:
        return round(x0 + (x1 - x0) * (i / (n - 1) if n > 1 else 0.5), 1)

    def y(v: int) -> float:
        return round(y0 - (y0 - y1) * v / top, 1)

    colours = {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(series)}
    lines = [ChartLine(key=k, colour=colours[k], points=" ".join(f"{x(i)},{y(c)}" for i, c in enumerate(v)), total=sum(v))
             for k, v in series.items()]
    step = max(1, n // 8)
    x_labels = [(x(i), buckets[i]) for i in range(0, n, step)]
    y_ticks = sorted({(y(v), v) for v in (0, top // 2, top)})
    index = {b: i for i, b in enumerate(buckets)}
    marks = [ChartMarker(x=x(index[b]), y=y(series[k][index[b]]), colour=colours[k], title=title)
             for k, items in (markers or {}).items() if k in series for b, title in items if b in index]
    return Chart(WIDTH, HEIGHT, lines, x_labels, y_ticks, marks)


# -- Chart.js specs (static/charts.js) ------------------------------------------------------------
# Interactive charts get their data as a JSON block the page carries (<script type="application/json">,
# not executed) and drawn by static/charts.js with the vendored Chart.js: no inline script under the CSP.
# The spec is this module's own small format, so templates and the /api forms never depend on Chart.js.

# One colour per actor type on every chart and on the network graph, so a colour means the same everywhere.
ACTOR_TYPE_COLOURS = {"state": "#d62728", "state-affiliated": "#ff7f0e", "non-state": "#1f77b4",
                      "independent media": "#2ca02c", "unknown": "#7f7f7f", "unassigned": "#bcbd22"}


def colour_for(key: str, index: int) -> str:
    return ACTOR_TYPE_COLOURS.get(key) or PALETTE[index % len(PALETTE)]


def chart_spec(kind: str, labels: Sequence[str], series: Mapping[str, Sequence[float]], *, title: str,
               stacked: bool = False, horizontal: bool = False, links: Sequence[str | None] | None = None,
               colours: Mapping[str, str] | None = None, x: Sequence[float] | None = None,
               x_title: str | None = None, stepped: bool = False) -> dict[str, object]:
    """A chart for static/charts.js: ``kind`` line|bar; ``series`` key -> one value per label;
    ``links`` (one per label) makes a click on a bar or point open that page. ``x`` (one number per
    label) puts the points on a linear axis titled ``x_title`` instead of evenly spaced categories;
    ``stepped`` draws a line as steps (a running count). The title, axis title and series names are
    shown in the interface language (_i18n.gettext; a name not in the catalogue, such as a source or
    narrative, stays as it is); ``colours`` is keyed by the names as passed."""
    if kind not in ("line", "bar"):
        raise ValueError(f"chart kind is line or bar, not {kind!r}")
    return {
        "kind": kind, "title": gettext(title), "stacked": stacked, "horizontal": horizontal,
        "labels": list(labels),
        "series": [{"label": gettext(k), "data": list(v), "colour": (colours or {}).get(k) or colour_for(k, i)}
                   for i, (k, v) in enumerate(series.items())],
        "links": list(links) if links is not None else None,
        "x": list(x) if x is not None else None, "x_title": gettext(x_title) if x_title else None, "stepped": stepped,
        "empty": not labels or not series or not any(any(v) for v in series.values()),
        "empty_text": gettext("Nothing to chart yet."),  # shown by charts.js in the chart's place
    }
