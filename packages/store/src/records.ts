import type { BuildRecord, Digest } from "@tsbuild/image";
import type { ImageStore } from "./types.js";

/**
 * The build record behind each history entry of an image (same index as config.history): every
 * committed image adds one entry, so entry N-1-k (of N) was made by the image k parents up.
 * `recordFor` (a build that just ran) is asked first, then the store's own records; entries of
 * images no build recorded (an imported or built-in base) have none.
 */
export function historyRecords(
  store: ImageStore,
  id: Digest,
  historyLength: number,
  recordFor?: (id: Digest) => BuildRecord | undefined,
): Array<BuildRecord | undefined> {
  const records: Array<BuildRecord | undefined> = new Array(historyLength).fill(undefined);
  let current: Digest | undefined = id;
  for (let up = 0; up < historyLength && current; up++) {
    records[historyLength - 1 - up] = recordFor?.(current) ?? store.getBuildRecord(current);
    current = store.parentOf(current);
  }
  return records;
}
