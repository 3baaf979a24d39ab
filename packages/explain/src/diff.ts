import type { Analysis, Finding, LayerAnalysis } from "./types.js";
import { size } from "./words.js";

export interface DiffSide {
  index: number;
  diffID: string;
  size: number;
  hiddenBytes: number;
  label: string;
}

/** One row of the side-by-side table: the same layer in both, or what each has at that point. */
export interface DiffRow {
  a?: DiffSide;
  b?: DiffSide;
  /** Both images have this very layer (same diffID, same position in the stack). */
  same: boolean;
}

export interface FileDifference {
  path: string;
  /** Bytes the final image shows at the path; undefined when it does not have the path. */
  a?: number;
  b?: number;
}

export interface ImageSummary {
  imageId?: string;
  totalSize: number;
  layers: number;
  /** Bytes the final filesystem shows: total size − tsbuild's wasted bytes. */
  visibleBytes: number;
  wastedBytes: number;
  diveWastedBytes: number;
  diveEfficiency: number;
}

export interface ImageDiff {
  a: ImageSummary;
  b: ImageSummary;
  /** b − a. */
  sizeDifference: number;
  /** The part of sizeDifference that is hidden copies (b's wasted − a's wasted). */
  wastedDifference: number;
  /** The part that is files the final images show (b's visible − a's visible). */
  visibleDifference: number;
  /** Bottom layers both images share (their base, or cached steps). */
  sharedLayers: number;
  rows: DiffRow[];
  /** Paths whose visible bytes differ, largest difference first. */
  files: FileDifference[];
  /** The findings that say where each image's wasted bytes come from. */
  findings: { a: Finding[]; b: Finding[] };
  /** The difference in plain sentences. */
  explanation: string[];
}

const side = (l: LayerAnalysis): DiffSide => ({ index: l.index, diffID: l.diffID, size: l.size, hiddenBytes: l.hiddenBytes, label: l.label });

function summary(a: Analysis): ImageSummary {
  return {
    ...(a.imageId ? { imageId: a.imageId } : {}),
    totalSize: a.totalSize,
    layers: a.layers.length,
    visibleBytes: a.totalSize - a.wastedBytes,
    wastedBytes: a.wastedBytes,
    diveWastedBytes: a.dive.wastedBytes,
    diveEfficiency: a.dive.efficiency,
  };
}

/**
 * Two analysed images layer by layer, and why their sizes differ. The size difference splits
 * exactly into hidden copies (wasted bytes) and what the final filesystems show.
 */
export function diffImages(a: Analysis, b: Analysis): ImageDiff {
  let shared = 0;
  while (shared < a.layers.length && shared < b.layers.length && a.layers[shared].diffID === b.layers[shared].diffID) shared++;
  const rows: DiffRow[] = [];
  for (let i = 0; i < Math.max(a.layers.length, b.layers.length); i++) {
    const la = a.layers[i];
    const lb = b.layers[i];
    rows.push({ ...(la ? { a: side(la) } : {}), ...(lb ? { b: side(lb) } : {}), same: i < shared });
  }
  const sa = summary(a);
  const sb = summary(b);
  const files = fileDifferences(visibleFiles(a), visibleFiles(b));
  const d: Omit<ImageDiff, "explanation"> = {
    a: sa,
    b: sb,
    sizeDifference: sb.totalSize - sa.totalSize,
    wastedDifference: sb.wastedBytes - sa.wastedBytes,
    visibleDifference: sb.visibleBytes - sa.visibleBytes,
    sharedLayers: shared,
    rows,
    files,
    findings: { a: a.findings.filter((f) => f.bytes > 0), b: b.findings.filter((f) => f.bytes > 0) },
  };
  return { ...d, explanation: explain(d, a) };
}

/** Path → bytes the final image shows there: each layer's stored files minus those a later layer hides. */
function visibleFiles(a: Analysis): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of a.layers) {
    const hidden = new Set(l.hidden.map((h) => h.path));
    for (const c of [...l.added, ...l.modified]) {
      if (c.size > 0 && !hidden.has(c.path)) out.set(c.path, c.size);
    }
  }
  // A later layer's deletion of a 0-byte-hidden path, or of a whole tree, is already in `hidden`.
  return out;
}

function fileDifferences(a: Map<string, number>, b: Map<string, number>): FileDifference[] {
  const out: FileDifference[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(path);
    const y = b.get(path);
    if (x !== y) out.push({ path, ...(x !== undefined ? { a: x } : {}), ...(y !== undefined ? { b: y } : {}) });
  }
  const delta = (f: FileDifference) => Math.abs((f.b ?? 0) - (f.a ?? 0));
  return out.sort((p, q) => delta(q) - delta(p) || (p.path < q.path ? -1 : 1));
}

function explain(d: Omit<ImageDiff, "explanation">, a: Analysis): string[] {
  const lines: string[] = [];
  const diff = d.sizeDifference;
  if (diff === 0) lines.push(`A and B are the same size: ${bytesText(d.a.totalSize)}.`);
  else lines.push(`B is ${bytesText(Math.abs(diff))} ${diff < 0 ? "smaller" : "larger"} than A: ${size(d.a.totalSize)} → ${size(d.b.totalSize)}.`);
  if (d.sharedLayers) {
    const sharedBytes = a.layers.slice(0, d.sharedLayers).reduce((n, l) => n + l.size, 0);
    lines.push(`Both start with the same ${d.sharedLayers === 1 ? "layer" : `${d.sharedLayers} layers`} (${size(sharedBytes)}); the difference is in the layers above.`);
  }
  lines.push(
    `Copies no one sees (hidden by a later layer): A ${size(d.a.wastedBytes)}, B ${size(d.b.wastedBytes)}` +
      (d.wastedDifference ? `: ${bytesText(Math.abs(d.wastedDifference))} of the difference.` : ": no part of the difference."),
  );
  lines.push(
    `Files the final images show: A ${size(d.a.visibleBytes)}, B ${size(d.b.visibleBytes)}` +
      (d.visibleDifference ? `: ${bytesText(Math.abs(d.visibleDifference))} of the difference.` : ": the same bytes."),
  );
  const [more, name] = d.wastedDifference < 0 ? [d.findings.a, "A"] : [d.findings.b, "B"];
  for (const f of d.wastedDifference !== 0 ? more : []) lines.push(`In ${name}: ${f.message}`);
  return lines;
}

function bytesText(n: number): string {
  return `${size(n)} (${n} B)`;
}
