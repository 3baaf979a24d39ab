import type { Finding } from "../types.js";
import { layerName, listPaths, size } from "../words.js";
import type { FindingContext } from "./context.js";

const CHANGES_METADATA = /\b(chmod|chown|chgrp|setfacl|touch)\b/;

/**
 * A step that changes only a file's mode, owner or times (or rewrites identical bytes) still
 * stores the whole file again: overlay2 copies it up. One finding per layer that does it.
 */
export function metadataCopies(ctx: FindingContext): Finding[] {
  const out: Finding[] = [];
  // "path\0hiding layer" → the layer whose copy it hid.
  const hiddenFrom = new Map<string, number>();
  ctx.changes.forEach((c, i) => c.hidden.forEach((h) => hiddenFrom.set(`${h.path}\0${h.byLayer}`, i)));
  ctx.layers.forEach((layer, j) => {
    if (layer.base) return;
    const copies = ctx.changes[j].modified.filter((m) => m.sameContent && m.type === "file" && m.size > 0);
    if (!copies.length) return;
    const bytes = copies.reduce((n, m) => n + m.size, 0);
    const paths = copies.map((m) => m.path);
    const from = [...new Set(copies.flatMap((m) => hiddenFrom.get(`${m.path}\0${j}`) ?? []))].sort((a, b) => a - b);
    const them = copies.length === 1 ? "it" : "them";
    const what = CHANGES_METADATA.test(layer.text)
      ? `copies ${listPaths(paths)} (${size(bytes)}) whole into ${layerName(j)} only to change ${copies.length === 1 ? "its" : "their"} mode, owner or times`
      : `rewrites ${listPaths(paths)} (${size(bytes)}) with identical content, which stores ${them} again in ${layerName(j)}`;
    const where = from.map((i) => ctx.layers[i]);
    const kept = where.length ? `; the previous copy stays in ${where.map((l) => layerName(l.index)).join(" and ")}` : "";
    let fix: string;
    if (where.length && where.every((l) => l.base)) {
      fix = `A base image file cannot change without a full copy: leave ${them} as ${copies.length === 1 ? "it is" : "they are"}, or change ${them} in the base image, to save ${size(bytes)}.`;
    } else if (where.length && where.every((l) => l.instruction === "COPY" || l.instruction === "ADD")) {
      fix = `Set owner and mode when copying (\`${where[0].instruction} --chown=…\`, the source file's own mode) in ${where[0].label} to save ${size(bytes)}.`;
    } else if (where.length) {
      fix = `Do it in the step that creates ${them} (${where[where.length - 1].label}) to save ${size(bytes)}.`;
    } else {
      fix = `Do it in the step that creates ${them} to save ${size(bytes)}.`;
    }
    out.push({ kind: "metadata-copy", message: `${layer.label} ${what}${kept}. ${fix}`, bytes, layers: [...from, j] });
  });
  return out;
}
