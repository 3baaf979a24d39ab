import type { Hidden } from "../layer-view.js";
import type { Finding, LayerAnalysis } from "../types.js";
import { layerName, listPaths, size } from "../words.js";
import type { FindingContext } from "./context.js";
import { cacheOf, deletedCaches } from "./package-caches.js";

const PACKAGE_ADD = /\b(apk add|apt-get( -\S+)* install|apt( -\S+)* install|yum( -\S+)* install|dnf( -\S+)* install|microdnf install|zypper (in|install)|pip3? install|npm (ci|install|i)\b|gem install)/;
const PACKAGE_DEL = /\b(apk del|apt-get( -\S+)* (remove|purge|autoremove)|apt (remove|purge|autoremove)|yum remove|dnf remove|pip3? uninstall|npm (uninstall|prune))/;
const isCopy = (l: LayerAnalysis) => l.instruction === "COPY" || l.instruction === "ADD";

/**
 * Bytes a user layer stores that a later layer deletes or overwrites: one finding per pair of
 * layers. A metadata-only rewrite is left to the metadata-copy rule, package caches to theirs.
 */
export function hiddenBytes(ctx: FindingContext): Finding[] {
  const out: Finding[] = [];
  const rewritten = ctx.changes.map((c) => new Set(c.modified.filter((m) => m.sameContent).map((m) => m.path)));
  ctx.layers.forEach((layer, i) => {
    if (layer.base) return;
    const byHider = new Map<number, Hidden[]>();
    for (const h of ctx.changes[i].hidden) {
      // The later layer rewrote the path with the same content: the metadata-copy rule reports it.
      if (rewritten[h.byLayer].has(h.path)) continue;
      byHider.set(h.byLayer, [...(byHider.get(h.byLayer) ?? []), h]);
    }
    for (const [j, hidden] of byHider) {
      const caches = hidden.filter((h) => cacheOf(h.path));
      const rest = hidden.filter((h) => !cacheOf(h.path));
      if (caches.length) out.push(...deletedCaches(ctx, i, j, caches));
      if (rest.length) out.push(pairFinding(ctx, i, j, rest));
    }
  });
  return out;
}

function pairFinding(ctx: FindingContext, i: number, j: number, hidden: Hidden[]): Finding {
  const maker = ctx.layers[i];
  const hider = ctx.layers[j];
  const bytes = hidden.reduce((n, h) => n + h.size, 0);
  const paths = hidden.map((h) => h.path);
  const deleted = hidden.filter((h) => h.how === "deleted");
  const verb = deleted.length === hidden.length ? "deletes" : deleted.length === 0 ? "overwrites" : "deletes or overwrites";
  const kind: Finding["kind"] = deleted.reduce((n, h) => n + h.size, 0) * 2 >= bytes ? "deleted-later" : "overwritten-later";
  const layers = [i, j];
  const stay = `the ${hidden.length === 1 ? "file stays" : "files stay"} in ${layerName(i)}`;

  if (isCopy(maker) && isCopy(hider) && deleted.length === 0) {
    return {
      kind: "duplicate-copy",
      message:
        `${maker.label} and ${hider.label} both write ${listPaths(paths)}: the first copy (${size(bytes)}) stays in ${layerName(i)}, ` +
        `hidden. Copy ${hidden.length === 1 ? "it" : "them"} once (drop the first COPY or narrow it) to save ${size(bytes)}.`,
      bytes,
      layers,
    };
  }

  const moved = movedTo(ctx, j, deleted);
  if (moved.length === deleted.length && deleted.length === hidden.length) {
    return {
      kind,
      message:
        `${hider.label} deletes ${listPaths(paths)} (${size(bytes)}) that ${maker.label} put in ${layerName(i)} and stores the same ` +
        `bytes again as ${listPaths(moved)}: the image holds them twice. Write ${hidden.length === 1 ? "it" : "them"} at the final ` +
        `${hidden.length === 1 ? "path" : "paths"} in ${maker.label} to save ${size(bytes)}.`,
      bytes,
      layers,
    };
  }

  const overwritten = hidden.filter((h) => h.how === "overwritten").map((h) => h.path);
  const which =
    verb === "deletes or overwrites" ? `${listPaths(deleted.map((h) => h.path))}; it also overwrites ${listPaths(overwritten)}` : listPaths(paths);
  return {
    kind,
    message: `${maker.label} adds ${size(bytes)} that ${hider.label} ${verb === "deletes or overwrites" ? "deletes" : verb} (${which}): ${stay}. ${advice(maker, hider, verb, bytes)}`,
    bytes,
    layers,
  };
}

/** Files layer j adds with the content of the deleted ones: a move done as copy-and-delete. */
function movedTo(ctx: FindingContext, j: number, deleted: Hidden[]): string[] {
  const added = new Map<string, string>();
  for (const [path, o] of ctx.view) if (o.layer === j && o.sha256 && o.size > 0) added.set(o.sha256, path);
  for (const m of ctx.changes[j].modified) {
    const o = ctx.view.get(m.path);
    if (o?.layer === j && o.sha256 && o.size > 0) added.set(o.sha256, m.path);
  }
  return deleted.flatMap((h) => (h.sha256 && added.has(h.sha256) ? [added.get(h.sha256)!] : []));
}

function advice(maker: LayerAnalysis, hider: LayerAnalysis, verb: string, bytes: number): string {
  const save = `to save ${size(bytes)}.`;
  if (maker.instruction === "RUN" && hider.instruction === "RUN") {
    if (PACKAGE_ADD.test(maker.text) && PACKAGE_DEL.test(hider.text)) return `Do the add, the build and the del in one RUN ${save}`;
    return verb === "overwrites"
      ? `Do both in one RUN (\`… && …\`) so only the last version is stored, ${save}`
      : `Create and remove the files in the same RUN ${save}`;
  }
  if (isCopy(maker) && hider.instruction === "RUN") {
    return verb === "overwrites"
      ? `Change the files before they are copied (or in a build stage) ${save}`
      : `Leave the files out of the ${maker.instruction} (.dockerignore, a narrower source, or a build stage whose result you copy) ${save}`;
  }
  if (hider.instruction === "COPY" || hider.instruction === "ADD") {
    return `Only the last version is seen: drop or narrow the step that wrote the first one ${save}`;
  }
  return `Make the files and remove them in one step, or in a build stage, ${save}`;
}
