import { chainIDs, shortId, type Digest } from "@tsbuild/image";
import { ImageDeleteConflictError, NoSuchImageError } from "./errors.js";
import { familiarString, parseNamed, refs, splitStored, withDefaultTag, type NamedRef } from "./reference.js";
import type { Store } from "./store.js";
import type { RemoveOptions } from "./types.js";

// moby daemon/images/image_delete.go conflict kinds (no containers exist here).
const DEPENDENT_CHILD = 1;
const ACTIVE_REFERENCE = 4;
const HARD = DEPENDENT_CHILD;
const SOFT = ACTIVE_REFERENCE;

/**
 * `docker rmi ARG` as the 20.10 daemon does it: a name untags first and deletes only what
 * is left unreferenced; an ID deletes (with its tags when they are all in one repository);
 * deleting an image releases its layers down to the first one still in use, and with
 * `prune`, untagged parents left dangling go too.
 */
export function removeImage(store: Store, input: string, opts: RemoveOptions): Promise<string[]> {
  const force = opts.force ?? false;
  const prune = opts.prune ?? true;
  return store.withLock(async (store) => {
    const id = store.resolve(input);
    if (!id) throw new NoSuchImageError(describe(input));
    const records: string[] = [];
    let repoRefs = store.refsOf(id);
    let removedRepositoryRef = false;

    if (!isImageIDPrefix(id, input)) {
      const parsed = withDefaultTag(parseNamed(input));
      await untag(store, parsed);
      records.push(`Untagged: ${familiarString(parsed)}`);
      repoRefs = store.refsOf(id);
      if (parsed.digest === undefined) {
        // A tag went: digest references of the same repository go with the last tag.
        const tagLeft = repoRefs.some((r) => !r.includes("@") && splitStored(r).name === parsed.name);
        if (!tagLeft) {
          const remaining: string[] = [];
          for (const r of repoRefs) {
            const s = splitStored(r);
            if (s.digest !== undefined && s.name === parsed.name) {
              await untag(store, s);
              records.push(`Untagged: ${r}`);
            } else {
              remaining.push(r);
            }
          }
          repoRefs = remaining;
        }
      }
      if (repoRefs.length > 0) return records;
      removedRepositoryRef = true;
    } else if (isSingleReference(repoRefs)) {
      const conflict = checkConflict(store, id, force ? HARD : HARD | (SOFT & ~ACTIVE_REFERENCE));
      if (conflict) throw conflict;
      for (const r of repoRefs) {
        await untag(store, splitStored(r));
        records.push(`Untagged: ${r}`);
      }
    }
    await deleteHelper(store, id, records, force, prune, removedRepositoryRef);
    return records;
  });
}

async function deleteHelper(store: Store, id: Digest, records: string[], force: boolean, prune: boolean, quiet: boolean): Promise<void> {
  const conflict = checkConflict(store, id, force ? HARD : HARD | SOFT);
  if (conflict) {
    // Pruning stops quietly at a parent that is still in use.
    if (quiet && !isDangling(store, id)) return;
    throw conflict;
  }
  const parent = store.parentOf(id);
  for (const r of store.refsOf(id)) {
    await untag(store, splitStored(r));
    records.push(`Untagged: ${r}`);
  }
  const removedLayers = await deleteImage(store, id);
  records.push(`Deleted: ${id}`);
  for (const l of removedLayers) records.push(`Deleted: ${l}`);
  if (!prune || !parent) return;
  await deleteHelper(store, parent, records, false, true, true);
}

/** Removes the image and releases its layers; returns the chainIDs removed, top first. */
async function deleteImage(store: Store, id: Digest): Promise<Digest[]> {
  const backend = store.backend;
  const top = topChainID(store, id);
  // Docker drops the deleted image's children's parent links (image store Delete).
  for (const child of store.childrenOf(id)) await backend.deleteMetadata(child, "parent");
  await backend.removeImage(id);

  const inUse = new Set<Digest>();
  for (const other of store.listImages()) {
    const config = backend.imageConfig(other);
    if (!config) continue;
    for (const c of chainOf(config)) inUse.add(c);
  }
  const removed: Digest[] = [];
  let chainID = top;
  while (chainID && !inUse.has(chainID)) {
    const rec = backend.layer(chainID);
    if (!rec) break;
    const current = chainID;
    if (backend.layerIDs().some((l) => l !== current && backend.layer(l)?.parent === current)) break;
    await backend.removeLayer(rec);
    removed.push(current);
    chainID = rec.parent;
  }
  return removed;
}

function topChainID(store: Store, id: Digest): Digest | undefined {
  const config = store.backend.imageConfig(id);
  const chain = config ? chainOf(config) : [];
  return chain[chain.length - 1];
}

function chainOf(config: Buffer): Digest[] {
  try {
    const diffIDs = JSON.parse(config.toString("utf8"))?.rootfs?.diff_ids;
    return Array.isArray(diffIDs) ? chainIDs(diffIDs) : [];
  } catch {
    return [];
  }
}

function checkConflict(store: Store, id: Digest, mask: number): ImageDeleteConflictError | undefined {
  if (mask & DEPENDENT_CHILD && store.childrenOf(id).length > 0) {
    return new ImageDeleteConflictError(shortId(id), true, "image has dependent child images");
  }
  if (mask & ACTIVE_REFERENCE && !isDangling(store, id)) {
    return new ImageDeleteConflictError(shortId(id), false, "image is referenced in multiple repositories");
  }
  return undefined;
}

function isDangling(store: Store, id: Digest): boolean {
  return store.refsOf(id).length === 0 && store.childrenOf(id).length === 0;
}

/** moby isSingleReference: one tag, plus any digests, all in one repository. */
function isSingleReference(repoRefs: string[]): boolean {
  if (repoRefs.length <= 1) return repoRefs.length === 1;
  let single: NamedRef | undefined;
  const names = new Set<string>();
  for (const r of repoRefs) {
    const s = splitStored(r);
    if (s.digest !== undefined) {
      names.add(s.name);
    } else if (!single) {
      names.add(s.name);
      single = s;
    } else {
      return false;
    }
  }
  single ??= splitStored(repoRefs[0]);
  return names.size === 1 && names.has(single.name);
}

function isImageIDPrefix(imageID: string, possiblePrefix: string): boolean {
  if (imageID.startsWith(possiblePrefix)) return true;
  const i = imageID.indexOf(":");
  return i >= 0 && imageID.slice(i + 1).startsWith(possiblePrefix);
}

async function untag(store: Store, ref: NamedRef): Promise<void> {
  const repos = store.backend.repositories();
  if (refs.delete(repos, ref)) await store.backend.saveRepositories(repos);
}

/** How Docker names an unknown image: a name reference gets its default tag. */
export function describe(input: string): string {
  if (/^(sha256:)?[a-f0-9]{64}$/.test(input)) return input;
  try {
    return familiarString(withDefaultTag(parseNamed(input)));
  } catch {
    return input;
  }
}
