import type { BuildRecord, Digest } from "@tsbuild/image";
import type { ImageStore } from "@tsbuild/store";

/**
 * The record behind each history entry of the image a build just made, from the records the
 * build returned (as that build made each image, cached ones included; the store's
 * historyRecords serves an image no build here made). Below them the base image starts, and its
 * entries stay unattributed even when another build of this store made it.
 */
export function builtHistoryRecords(store: ImageStore, id: Digest, historyLength: number, built: ReadonlyMap<Digest, BuildRecord>): Array<BuildRecord | undefined> {
  const records: Array<BuildRecord | undefined> = new Array(historyLength).fill(undefined);
  let current: Digest | undefined = id;
  for (let up = 0; up < historyLength && current; up++) {
    const record = built.get(current);
    if (!record) break;
    records[historyLength - 1 - up] = record;
    current = store.parentOf(current);
  }
  return records;
}
