import { percent } from "./render-text.js";
import type { Analysis, LayerAnalysis } from "./types.js";
import { size } from "./words.js";
import { APP_JS } from "./render-html-app.js";
import { browserData, scriptJson } from "./render-html-data.js";

const CHART_WIDTH = 880;
const BAR_LEFT = 10;
const BAR_MAX = CHART_WIDTH - 20;
const ROW = 46;

/**
 * One self-contained HTML page (inline CSS, SVG and script, nothing fetched): the layers as a
 * bar chart, each bar split into the bytes the image shows and the bytes later layers hide
 * (red, hatched); then dive's browser: the layers on one side, the selected layer's file tree on
 * the other (added, modified, removed marked), a filter, "show only changes", and the wasted
 * paths linking into the tree; then the totals and the findings.
 */
export function renderHtml(a: Analysis, title: string): string {
  const largest = Math.max(1, ...a.layers.map((l) => l.size));
  const height = a.layers.length * ROW + 10;
  const bars = a.layers.map((l, i) => bar(l, i, largest)).join("\n");
  const findings = a.findings.length
    ? `<ol class="findings">${a.findings.map((f) => `<li class="finding" data-kind="${f.kind}">${inlineCode(f.message)}</li>`).join("")}</ol>`
    : `<p class="findings">No findings.</p>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(title)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1240px; }
#browser { display: flex; gap: 16px; align-items: flex-start; }
#browser .left { flex: 0 0 420px; } #browser .right { flex: 1; min-width: 0; }
#browser h3 { font-size: 15px; margin: 8px 0; }
#layers-list, #wasted-list { margin: 0; padding: 0; list-style: none; max-height: 360px; overflow: auto; border: 1px solid #ddd; }
#layers-list li { padding: 4px 6px; cursor: pointer; border-bottom: 1px solid #eee; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#layers-list li.selected { background: #dbe6f7; }
#wasted-list li { padding: 2px 6px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
span.size { display: inline-block; min-width: 64px; text-align: right; margin-right: 8px; font-variant-numeric: tabular-nums; color: #555; }
#tree { font: 13px/1.5 ui-monospace, monospace; border: 1px solid #ddd; max-height: 640px; overflow: auto; }
#tree .row { cursor: pointer; white-space: pre; } #tree .row:hover { background: #f4f4f4; }
#tree .twisty { display: inline-block; width: 14px; } #tree .mark { display: inline-block; width: 14px; font-weight: bold; }
#tree .mark-A .mark, #tree .mark-A .name { color: #1a7f37; } #tree .mark-M .mark, #tree .mark-M .name { color: #9a6700; }
#tree .mark-D .mark, #tree .mark-D .name { color: #b00020; } #tree .mark-D .name { text-decoration: line-through; }
#tree .focus { background: #fff3b0; }
.controls { margin-bottom: 6px; } .controls input[type=search] { width: 280px; }
#tree-status { color: #666; font-size: 12px; margin-bottom: 4px; }
h1 { font-size: 20px; margin: 0 0 4px; }
.sub { color: #666; margin: 0 0 16px; }
svg text { font: 12px system-ui, sans-serif; fill: #222; }
svg text.hidden-label { fill: #b00020; }
.kept { fill: #4a78c2; }
.hidden { fill: url(#hatch); stroke: #b00020; stroke-width: 1; }
.legend span { display: inline-block; margin-right: 16px; }
.swatch { display: inline-block; width: 12px; height: 12px; vertical-align: -1px; margin-right: 4px; }
table.totals { border-collapse: collapse; margin: 16px 0; }
table.totals td { padding: 2px 12px 2px 0; }
table.totals td.n { text-align: right; font-variant-numeric: tabular-nums; }
code { background: #f2f2f2; padding: 0 3px; border-radius: 3px; }
li.finding { margin-bottom: 8px; }
</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p class="sub">${a.imageId ? `${esc(a.imageId)} · ` : ""}${size(a.totalSize)} (${a.totalSize} B) in ${a.layers.length} layers · layers counted from 1 at the bottom</p>
<p class="legend"><span><i class="swatch" style="background:#4a78c2"></i>bytes the image shows</span><span><i class="swatch" style="background:#f3c1c8;outline:1px solid #b00020"></i>bytes a later layer hides (wasted)</span></p>
<svg id="layers" xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${height}" viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" aria-label="Layer sizes">
<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f3c1c8"/><line x1="0" y1="0" x2="0" y2="6" stroke="#b00020" stroke-width="2"/></pattern></defs>
${bars}
</svg>
<h2>Browse the layers</h2>
<div id="browser">
<div class="pane left">
<h3>Layers</h3>
<ol id="layers-list"></ol>
<h3>Wasted space (paths in more than one layer)</h3>
<ol id="wasted-list"></ol>
</div>
<div class="pane right">
<h3 id="tree-title"></h3>
<div class="controls"><input id="filter" type="search" placeholder="Filter paths" aria-label="Filter paths"> <label><input type="checkbox" id="only-changes"> Show only changes</label> <button id="expand-all" type="button">Expand all</button> <button id="collapse-all" type="button">Collapse all</button></div>
<div id="tree-status"></div>
<div id="tree" role="tree"></div>
<p class="legend"><b>A</b> added · <b>M</b> modified · <b>D</b> removed in the selected layer; sizes of directories are their trees'.</p>
</div>
</div>
<noscript><p>The layer browser needs JavaScript; the chart, totals and findings do not.</p></noscript>
<h2>Totals</h2>
<table class="totals">
<tr><td>Image size</td><td class="n" id="total-size">${size(a.totalSize)}</td><td class="n">${a.totalSize} B</td></tr>
<tr><td>Wasted (tsbuild: copies no one sees)</td><td class="n" id="wasted">${size(a.wastedBytes)}</td><td class="n">${a.wastedBytes} B</td></tr>
<tr><td>User wasted (tsbuild, without the base image's own)</td><td class="n">${size(a.userWastedBytes)}</td><td class="n">${a.userWastedBytes} B</td></tr>
<tr><td>dive efficiency</td><td class="n" id="dive-efficiency">${percent(a.dive.efficiency)}</td><td></td></tr>
<tr><td>dive wastedBytes (counts the kept copy too)</td><td class="n">${size(a.dive.wastedBytes)}</td><td class="n">${a.dive.wastedBytes} B</td></tr>
<tr><td>dive userWastedPercent</td><td class="n">${a.dive.wastedBytes > 0 ? percent(a.dive.userWastedPercent) : "0 %"}</td><td></td></tr>
</table>
<h2>Findings</h2>
${findings}
<script type="application/json" id="tsbuild-data">${scriptJson(browserData(a))}</script>
<script>${APP_JS}</script>
</body>
</html>
`;
}

