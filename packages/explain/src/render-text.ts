import type { Analysis, FileChange, LayerAnalysis } from "./types.js";
import { layerName, size } from "./words.js";

export interface TextOptions {
  /** ANSI colours (a terminal). */
  color?: boolean;
  /** Wrap and cut lines at this many columns (default 100). */
  width?: number;
  /** Files listed per kind of change and layer (default 5). */
  files?: number;
}

interface Style {
  bold(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
}

const plain: Style = { bold: (s) => s, red: (s) => s, yellow: (s) => s, dim: (s) => s };
const ansi: Style = {
  bold: (s) => `\x1b[1m${s}\x1b[0m`,
  red: (s) => `\x1b[31m${s}\x1b[0m`,
  yellow: (s) => `\x1b[33m${s}\x1b[0m`,
  dim: (s) => `\x1b[2m${s}\x1b[0m`,
};

/** Bytes both ways, so a reader can add them up: "6.92MB (6921263 B)". */
export function bytes(n: number): string {
  return `${size(n)} (${n} B)`;
}

/** dive prints ratios as percentages with two decimals. */
export function percent(ratio: number): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(2)} %` : String(ratio);
}

/** The explanation `tsbuild explain` prints: layer table, each layer's changes, totals, findings. */
export function renderExplanation(a: Analysis, opts: TextOptions = {}): string {
  const st = opts.color ? ansi : plain;
  const width = Math.max(opts.width ?? 100, 40);
  const max = opts.files ?? 5;
  const out: string[] = [];
  const title = a.imageId ? `Image ${a.imageId.slice(7, 19)}` : "Image";
  const head = `${title}: ${bytes(a.totalSize)} in ${a.layers.length} ${a.layers.length === 1 ? "layer" : "layers"}`;
  const note = "(layers counted from 1 at the bottom)";
  if (head.length + 1 + note.length <= width) out.push(st.bold(head) + " " + st.dim(note));
  else out.push(st.bold(cut(head, width)), st.dim(note));
  out.push("");
  out.push(...layerTable(a, width, st));
  for (const l of a.layers) {
    out.push("");
    out.push(...layerSection(a, l, max, width, st));
  }
  out.push("");
  out.push(st.bold("Totals"));
  out.push(...totals(a, width));
  out.push("");
  if (a.findings.length === 0) {
    out.push(st.bold("Findings: none"));
  } else {
    out.push(st.bold("Findings"));
    a.findings.forEach((f, i) => out.push(...wrap(f.message, width, `${String(i + 1).padStart(2)}. `, "    ").map((line, k) => (k === 0 ? st.yellow(line.slice(0, 4)) + line.slice(4) : line))));
  }
  return out.join("\n") + "\n";
}

function layerTable(a: Analysis, width: number, st: Style): string[] {
  const rows = a.layers.map((l) => [String(l.index + 1), size(l.size), String(l.size), l.hiddenBytes ? size(l.hiddenBytes) : "-", l.base ? `(base) ${l.label}` : l.label]);
  const head = ["#", "SIZE", "BYTES", "HIDDEN", "MADE BY"];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[], hidden: (s: string) => string) => {
    const cells = r.slice(0, 4).map((cell, c) => (c === 0 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])));
    const room = width - cells.reduce((n, c) => n + c.length + 2, 0);
    return [...cells.slice(0, 3), hidden(cells[3]), cut(r[4], Math.max(room, 10))].join("  ");
  };
  return [st.bold(line(head, (s) => s)), ...rows.map((r, i) => line(r, a.layers[i].hiddenBytes ? st.red : (s) => s))];
}

function layerSection(a: Analysis, l: LayerAnalysis, max: number, width: number, st: Style): string[] {
  const out = [st.bold(cut(`${capital(layerName(l.index))}: ${l.label}, ${bytes(l.size)}`, width))];
  if (l.text && l.record) out.push(...wrap(l.text, width, "  ", "    ").map(st.dim));
  else if (l.createdBy && !l.record && l.createdBy !== l.text) out.push(...wrap(l.createdBy, width, "  ", "    ").map(st.dim));
  if (l.base) {
    out.push(`  the base image: ${count(l.added, "path")} (${size(sum(l.added))})`);
  } else {
    out.push(...changeList("adds", l.added, max, width));
    out.push(...changeList("changes", l.modified, max, width));
    out.push(...changeList("deletes", l.deleted, max, width));
    if (!l.added.length && !l.modified.length && !l.deleted.length) out.push("  no file changes");
  }
  if (l.hiddenBytes) {
    out.push(st.red(cut(`  ${bytes(l.hiddenBytes)} of this layer is hidden by later layers:`, width)));
    for (const h of l.hidden.slice(0, max)) {
      out.push(cut(`    ${size(h.size).padStart(8)}  ${h.path}  (${h.how} by ${layerName(h.byLayer)})`, width));
    }
    if (l.hidden.length > max) out.push(`    … and ${l.hidden.length - max} more (${size(l.hidden.slice(max).reduce((n, h) => n + h.size, 0))})`);
  }
  return out;
}

function changeList(verb: string, changes: FileChange[], max: number, width: number): string[] {
  const files = changes.filter((c) => c.type !== "dir" || verb === "deletes");
  const dirs = changes.length - files.length;
  if (!changes.length) return [];
  const total = verb === "deletes" ? changes.reduce((n, c) => n + (c.previousSize ?? 0), 0) : sum(changes);
  const head = `  ${verb} ${count(files, "path")}${dirs ? ` (and ${dirs} ${dirs === 1 ? "directory" : "directories"})` : ""}, ${size(total)}${verb === "deletes" ? " that lower layers keep" : ""}:`;
  if (!files.length) return [`  ${verb} ${dirs} ${dirs === 1 ? "directory" : "directories"}`];
  const out = [head];
  for (const c of files.slice(0, max)) {
    const n = verb === "deletes" ? (c.previousSize ?? 0) : c.size;
    const note = verb === "changes" && c.sameContent ? "  (same content: only mode, owner or times changed)" : "";
    out.push(cut(`    ${size(n).padStart(8)}  ${c.path}${c.type === "symlink" ? " (symlink)" : ""}${note}`, width));
  }
  if (files.length > max) out.push(`    … and ${files.length - max} more`);
  return out;
}

function totals(a: Analysis, width: number): string[] {
  const rows: Array<[string, string]> = [
    ["image size", `${bytes(a.totalSize)}: the layers' sizes added up`],
    ["wasted (tsbuild)", `${bytes(a.wastedBytes)}: copies no one sees (hidden by a later layer)`],
    ["user wasted (tsbuild)", `${bytes(a.userWastedBytes)}: the same without the base image's own (${a.baseLayers} ${a.baseLayers === 1 ? "layer" : "layers"})`],
    ["dive efficiency", percent(a.dive.efficiency)],
    ["dive wastedBytes", `${bytes(a.dive.wastedBytes)}: every copy of a path in 2+ layers, the kept one too`],
    ["dive userWastedPercent", a.dive.wastedBytes > 0 ? percent(a.dive.userWastedPercent) : "0 %"],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.flatMap(([k, v]) => wrap(v, width, `  ${k.padEnd(w)}  `, " ".repeat(w + 6)));
}

const sum = (c: FileChange[]) => c.reduce((n, x) => n + x.size, 0);
const count = (c: unknown[], what: string) => `${c.length} ${c.length === 1 ? what : what + "s"}`;
const capital = (s: string) => s[0].toUpperCase() + s.slice(1);

function cut(s: string, width: number): string {
  const chars = [...s];
  return chars.length <= width ? s : chars.slice(0, width - 1).join("") + "…";
}

/** Word-wraps text to width: the first line after `first`, the rest after `rest`. */
export function wrap(text: string, width: number, first: string, rest: string): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest;
      empty = true;
    }
    line += (empty ? "" : " ") + word;
    empty = false;
  }
  lines.push(line);
  return lines;
}
