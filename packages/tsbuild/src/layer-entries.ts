import { layerEntries, type Digest, type Layer, type LayerEntry } from "@tsbuild/image";

/**
 * A layer's entries, remembered by diffID: the diffID is the hash of the tar, so the entries
 * never change, and a test suite that builds on the same base many times reads that base once.
 */
const cache = new Map<Digest, Promise<LayerEntry[]>>();
const CACHE_LIMIT = 64;

export async function entriesOf(layer: Layer): Promise<LayerEntry[]> {
  const diffID = await layer.diffID();
  let entries = cache.get(diffID);
  if (entries) {
    // Refresh its place: the map's order is the eviction order.
    cache.delete(diffID);
  } else {
    entries = readEntries(layer);
    // A failed read is not remembered.
    entries.catch(() => cache.delete(diffID));
  }
  cache.set(diffID, entries);
  while (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return entries;
}

async function readEntries(layer: Layer): Promise<LayerEntry[]> {
  return layerEntries(await layer.open());
}
