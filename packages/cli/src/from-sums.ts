import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FromSum, FromSums } from "@tsbuild/builder";

/**
 * The builder's COPY --from source hashes, kept between builds under the store root (one small
 * file per key, `tsbuild/from-sums/<key>.json`): a warm multi-stage build then reads no stage's or
 * image's files to probe its cache. The key names layers and patterns, so an entry is never
 * stale; an unreadable one is ignored and written again. Concurrent builds write the same bytes.
 */
export function storeFromSums(root: string): FromSums {
  const dir = join(root, "tsbuild", "from-sums");
  return {
    get(key) {
      try {
        const v = JSON.parse(readFileSync(join(dir, `${key}.json`), "utf8")) as Partial<FromSum>;
        return typeof v.hash === "string" && Number.isInteger(v.count) ? { hash: v.hash, count: v.count! } : undefined;
      } catch {
        return undefined;
      }
    },
    set(key, sum) {
      try {
        mkdirSync(dir, { recursive: true });
        const temp = join(dir, `${key}.${process.pid}.tmp`);
        writeFileSync(temp, JSON.stringify(sum));
        renameSync(temp, join(dir, `${key}.json`));
      } catch {
        // A cache: a store that cannot take it builds as before.
      }
    },
  };
}
