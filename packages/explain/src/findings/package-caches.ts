import type { Finding } from "../types.js";
import type { Hidden } from "../layer-view.js";
import { layerName, plural, size } from "../words.js";
import type { FindingContext } from "./context.js";

/** Where package managers leave downloads and indexes that an image never needs at run time. */
export const PACKAGE_CACHES: Array<{ dir: string; what: string; fix: string }> = [
  { dir: "/var/cache/apk", what: "apk's package cache", fix: "use `apk add --no-cache`" },
  // Removing the lists alone breaks the next RUN's `apt-get install` (no lists, "Unable to locate
  // package"): the only safe advice is Docker's own, update, install and clean in one RUN.
  {
    dir: "/var/lib/apt/lists",
    what: "apt's package lists",
    fix: "do the update, the install and the clean in one RUN (`RUN apt-get update && apt-get install -y … && rm -rf /var/lib/apt/lists/*`; removing the lists alone breaks the next RUN's install)",
  },
  { dir: "/var/cache/apt", what: "apt's package cache", fix: "end that RUN with `apt-get clean`" },
];

export function cacheOf(path: string): (typeof PACKAGE_CACHES)[number] | undefined {
  return PACKAGE_CACHES.find((c) => path.startsWith(c.dir + "/"));
}

/** Caches the final image still ships, per layer that left them. */
export function leftCaches(ctx: FindingContext): Finding[] {
  const groups = new Map<string, { layer: number; cache: (typeof PACKAGE_CACHES)[number]; bytes: number; files: number }>();
  for (const [path, o] of ctx.view) {
    const cache = cacheOf(path);
    if (!cache || o.size === 0 || ctx.layers[o.layer].base) continue;
    const key = `${o.layer} ${cache.dir}`;
    const g = groups.get(key) ?? { layer: o.layer, cache, bytes: 0, files: 0 };
    g.bytes += o.size;
    g.files++;
    groups.set(key, g);
  }
  return [...groups.values()].map(({ layer, cache, bytes, files }) => ({
    kind: "package-cache" as const,
    message:
      `${ctx.layers[layer].label} leaves ${cache.what} in ${cache.dir} (${size(bytes)}, ${plural(files, "file")}) in ${layerName(layer)}. ` +
      `The image never needs it: ${cache.fix} to save ${size(bytes)}.`,
    bytes,
    layers: [layer],
  }));
}

/** Caches a later layer deletes: the delete hides them and saves nothing. */
export function deletedCaches(ctx: FindingContext, layer: number, byLayer: number, hidden: Hidden[]): Finding[] {
  const byCache = new Map<string, Hidden[]>();
  for (const h of hidden) {
    const cache = cacheOf(h.path)!;
    byCache.set(cache.dir, [...(byCache.get(cache.dir) ?? []), h]);
  }
  return [...byCache].map(([dir, files]) => {
    const cache = PACKAGE_CACHES.find((c) => c.dir === dir)!;
    const bytes = files.reduce((n, h) => n + h.size, 0);
    const verb = files.every((h) => h.how === "deleted") ? "deletes" : "deletes or overwrites";
    return {
      kind: "package-cache" as const,
      message:
        `${ctx.layers[byLayer].label} ${verb} ${cache.what} in ${dir} (${size(bytes)}, ${plural(files.length, "file")}) that ` +
        `${ctx.layers[layer].label} left: the files stay in ${layerName(layer)}, so this saves nothing. ` +
        `In ${ctx.layers[layer].label}, ${cache.fix} to save ${size(bytes)}.`,
      bytes,
      layers: [layer, byLayer],
    };
  });
}
