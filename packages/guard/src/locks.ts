import { onLockLost, post } from "./thread.js";

/**
 * The store locks this process holds (path → token), under a global symbol so that two copies of
 * this module in one process (a library beside the bundled CLI) still agree: the watchdog removes
 * them before it kills a process stuck in a step.
 */
const HELD_LOCKS = Symbol.for("tsbuild.heldLocks");
export const heldLocks: Map<string, string> = ((globalThis as { [HELD_LOCKS]?: Map<string, string> })[HELD_LOCKS] ??= new Map());

const lost = new Map<string, string>();
onLockLost((m) => lost.set(m.path, m.error));

/** From now on the guard thread refreshes the lock's mtime every intervalMs, while it names token. */
export function refreshLock(path: string, token: string, intervalMs: number): void {
  lost.delete(path);
  post({ op: "hold", path, token, interval: intervalMs });
}

/** Stops refreshing; returns why the lock was lost, if it was. */
export function stopRefreshingLock(path: string): string | undefined {
  post({ op: "release", path });
  const why = lost.get(path);
  lost.delete(path);
  return why;
}