function bar(l: LayerAnalysis, i: number, largest: number): string {
  const y = i * ROW + 4;
  const total = l.size === 0 ? 0 : Math.max(2, Math.round((l.size / largest) * BAR_MAX));
  const hiddenW = l.hiddenBytes === 0 ? 0 : Math.max(2, Math.round((Math.min(l.hiddenBytes, l.size) / Math.max(l.size, 1)) * total));
  const keptW = Math.max(0, total - hiddenW);
  const caption = `${l.index + 1} · ${l.base ? "(base) " : ""}${l.label} — ${size(l.size)}`;
  const hiddenText = l.hiddenBytes ? `<text class="hidden-label" x="${CHART_WIDTH - 10}" y="${y + 13}" text-anchor="end">${size(l.hiddenBytes)} hidden</text>` : "";
  return `<g class="layer" data-index="${l.index}" data-size="${l.size}" data-hidden="${l.hiddenBytes}">
<text x="${BAR_LEFT}" y="${y + 13}">${esc(cut(caption, 110))}</text>${hiddenText}
<rect class="kept" x="${BAR_LEFT}" y="${y + 18}" width="${keptW}" height="20"/>
${hiddenW ? `<rect class="hidden" x="${BAR_LEFT + keptW}" y="${y + 18}" width="${hiddenW}" height="20"/>` : ""}
</g>`;
}

function cut(s: string, n: number): string {
  const chars = [...s];
  return chars.length <= n ? s : chars.slice(0, n - 1).join("") + "…";
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Finding text with its `code` spans as <code>. */
function inlineCode(s: string): string {
  return esc(s).replace(/`([^`]+)`/g, "<code>$1</code>");
}
