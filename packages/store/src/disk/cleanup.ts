import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { readTextIfExists } from "./fsutil.js";
import { listHexDir, listLayerIDs } from "./layerdb.js";
import type { Layout } from "./layout.js";
import { removeDriverDir } from "./overlay.js";

function names(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * What an interrupted write leaves, removed as Docker's layer store removes its own leftovers at
 * start: every entry of layerdb/tmp (write-set-*, remove-*; with the writer lock held nobody else
 * is writing one), the lock directories a breaker moved aside, and - when an interrupted write is
 * in evidence - overlay2/<id> directories no layer uses (the driver directory is placed before
 * the layerdb record, and removed after it). Returns what was removed, store-relative.
 */
export function sweepLeftovers(layout: Layout, opts: { always?: boolean } = {}): string[] {
  const removed: string[] = [];
  const tmp = names(layout.layerdbTmp);
  for (const n of tmp) {
    rmSync(join(layout.layerdbTmp, n), { recursive: true, force: true });
    removed.push(`image/overlay2/layerdb/tmp/${n}`);
  }
  const lockName = basename(layout.lock);
  for (const n of names(layout.root)) {
    if (!n.startsWith(`${lockName}.stale-`)) continue;
    rmSync(join(layout.root, n), { recursive: true, force: true });
    removed.push(n);
  }
  if (tmp.length === 0 && !opts.always) return removed;
  const used = new Set<string>();
  for (const id of listLayerIDs(layout)) {
    const cache = readTextIfExists(join(layout.layerDir(id), "cache-id"));
    if (cache) used.add(cache);
  }
  // A Docker root also has containers' read-write layers (layerdb/mounts): not leftovers.
  const mounts = join(layout.image, "layerdb", "mounts");
  for (const m of names(mounts)) {
    for (const f of ["mount-id", "init-id"]) {
      const id = readTextIfExists(join(mounts, m, f));
      if (id) used.add(id);
    }
  }
  for (const name of listHexDir(layout.overlay)) {
    if (used.has(name)) continue;
    removeDriverDir(layout, name);
    removed.push(`overlay2/${name}`);
  }
  for (const name of names(layout.links)) {
    const target = join(layout.links, name);
    if (existsSync(target)) continue;
    rmSync(target, { force: true });
    removed.push(`overlay2/l/${name}`);
  }
  return removed;
}

/**
 * fsck --repair for repositories.json that cannot be read: moved aside (kept for the user) so
 * that every command works again, with no tags.
 */
export function setAsideRepositories(layout: Layout): string | undefined {
  try {
    statSync(layout.repositories);
  } catch {
    return undefined;
  }
  const aside = `${layout.repositories}.corrupt-${Date.now()}`;
  renameSync(layout.repositories, aside);
  return aside;
}
