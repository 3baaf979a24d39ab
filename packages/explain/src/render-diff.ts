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
  const width = Math.max(opts.width ?? 120, 60);
  const half = Math.floor((width - 6) / 2);
  const out: string[] = [];
  out.push(`A: ${opts.nameA ?? "A"}  ${size(d.a.totalSize)} (${d.a.totalSize} B), ${d.a.layers} layers`);
  out.push(`B: ${opts.nameB ?? "B"}  ${size(d.b.totalSize)} (${d.b.totalSize} B), ${d.b.layers} layers`);
  out.push("");
  out.push(`${" #".padEnd(4)}${"A".padEnd(half)}  ${"B"}`);
  d.rows.forEach((row, i) => out.push(`${String(i + 1).padStart(2)}${row.same ? " =" : "  "}${cell(row.a, half).padEnd(half)}  ${cell(row.b, half)}`.trimEnd()));
  out.push("");
  out.push("Totals          A              B              B − A");
  const line = (name: string, x: number, y: number) => `  ${name.padEnd(14)}${size(x).padEnd(15)}${size(y).padEnd(15)}${signed(y - x)}`;
  out.push(line("size", d.a.totalSize, d.b.totalSize));
  out.push(line("hidden", d.a.wastedBytes, d.b.wastedBytes));
  out.push(line("visible", d.a.visibleBytes, d.b.visibleBytes));
  out.push(line("dive wasted", d.a.diveWastedBytes, d.b.diveWastedBytes));
  out.push(`  ${"dive efficiency".padEnd(14)}${pct(d.a.diveEfficiency).padEnd(15)}${pct(d.b.diveEfficiency)}`);
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

function cell(s: DiffSide | undefined, width: number): string {
  if (!s) return "";
  const hidden = s.hiddenBytes ? ` [${size(s.hiddenBytes)} hidden]` : "";
  const text = `${size(s.size).padStart(8)}  ${s.label}${hidden}`;
  return [...text].length > width ? [...text].slice(0, width - 1).join("") + "…" : text;
}

function signed(n: number): string {
  return n === 0 ? "0B" : (n > 0 ? "+" : "−") + size(Math.abs(n));
}

function pct(r: number): string {
  return `${(r * 100).toFixed(2)} %`;
}

