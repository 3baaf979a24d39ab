import { chainIDs, lazy, sha256Digest, type Digest, type ImageConfigFile } from "@tsbuild/image";
import type { Backend, LayerRecord } from "./backend.js";
import type { StoredImage, StoredLayer } from "./types.js";

export function storedLayer(backend: Backend, rec: LayerRecord): StoredLayer {
  return {
    chainID: rec.chainID,
    cacheID: rec.cacheID,
    ...(rec.parent ? { parent: rec.parent } : {}),
    diffID: async () => rec.diffID,
    size: async () => rec.size,
    tarSize: () => backend.tarSize(rec),
    open: async () => backend.openLayer(rec),
    chunks: async (maxBytes) => (backend.layerChunks ? backend.layerChunks(rec, maxBytes) : undefined),
    hollow: async () => backend.layerHollow?.(rec),
  };
}

/** An image of the store: config bytes read once; layers looked up by chainID when asked. */
export function storedImage(backend: Backend, id: Digest, raw: Buffer, parent: Digest | undefined): StoredImage {
  verifyConfig(backend, id, raw);
  const config = lazy(async () => {
    try {
      return JSON.parse(raw.toString("utf8")) as ImageConfigFile;
    } catch (e) {
      throw new DamagedImageError(`image ${id}: ${backend.configLocation(id)} is not a valid image config (${(e as Error).message}); run \`tsbuild fsck\``);
    }
  });
  return {
    ...(parent ? { parent } : {}),
    id: async () => id,
    rawConfig: async () => raw,
    config,
    layers: lazy(async () => {
      const cfg = await config();
      return chainIDs(cfg.rootfs?.diff_ids ?? []).map((c, i, all) => {
        const rec = backend.layer(c);
        if (!rec) throw new Error(`image ${id}: layer ${c} is not in the store`);
        // The layer store's own links must agree with the chain, or its records were damaged.
        if ((rec.parent ?? null) !== (i ? all[i - 1] : null)) {
          throw new DamagedImageError(
            `image ${id}: layer ${c} records parent ${rec.parent ?? "none"}, not ${i ? all[i - 1] : "none"} (its layerdb parent file is damaged); run \`tsbuild fsck\``,
          );
        }
        return storedLayer(backend, rec);
      });
    }),
  };
}

/** A config whose bytes no longer hash to the image's ID: the store was damaged or tampered with. */
export class DamagedImageError extends Error {}

/**
 * Docker's image store verifies every config against its digest when it reads it and refuses
 * one that does not match; so do inspect, FROM and save here, naming the file.
 */
export function verifyConfig(backend: Backend, id: Digest, raw: Buffer): void {
  const actual = sha256Digest(raw);
  if (actual !== id) {
    throw new DamagedImageError(
      `image ${id}: its config ${backend.configLocation(id)} hashes to ${actual}, not to the image ID (damaged or tampered with); run \`tsbuild fsck\`, then rebuild or re-load the image`,
    );
  }
}
