import type { DiffSide, ImageDiff } from "./diff.js";
import { wrap } from "./render-text.js";
import { size } from "./words.js";

export interface DiffTextOptions {
  /** What to call the two images in the header ("conf/c18", "Dockerfile.split"). */
  nameA?: string;
  nameB?: string;
  width?: number;
  /** Paths listed under "Files that differ" (default 10). */
  files?: number;
}

/** `tsbuild diff`/`compare` output: the two images side by side, then the difference in sentences. */
export function renderDiff(d: ImageDiff, opts: DiffTextOptions = {}): string {
  const width = Math.max(opts.width ?? 100, 60);
  const out: string[] = [];
  out.push(`A: ${opts.nameA ?? "A"}  ${size(d.a.totalSize)} (${d.a.totalSize} B), ${d.a.layers} layers`);
  out.push(`B: ${opts.nameB ?? "B"}  ${size(d.b.totalSize)} (${d.b.totalSize} B), ${d.b.layers} layers`);
  out.push("");
  out.push(...table(d, width));
  out.push("");
  out.push(`Totals${" ".repeat(12)}${"A".padEnd(15)}${"B".padEnd(15)}B − A`);
  const line = (name: string, x: number, y: number) => `  ${name.padEnd(16)}${size(x).padEnd(15)}${size(y).padEnd(15)}${signed(y - x)}`;
  out.push(line("size", d.a.totalSize, d.b.totalSize));
  out.push(line("hidden", d.a.wastedBytes, d.b.wastedBytes));
  out.push(line("visible", d.a.visibleBytes, d.b.visibleBytes));
  out.push(line("dive wasted", d.a.diveWastedBytes, d.b.diveWastedBytes));
  out.push(`  ${"dive efficiency".padEnd(16)}${pct(d.a.diveEfficiency).padEnd(15)}${pct(d.b.diveEfficiency)}`);
  const max = opts.files ?? 10;
  if (d.files.length) {
    out.push("");
    out.push(`Files that differ in the final images (${d.files.length}):`);
    for (const f of d.files.slice(0, max)) out.push(`  ${(f.a === undefined ? "-" : size(f.a)).padStart(8)}  ${(f.b === undefined ? "-" : size(f.b)).padStart(8)}  ${f.path}`);
    if (d.files.length > max) out.push(`  … and ${d.files.length - max} more`);
  }
  out.push("");
  for (const s of d.explanation) out.push(...wrap(s, width, "", "  "));
  return out.join("\n") + "\n";
}

/**
 * Sizes side by side, one row per layer position ("=" when both have the very same layer), then
 * what made each layer: once for a shared layer, else A's and B's.
 */
function table(d: ImageDiff, width: number): string[] {
  const num = (s: DiffSide | undefined, f: (s: DiffSide) => number) => (s ? (f(s) ? size(f(s)) : "-") : "");
  const rows = d.rows.map((r, i) => [String(i + 1), r.same ? "=" : "", r.a ? size(r.a.size) : "", num(r.a, (x) => x.hiddenBytes), r.b ? size(r.b.size) : "", num(r.b, (x) => x.hiddenBytes)]);
  const head = ["#", "", "A SIZE", "HIDDEN", "B SIZE", "HIDDEN"];
  const w = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const fmt = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padStart(w[c]) : cell.padEnd(w[c]))).join("  ");
  const indent = fmt(head).length + 2;
  const room = Math.max(width - indent, 20);
  const out = [fmt(head) + "  MADE BY"];
  d.rows.forEach((r, i) => {
    const labels = r.same ? [r.a!.label] : [...(r.a ? ["A: " + r.a.label] : []), ...(r.b ? ["B: " + r.b.label] : [])];
    labels.forEach((label, k) => out.push(`${k === 0 ? fmt(rows[i]) : " ".repeat(indent - 2)}  ${cut(label, room)}`));
  });
  return out;
}

function cut(s: string, n: number): string {
  const chars = [...s];
  return chars.length <= n ? s : chars.slice(0, n - 1).join("") + "…";
}

function signed(n: number): string {
  return n === 0 ? "0B" : (n > 0 ? "+" : "−") + size(Math.abs(n));
}

function pct(r: number): string {
  return `${(r * 100).toFixed(2)} %`;
}

