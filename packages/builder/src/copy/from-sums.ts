import { createHash } from "node:crypto";

/**
 * What COPY --from works out from the source filesystem before the cache probe: the hash in
 * `COPY <hash> in <dest>` and how many sources matched. Both depend only on that filesystem's
 * layers and the source patterns, so a warm build that finds them here need not materialise a
 * stage's or an image's filesystem at all (it would only have hashed the same files again).
 */
export interface FromSum {
  hash: string;
  count: number;
}

export interface FromSums {
  get(key: string): FromSum | undefined;
  set(key: string, sum: FromSum): void;
}

/** The key: the layers' diffIDs (the filesystem is a function of them) and the patterns as written. */
export function fromSumKey(diffIDs: readonly string[], patterns: readonly string[]): string {
  return createHash("sha256").update(JSON.stringify([diffIDs, patterns])).digest("hex");
}

const LIMIT = 4096;
const processSums = new Map<string, FromSum>();

/** The default: remembered for the life of the process (a test suite's builds share it). */
export const inProcessFromSums: FromSums = {
  get: (key) => processSums.get(key),
  set(key, sum) {
    processSums.set(key, sum);
    if (processSums.size > LIMIT) processSums.delete(processSums.keys().next().value!);
  },
};
