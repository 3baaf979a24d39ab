import type { Finding } from "../types.js";
import { layerName, listPaths, size } from "../words.js";
import type { FindingContext } from "./context.js";

/**
 * The same bytes copied into the image twice: files the final image shows, with the same
 * content, put there by two different COPY/ADD steps. Each later copy could be avoided.
 */
export function duplicateContent(ctx: FindingContext): Finding[] {
  const bySha = new Map<string, Array<{ path: string; layer: number; size: number }>>();
  for (const [path, o] of ctx.view) {
    const layer = ctx.layers[o.layer];
    if (o.type !== "file" || !o.sha256 || o.size === 0 || layer.base) continue;
    if (layer.instruction !== "COPY" && layer.instruction !== "ADD") continue;
    bySha.set(o.sha256, [...(bySha.get(o.sha256) ?? []), { path, layer: o.layer, size: o.size }]);
  }
  // Group the extra copies by the pair of steps (first writer, later writer).
  const pairs = new Map<string, { first: number; later: number; firstPaths: string[]; paths: string[]; bytes: number }>();
  for (const copies of bySha.values()) {
    const first = Math.min(...copies.map((c) => c.layer));
    for (const c of copies) {
      if (c.layer === first) continue;
      const key = `${first} ${c.layer}`;
      const p = pairs.get(key) ?? { first, later: c.layer, firstPaths: [], paths: [], bytes: 0 };
      p.paths.push(c.path);
      p.firstPaths.push(copies.find((x) => x.layer === first)!.path);
      p.bytes += c.size;
      pairs.set(key, p);
    }
  }
  return [...pairs.values()].map(({ first, later, firstPaths, paths, bytes }) => ({
    kind: "duplicate-copy" as const,
    message:
      `${ctx.layers[later].label} copies ${listPaths(paths)} (${size(bytes)}), the same bytes that ${ctx.layers[first].label} ` +
      `already put in ${layerName(first)} as ${listPaths(firstPaths)}: the image stores them twice. Copy them once ` +
      `(or link to the first copy in a RUN) to save ${size(bytes)}.`,
    bytes,
    layers: [first, later],
  }));
}
