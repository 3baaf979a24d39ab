import type { BuildRecord, Digest } from "@tsbuild/image";
import type { ImageStore } from "@tsbuild/store";

/** The builder hands a store that has these methods the record of every image it commits. */
interface RecordKeeping {
  putBuildRecord(id: Digest, record: BuildRecord): Promise<void>;
  getBuildRecord(id: Digest): BuildRecord | undefined;
}

/**
 * Records kept here for stores that do not keep them: per store object, so a store reused
 * across builds still knows, for a cached step, the step that first made the image.
 */
const kept = new WeakMap<ImageStore, Map<Digest, BuildRecord>>();

/**
 * The store as the builder should see it: every method forwarded, and the builder's records
 * kept — by the store itself when it can, else here.
 */
export function recordingStore(store: ImageStore): ImageStore {
  const own = store as ImageStore & Partial<RecordKeeping>;
  return new Proxy(store, {
    get(target, prop) {
      if (prop === "putBuildRecord") {
        return async (id: Digest, record: BuildRecord) => {
          if (own.putBuildRecord) await own.putBuildRecord(id, record);
          else keptFor(store).set(id, record);
        };
      }
      if (prop === "getBuildRecord") return (id: Digest) => recordOf(store, id);
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as ImageStore & RecordKeeping;
}

export function recordOf(store: ImageStore, id: Digest): BuildRecord | undefined {
  return (store as ImageStore & Partial<RecordKeeping>).getBuildRecord?.(id) ?? kept.get(store)?.get(id);
}

/**
 * The record behind each history entry of an image found in the store: every committed image
 * adds one entry, so entry N-1-k (of N) was made by the image k parents up. Entries from images
 * no build recorded (an imported or built-in base) have none.
 */
export function storedHistoryRecords(store: ImageStore, id: Digest, historyLength: number): Array<BuildRecord | undefined> {
  const records: Array<BuildRecord | undefined> = new Array(historyLength).fill(undefined);
  let current: Digest | undefined = id;
  for (let up = 0; up < historyLength && current; up++) {
    records[historyLength - 1 - up] = recordOf(store, current);
    current = store.parentOf(current);
  }
  return records;
}

/**
 * The same for the image a build just made, from the records the build returned (as that build
 * made each image, cached ones included). Below them the base image starts, and its entries stay
 * unattributed even when another build of this store made it.
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

function keptFor(store: ImageStore): Map<Digest, BuildRecord> {
  let map = kept.get(store);
  if (!map) kept.set(store, (map = new Map()));
  return map;
}
