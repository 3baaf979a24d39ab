import { ellipsis, humanSize } from "@tsbuild/dockerfmt";
import type { BuiltImage, BuiltLayer } from "./types.js";

export interface LayerTableOptions {
  /** Layers to point at with ">" (the one an assertion is about). */
  mark?: number[];
  /** How many of a layer's largest files to list; default 3. */
  topFiles?: number;
  /** Longest instruction text before it is cut with "…"; default 60. */
  width?: number;
  /** Longest top-files text before it is cut with "…"; default 100. */
  filesWidth?: number;
}

/**
 * The layers as a table for failure messages and logs: index, size, the bytes a later layer
 * hides (when any layer has some), the instruction that made the layer, its largest files.
 *
 *     LAYER  SIZE     INSTRUCTION                           TOP FILES
 *     0      2.14MB   (base) Imported from -                /bin/busybox 1.02MB, …
 *   > 1      12B      Dockerfile:3 COPY app /usr/local/bin/ /usr/local/bin/app 12B
 */
export function formatLayerTable(image: BuiltImage, opts: LayerTableOptions = {}): string {
  const mark = new Set(opts.mark ?? []);
  const hidden = image.layers.map((l) => image.explain.layers[l.index]?.hiddenBytes ?? 0);
  const showHidden = hidden.some((n) => n > 0);
  const header = ["LAYER", "SIZE", ...(showHidden ? ["HIDDEN"] : []), "INSTRUCTION", "TOP FILES"];
  const rows = image.layers.map((l) => [
    String(l.index),
    humanSize(l.size),
    ...(showHidden ? [hidden[l.index] ? humanSize(hidden[l.index]) : "-"] : []),
    ellipsis(describeInstruction(l), opts.width ?? 60),
    ellipsis(topFiles(l, opts.topFiles ?? 3), opts.filesWidth ?? 100),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => [...r[i]].length)));
  const line = (cells: string[], marker: string) =>
    (marker + " " + cells.map((c, i) => (i < cells.length - 1 ? c + " ".repeat(widths[i] - [...c].length) : c)).join("  ")).trimEnd();
  const body = rows.map((r, i) => line(r, mark.has(i) ? ">" : " "));
  if (rows.length === 0) body.push("  (no layers)");
  return [line(header, " "), ...body].join("\n");
}

/** "Dockerfile:3 COPY app /app", or "(base) <created_by>" for layers the build did not make. */
export function describeInstruction(l: BuiltLayer): string {
  if (l.instruction) {
    const trigger = l.instruction.trigger ? "ONBUILD " : "";
    return `${l.instruction.dockerfile}:${l.instruction.line} ${trigger}${oneLine(l.instruction.text)}`;
  }
  const createdBy = oneLine(l.createdBy.replace(/^\/bin\/sh -c #\(nop\) +/, ""));
  return `(base) ${createdBy || "layer " + l.index}`;
}

/** The layer's largest files ("/bin/busybox 1.02MB"), or what it deletes when it adds no file. */
export function topFiles(l: BuiltLayer, count: number): string {
  const files = l.entries
    .filter((e) => e.type === "file" && !/(^|\/)\.wh\./.test(e.path))
    .map((e) => ({ path: "/" + e.path, size: e.size ?? 0 }))
    .sort((a, b) => b.size - a.size);
  if (files.length > 0) {
    const shown = files.slice(0, count).map((f) => `${f.path} ${humanSize(f.size)}`);
    return shown.join(", ") + (files.length > count ? `, +${files.length - count} more` : "");
  }
  if (l.deleted.length > 0) {
    return "deletes " + l.deleted.slice(0, count).join(", ") + (l.deleted.length > count ? `, +${l.deleted.length - count} more` : "");
  }
  const other = l.added.concat(l.modified);
  return other.slice(0, count).join(", ") + (other.length > count ? `, +${other.length - count} more` : "");
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ").trim();
}
