/* factwatch charts and network graphs.
 *
 * The pages carry their data as JSON blocks (<script type="application/json" id="...">, never run)
 * and name them from a canvas (data-chart="ID") or a graph box (data-graph="ID"). This file draws
 * them with the vendored Chart.js and cytoscape.js: no inline script, so the CSP stays
 * default-src 'self'. Text from sources only ever reaches the page as textContent or canvas text.
 */
(function () {
  "use strict";

  function readJson(id) {
    var block = document.getElementById(id);
    if (!block) { return null; }
    try { return JSON.parse(block.textContent); } catch (e) { return null; }
  }

  function showEmpty(el, message) {
    var p = document.createElement("p");
    p.className = "empty";
    p.textContent = message;
    el.replaceWith(p);
  }

  function drawChart(canvas) {
    var spec = readJson(canvas.dataset.chart);
    if (!spec || spec.empty) { showEmpty(canvas, (spec && spec.empty_text) || "Nothing to chart yet."); return; }
    if (typeof window.Chart !== "function") { return; }
    var horizontal = !!spec.horizontal;
    var xs = spec.x;  // numbers: a linear x axis (time since the first appearance), else categories
    var datasets = spec.series.map(function (s) {
      return {
        label: s.label,
        data: xs ? s.data.map(function (y, i) { return { x: xs[i], y: y }; }) : s.data,
        borderColor: s.colour, backgroundColor: s.colour,
        borderWidth: spec.kind === "line" ? 2 : 0, pointRadius: spec.kind === "line" ? 2 : 0,
        stepped: spec.stepped ? "after" : false, tension: 0, fill: false
      };
    });
    var xScale = { stacked: spec.stacked, ticks: { maxRotation: 0, autoSkip: true } };
    if (xs) {
      xScale = { type: "linear", beginAtZero: true, title: { display: !!spec.x_title, text: spec.x_title || "" } };
    }
    var links = spec.links;
    var chart = new window.Chart(canvas, {
      type: spec.kind,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: horizontal ? "y" : "x",
        interaction: { mode: "nearest", intersect: false, axis: horizontal ? "y" : "x" },
        // Tooltips title a point by its label (a time) also on a linear axis.
        parsing: xs ? { xAxisKey: "x", yAxisKey: "y" } : undefined,
        plugins: {
          legend: { display: spec.series.length > 1, position: "bottom" },
          title: { display: false, text: spec.title },
          tooltip: { callbacks: { title: function (items) {
            return items.length ? String(spec.labels[items[0].dataIndex]) : "";
          } } }
        },
        scales: {
          x: xScale,
          y: { stacked: spec.stacked, beginAtZero: true, ticks: { precision: 0 } }
        },
        onClick: function (event, elements) {
          if (!links || !elements.length) { return; }
          var href = links[elements[0].index];
          // Only links the server built (same-origin paths); never a URL from a source.
          if (typeof href === "string" && href.charAt(0) === "/" && href.charAt(1) !== "/") {
            window.location.assign(href);
          }
        }
      }
    });
    canvas.dataset.rendered = String(chart.data.datasets.length);
  }

  function graphDetail(box, lines) {
    var panel = document.getElementById(box.dataset.detail || "");
    if (!panel) { return; }
    panel.textContent = "";
    lines.forEach(function (line) {
      var div = document.createElement("div");
      div.textContent = line;
      panel.appendChild(div);
    });
  }

  function lagText(seconds) {
    if (seconds === null || seconds === undefined) { return "no lag"; }
    if (seconds < 60) { return "+" + seconds + " s"; }
    if (seconds < 3600) { return "+" + Math.floor(seconds / 60) + " min " + (seconds % 60) + " s"; }
    return "+" + Math.floor(seconds / 3600) + " h " + Math.floor((seconds % 3600) / 60) + " min";
  }

  // A click-detail text from the server's table (spec.text, in the interface language), {name}s filled.
  function graphText(spec, key, fallback, values) {
    var text = (spec && spec.text && typeof spec.text[key] === "string") ? spec.text[key] : fallback;
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values || {}, name) ? String(values[name]) : whole;
    });
  }

  function drawGraph(box) {
    var spec = readJson(box.dataset.graph);
    if (!spec || !spec.nodes || !spec.nodes.length) {
      showEmpty(box, graphText(spec, "empty", "No accounts to draw.")); return;
    }
    if (typeof window.cytoscape !== "function") { return; }
    var elements = spec.nodes.map(function (n) { return { group: "nodes", data: n }; })
      .concat(spec.edges.map(function (e, i) {
        var edge = Object.assign({ id: "e" + i }, e);
        return { group: "edges", data: edge };
      }));
    var cy = window.cytoscape({
      container: box,
      elements: elements,
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: {
          "background-color": "data(colour)", width: "data(size)", height: "data(size)",
          label: "data(label)", "font-size": 9, "text-valign": "bottom", "text-margin-y": 2,
          color: "#222", "text-max-width": 120, "text-wrap": "ellipsis" } },
        { selector: "node[kind = 'object']", style: {
          shape: "diamond", "background-color": "#555", "font-size": 8, color: "#555" } },
        { selector: "edge", style: {
          width: "data(width)", "line-color": "#b8c0c8", "curve-style": "bezier", opacity: 0.8 } },
        { selector: "edge[kind = 'share']", style: {
          "line-style": "dashed", "line-color": "#8a96a3", "target-arrow-shape": "none" } },
        { selector: ":selected", style: { "border-width": 3, "border-color": "#111", "line-color": "#111" } }
      ],
      layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: function () { return 9000; },
                idealEdgeLength: function () { return 70; }, fit: true, padding: 20 }
    });
    cy.on("tap", "node", function (evt) {
      var d = evt.target.data();
      if (d.kind === "object") {
        var undated = graphText(spec, "undated", "undated");
        graphDetail(box, [graphText(spec, "object", "Object: {full}", { full: d.full }),
                          graphText(spec, "shared_by", "Shared by {accounts} accounts of this network", { accounts: d.accounts }),
                          graphText(spec, "first_share", "First share: {at}", { at: d.first_at || undated })]);
      } else {
        graphDetail(box, [graphText(spec, "account", "Account: {label}", { label: d.label }),
                          graphText(spec, "actor_type", "Actor type: {actor_type}",
                                    { actor_type: (spec.names && spec.names[d.actor_type]) || d.actor_type }),
                          graphText(spec, "shares", "Co-shared posts: {shares}", { shares: d.shares }),
                          graphText(spec, "sources", "Sources: {sources}", { sources: (d.sources || []).join(", ") })]);
      }
    });
    cy.on("tap", "edge", function (evt) {
      var d = evt.target.data();
      if (d.kind === "share") {
        var lag = (d.lag === null || d.lag === undefined) ? graphText(spec, "no_lag", "no lag") : lagText(d.lag);
        graphDetail(box, [graphText(spec, "shared", "{account} shared {target}", { account: d.account, target: d.target_label }),
                          graphText(spec, "share_at", "at {at} · {lag} after the network's first share",
                                    { at: d.at || graphText(spec, "undated", "undated"), lag: lag })]);
      } else {
        graphDetail(box, [graphText(spec, "between", "{a} and {b}", { a: d.between[0], b: d.between[1] }),
                          graphText(spec, "co_shared", "co-shared {weight} times", { weight: d.weight })]);
      }
    });
    box.dataset.nodes = String(cy.nodes().length);
    box.dataset.edges = String(cy.edges().length);
    box.factwatchGraph = cy;
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), drawChart);
    Array.prototype.forEach.call(document.querySelectorAll("[data-graph]"), drawGraph);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
