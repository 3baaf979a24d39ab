import type { Digest } from "@tsbuild/image";
import { ImageDeleteConflictError } from "./errors.js";
import type { ImageStore } from "./types.js";
import { listCacheMounts } from "./cache-mounts.js";

export interface PruneReport {
  /** `untagged: …` and `deleted: sha256:…` lines, in Docker's order and words. */
  deleted: string[];
  /** Bytes of the layers that left the store. */
  reclaimed: number;
}

/**
 * Docker's ImagesPrune (daemon/images/image_prune.go) with no containers: the candidates are the
 * heads (images no other image builds on) when dangling only, else every image; an untagged image
 * that others build on is skipped, since removing its children takes it too. Dangling only keeps
 * tagged images; `all` untags them. Each removal prunes the untagged parents it leaves behind.
 */
export async function pruneImages(store: ImageStore, opts: { all?: boolean } = {}): Promise<PruneReport> {
  const before = store.listLayers();
  const sizes = new Map<Digest, number>();
  for (const c of before) {
    const l = store.getLayer(c);
    if (l) sizes.set(c, await l.size());
  }
  const candidates = store.listImages().filter((id) => {
    const refs = [...store.tagsOf(id), ...store.digestsOf(id)];
    if (refs.length === 0 && store.childrenOf(id).length > 0) return false;
    if (!opts.all && store.childrenOf(id).length > 0) return false;
    return opts.all || store.tagsOf(id).length === 0;
  });
  const deleted: string[] = [];
  for (const id of candidates) {
    if (!store.getImage(id)) continue; // went with an earlier candidate
    const refs = [...store.tagsOf(id), ...store.digestsOf(id)];
    const targets = refs.length ? refs : [id];
    for (const ref of targets) {
      if (!store.getImage(id)) break;
      try {
        for (const line of await store.removeImage(ref, { force: false, prune: true })) deleted.push(lowerFirst(line));
      } catch (e) {
        // Docker skips an image it cannot remove (a conflict) and goes on with the others.
        if (!(e instanceof ImageDeleteConflictError)) throw e;
      }
    }
  }
  const after = new Set(store.listLayers());
  let reclaimed = 0;
  for (const c of before) if (!after.has(c)) reclaimed += sizes.get(c) ?? 0;
  return { deleted, reclaimed };
}

/** Docker's prune output says `untagged:`/`deleted:` where rmi says `Untagged:`/`Deleted:`. */
function lowerFirst(line: string): string {
  return line.charAt(0).toLowerCase() + line.slice(1);
}

export interface DiskUsage {
  images: { total: number; active: number; size: number; reclaimable: number };
  buildCache: { total: number; active: number; size: number; reclaimable: number };
}

/**
 * `docker system df`'s figures. Images: those `docker images` lists, the size of every layer they
 * use counted once, all reclaimable (no container keeps one active). Build cache: the
 * intermediate images the classic builder keeps for its cache, sized by the layers no listed
 * image uses.
 */
export async function diskUsage(store: ImageStore): Promise<DiskUsage> {
  const listed: Digest[] = [];
  const cache: Digest[] = [];
  for (const id of store.listImages()) {
    const untagged = store.tagsOf(id).length === 0 && store.digestsOf(id).length === 0;
    (untagged && store.childrenOf(id).length > 0 ? cache : listed).push(id);
  }
  const layersOf = async (ids: Digest[]) => {
    const out = new Set<Digest>();
    for (const id of ids) for (const l of (await store.getImage(id)?.layers()) ?? []) out.add(l.chainID);
    return out;
  };
  const sum = async (chains: Iterable<Digest>) => {
    let n = 0;
    for (const c of chains) n += (await store.getLayer(c)?.size()) ?? 0;
    return n;
  };
  const imageLayers = await layersOf(listed);
  const cacheOnly = [...(await layersOf(cache))].filter((c) => !imageLayers.has(c));
  const imageSize = await sum(imageLayers);
  // BuildKit's cache mounts are build cache too (one record each).
  const mounts = store.root ? listCacheMounts(store.root) : [];
  const cacheSize = (await sum(cacheOnly)) + mounts.reduce((n, m) => n + m.size, 0);
  return {
    images: { total: listed.length, active: 0, size: imageSize, reclaimable: imageSize },
    buildCache: { total: cache.length + mounts.length, active: 0, size: cacheSize, reclaimable: cacheSize },
  };
}
