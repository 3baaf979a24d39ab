import { chainIDs, sha256Digest, type Digest } from "@tsbuild/image";
import type { LayerRecord } from "./backend.js";
import { familiarString, parseNamed, type RepositoriesFile } from "./reference.js";
import type { Store } from "./store.js";

/**
 * Checks the whole store: every layer rebuilt from its files and re-hashed, chainIDs and
 * parent links, image IDs against their content, every tag's target. Holds the writer lock
 * so a concurrent write is not mistaken for damage.
 */
export interface FsckOptions {
  /** Remove what interrupted writes left and set aside an unreadable repositories.json first. */
  repair?: boolean;
}

export function fsck(store: Store, opts: FsckOptions = {}): Promise<string[]> {
  const backend = store.backend;
  return store.withLock(async () => {
    const problems: string[] = [];
    const repaired = opts.repair ? (await backend.repair()).map((r) => `repaired: removed ${r}`) : [];

    let repos: RepositoriesFile | undefined;
    try {
      repos = backend.repositories();
    } catch (e) {
      problems.push((e as Error).message);
    }

    const layers = new Map<Digest, LayerRecord>();
    for (const chainID of backend.layerIDs()) {
      try {
        const rec = backend.layer(chainID);
        if (rec) layers.set(chainID, rec);
        else problems.push(`layer ${chainID}: diff file is missing`);
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    for (const rec of layers.values()) {
      const what = `layer ${rec.chainID}`;
      if (rec.parent) {
        if (!layers.has(rec.parent)) problems.push(`${what}: parent layer ${rec.parent} is missing`);
        const want = sha256Digest(rec.parent + " " + rec.diffID);
        if (want !== rec.chainID) problems.push(`${what}: chainID should be ${want} (parent ${rec.parent}, diffID ${rec.diffID})`);
      } else if (rec.diffID !== rec.chainID) {
        problems.push(`${what}: a base layer's chainID must equal its diffID ${rec.diffID}`);
      }
      problems.push(...(await backend.checkLayer(rec)));
    }

    const images = new Set(backend.imageIDs());
    for (const id of images) {
      const what = `image ${id}`;
      const raw = backend.imageConfig(id);
      if (!raw) continue;
      const actual = sha256Digest(raw);
      if (actual !== id) problems.push(`${what}: config hashes to ${actual}`);
      let diffIDs: Digest[] = [];
      try {
        diffIDs = JSON.parse(raw.toString("utf8"))?.rootfs?.diff_ids ?? [];
        if (!Array.isArray(diffIDs)) throw new Error("rootfs.diff_ids is not a list");
      } catch (e) {
        problems.push(`${what}: config is not a valid image config: ${(e as Error).message}`);
        continue;
      }
      for (const [i, chainID] of chainIDs(diffIDs).entries()) {
        if (!layers.has(chainID)) problems.push(`${what}: layer ${i + 1} (chainID ${chainID}) is missing`);
      }
      const parent = backend.metadata(id, "parent");
      if (parent !== undefined) {
        if (!images.has(parent)) {
          problems.push(`${what}: parent image ${parent} is missing`);
        } else {
          const parentDiffIDs: Digest[] = parentLayers(backend.imageConfig(parent));
          if (parentDiffIDs.length > diffIDs.length || parentDiffIDs.some((d, i) => d !== diffIDs[i])) {
            problems.push(`${what}: parent image ${parent} has layers that are not the start of its own`);
          }
        }
      }
    }

    if (repos) {
      for (const [name, entries] of Object.entries(repos.Repositories)) {
        for (const [ref, id] of Object.entries(entries)) {
          let ok = false;
          try {
            const parsed = parseNamed(ref);
            ok = parsed.name === name && familiarString(parsed) === ref && (parsed.tag !== undefined || parsed.digest !== undefined);
          } catch {
            ok = false;
          }
          if (!ok) problems.push(`repositories.json: ${JSON.stringify(ref)} under ${JSON.stringify(name)} is not a valid reference`);
          if (!images.has(id)) problems.push(`repositories.json: ${ref} points to missing image ${id}`);
        }
      }
    }

    problems.push(...(await backend.checkLayout()));
    return [...repaired, ...problems];
  });
}

function parentLayers(raw: Buffer | undefined): Digest[] {
  try {
    const d = raw ? JSON.parse(raw.toString("utf8"))?.rootfs?.diff_ids : [];
    return Array.isArray(d) ? d : [];
  } catch {
    return [];
  }
}
