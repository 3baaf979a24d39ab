import { mkdir } from "node:fs/promises";
import lockfile from "proper-lockfile";
import { holds, serialized } from "../lock.js";

/** Long enough for a big layer import queued behind another writer. */
const RETRIES = { retries: 2000, factor: 1.3, minTimeout: 20, maxTimeout: 500 };

/**
 * Runs fn holding the root's writer lock: first the in-process queue, then proper-lockfile's
 * lock directory (mkdir is atomic across processes; the holder refreshes its mtime, so a
 * crashed holder's lock goes stale after `stale` ms and is taken over).
 */
export function withRootLock<T>(root: string, lockPath: string, fn: () => Promise<T>): Promise<T> {
  if (holds(root)) return fn();
  return serialized(root, async () => {
    await mkdir(root, { recursive: true });
    let compromised: Error | undefined;
    const unlock = await lockfile
      .lock(root, {
        lockfilePath: lockPath,
        realpath: false,
        stale: 10_000,
        retries: RETRIES,
        onCompromised: (err) => {
          compromised = err;
        },
      })
      .catch((e: Error) => {
        throw new Error(`cannot lock the store at ${root}: ${e.message}`);
      });
    try {
      const result = await fn();
      if (compromised) throw new Error(`the store lock ${lockPath} was lost during the operation: ${compromised.message}`);
      return result;
    } finally {
      if (!compromised) await unlock().catch(() => undefined);
    }
  });
}
