import { chainIDs, familiarString, parseNamed, withDefaultTag, type Digest, type Image } from "@tsbuild/image";
import type { LayerRecord } from "./backend.js";
import { InvalidImageError } from "./errors.js";
import { validateConfig, type Store } from "./store.js";
import type { PutLayerOptions } from "./types.js";

export interface WriteImageOptions {
  /** Extra options for the i-th layer's putLayer (a pull's blob digest and source repository). */
  layerOptions?(index: number): PutLayerOptions;
  /** Progress: a layer starts being written, then is written. Not called for layers already stored. */
  onLayer?(index: number, event: "extracting" | "complete"): void;
  /** Points references at the image instead of tagging (a pull writes no lastUpdated). */
  refer?(id: Digest, locked: Store): Promise<void>;
}

/**
 * The one way an image gets into a store, whatever it is (built-in, loaded, pulled, copied from
 * another store): under the writer lock, each layer the store lacks is ingested and checked
 * against the config's diffID, then the config is written and the tags set. Tags are parsed before
 * anything is written; when a write fails, the layers this call created are removed again, so a
 * bad image leaves the store as it was.
 */
export async function writeImageTo(store: Store, image: Image, tags: readonly string[], opts: WriteImageOptions = {}): Promise<Digest> {
  const named = uniqueTags(tags);
  return store.withLock(async (store) => {
    const raw = await image.rawConfig();
    const diffIDs = validateConfig(raw);
    const layers = await image.layers();
    if (layers.length !== diffIDs.length) {
      throw new InvalidImageError(`the image has ${layers.length} layers but its config lists ${diffIDs.length} diffIDs`);
    }
    const chain = chainIDs(diffIDs);
    const created: LayerRecord[] = [];
    try {
      for (const [i, layer] of layers.entries()) {
        if (store.backend.layer(chain[i])) continue;
        opts.onLayer?.(i, "extracting");
        const stored = await store.putLayer(await layer.open(), i === 0 ? null : chain[i - 1], {
          expectDiffID: diffIDs[i],
          ...opts.layerOptions?.(i),
        });
        const rec = store.backend.layer(stored.chainID);
        if (rec) created.push(rec);
        opts.onLayer?.(i, "complete");
      }
      const id = await store.putImage(raw);
      if (opts.refer) await opts.refer(id, store);
      for (const tag of named) await store.tag(tag, id);
      return id;
    } catch (e) {
      for (const rec of created.reverse()) await store.backend.removeLayer(rec).catch(() => undefined);
      throw e;
    }
  });
}

/** Each tag once, in the order given: "busybox" and "busybox:latest" are one tag. */
function uniqueTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const tag of tags) {
    const key = familiarString(withDefaultTag(parseNamed(tag)));
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  return out;
}
