import { chainIDs, lazy, type Digest, type ImageConfigFile } from "@tsbuild/image";
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
  };
}

/** An image of the store: config bytes read once; layers looked up by chainID when asked. */
export function storedImage(backend: Backend, id: Digest, raw: Buffer, parent: Digest | undefined): StoredImage {
  const config = lazy(async () => JSON.parse(raw.toString("utf8")) as ImageConfigFile);
  return {
    ...(parent ? { parent } : {}),
    id: async () => id,
    rawConfig: async () => raw,
    config,
    layers: lazy(async () => {
      const cfg = await config();
      return chainIDs(cfg.rootfs?.diff_ids ?? []).map((c) => {
        const rec = backend.layer(c);
        if (!rec) throw new Error(`image ${id}: layer ${c} is not in the store`);
        return storedLayer(backend, rec);
      });
    }),
  };
}
