import { imageFrom, layerFrom, type Digest } from "@tsbuild/image";
import { Store, validateConfig } from "../store.js";
import type { ImageStore } from "../types.js";
import { writeImageTo } from "../write-image.js";
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
 * Writes a pulled image through the store's one writeImage: layers (each checked against the
 * config's diffID, its blob digest recorded under distribution/), the config, the references
 * (without lastUpdated, as Docker's pull). When anything fails, the layers this call created are
 * removed again, so a bad pull leaves the store as it was (Docker would keep them).
 */
export function writePulledImage(store: ImageStore, img: PulledImage): Promise<Digest> {
  if (!(store instanceof Store)) throw new Error("writePulledImage needs a store made by openStore or memoryStore");
  const diffIDs = validateConfig(img.config);
  if (diffIDs.length !== img.layers.length) {
    throw new Error(`the manifest lists ${img.layers.length} layers but the image config has ${diffIDs.length} diffIDs`);
  }
  for (const [i, layer] of img.layers.entries()) {
    if (layer.diffID !== diffIDs[i]) throw new Error(`layer ${i} diffID ${layer.diffID} is not the config's ${diffIDs[i]}`);
  }
  const image = imageFrom({
    rawConfig: () => img.config,
    layers: () => img.layers.map((l) => layerFrom({ open: () => l.open(), diffID: () => l.diffID })),
  });
  return writeImageTo(store, image, [], {
    layerOptions: (i) => ({ compressedDigest: img.layers[i].compressedDigest, sourceRepository: img.sourceRepository }),
    onLayer: img.onLayer,
    refer: (id, locked) => addPulledReferences(locked, id, img.references),
  });
}
