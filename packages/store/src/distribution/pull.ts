import { chainIDs, type Digest } from "@tsbuild/image";
import type { LayerRecord } from "../backend.js";
import { Store, validateConfig } from "../store.js";
import type { ImageStore } from "../types.js";
import { addPulledReferences } from "./refs.js";

/** A layer of a pulled image: its blob, already verified, and how to read it as a tar. */
export interface PulledLayer {
  diffID: Digest;
  /** The blob's digest as the manifest lists it (recorded under distribution/). */
  compressedDigest: Digest;
  /** The uncompressed layer tar. */
  open(): AsyncIterable<Uint8Array> | Promise<AsyncIterable<Uint8Array>>;
}

export interface PulledImage {
  config: Buffer;
  layers: PulledLayer[];
  /** Docker's full repository name, e.g. `docker.io/library/alpine` (v2metadata SourceRepository). */
  sourceRepository: string;
  /** `name:tag` and `name@sha256:…` to point at the image. */
  references: string[];
  /** Progress: a layer starts being written, then is written. Not called for layers already stored. */
  onLayer?: (index: number, event: "extracting" | "complete") => void;
}

/**
 * Writes a pulled image: layers (each checked against the config's diffID), the config, the
 * references. All under the writer lock; when anything fails, the layers this call created are
 * removed again, so a bad pull leaves the store as it was (Docker would keep them).
 */
export function writePulledImage(store: ImageStore, img: PulledImage): Promise<Digest> {
  if (!(store instanceof Store)) throw new Error("writePulledImage needs a store made by openStore or memoryStore");
  const diffIDs = validateConfig(img.config);
  if (diffIDs.length !== img.layers.length) {
    throw new Error(`the manifest lists ${img.layers.length} layers but the image config has ${diffIDs.length} diffIDs`);
  }
  const chain = chainIDs(diffIDs);
  return store.withLock(async () => {
    const created: LayerRecord[] = [];
    try {
      for (const [i, layer] of img.layers.entries()) {
        if (layer.diffID !== diffIDs[i]) throw new Error(`layer ${i} diffID ${layer.diffID} is not the config's ${diffIDs[i]}`);
        if (store.backend.layer(chain[i])) continue;
        img.onLayer?.(i, "extracting");
        const stored = await store.putLayer(await layer.open(), i === 0 ? null : chain[i - 1], {
          expectDiffID: diffIDs[i],
          compressedDigest: layer.compressedDigest,
          sourceRepository: img.sourceRepository,
        });
        const rec = store.backend.layer(stored.chainID);
        if (rec) created.push(rec);
        img.onLayer?.(i, "complete");
      }
      const id = await store.putImage(img.config);
      await addPulledReferences(store, id, img.references);
      return id;
    } catch (e) {
      for (const rec of created.reverse()) await store.backend.removeLayer(rec).catch(() => undefined);
      throw e;
    }
  });
}
