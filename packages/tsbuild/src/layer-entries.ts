import { createHash } from "node:crypto";
import { forEachChunkEntry } from "@tsbuild/archive";
import { isFileTypeflag, layerEntryOf, type Digest, type Layer, type LayerEntry } from "@tsbuild/image";

/**
 * A layer's entries, remembered by diffID: the diffID is the hash of the tar, so the entries
 * never change, and a test suite that builds on the same base many times lists that base once.
 */
const cache = new Map<Digest, LayerEntry[]>();
const CACHE_LIMIT = 64;

/** The layer's bytes as the chunks its store holds (a memory store hands over its own buffers). */
export async function layerChunks(layer: Layer): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const c of await layer.open()) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array));
  return chunks;
}

/** The entries of this diffID when they are remembered (then its bytes need not be read). */
export function knownEntries(diffID: Digest): LayerEntry[] | undefined {
  const entries = cache.get(diffID);
  if (entries) remember(diffID, entries); // refresh its place: the map's order is the eviction order
  return entries;
}

/**
 * The entries of the layer whose tar is `chunks`, in the shape of @tsbuild/image's layerEntries,
 * listed synchronously from the chunks as they are, and remembered by diffID.
 */
export function entriesFromChunks(diffID: Digest, chunks: readonly Buffer[]): LayerEntry[] {
  const entries = knownEntries(diffID) ?? listEntries(chunks);
  remember(diffID, entries);
  return entries;
}

function remember(diffID: Digest, entries: LayerEntry[]): void {
  cache.delete(diffID);
  cache.set(diffID, entries);
  while (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
}

/** An async form for callers that hold a Layer. */
export async function entriesOf(layer: Layer): Promise<LayerEntry[]> {
  const diffID = await layer.diffID();
  return knownEntries(diffID) ?? entriesFromChunks(diffID, await layerChunks(layer));
}

/** Conformance-shaped entries ("./" stripped, no trailing "/", size + sha256 for files): layerEntries' rules. */
export function listEntries(chunks: readonly Buffer[]): LayerEntry[] {
  const out: LayerEntry[] = [];
  forEachChunkEntry(chunks, (e) => {
    let sha256: string | undefined;
    if (isFileTypeflag(e.typeflag)) {
      const h = createHash("sha256");
      for (const c of e.data) h.update(c);
      sha256 = h.digest("hex");
    }
    out.push(layerEntryOf(e, sha256));
  });
  return out;
}
