import { guardStarted, heldLocks, refreshLock, stopRefreshingLock } from "@tsbuild/guard";

/**
 * Held lock directories' mtimes are refreshed from the guard thread, so a holder whose main
 * thread is busy (a RUN hashing 1.5 GB synchronously) still looks alive to processes that can only
 * judge it by time (another host on a shared filesystem). The thread also checks that the lock
 * still names its holder, and says so when it does not.
 */

/**
 * How long an on-demand holder goes without the thread: starting it is a whole Node environment
 * (12 ms of a 70 ms cached build), and most critical sections (a cached build, a tag) end sooner.
 */
const ON_DEMAND_GRACE_MS = 200;
/** On-demand locks not yet handed to the thread (path → token and interval). */
const waiting = new Map<string, { token: string; interval: number; timer: NodeJS.Timeout }>();
/** Locks the thread refreshes. */
const handed = new Set<string>();

/**
 * onDemand: the holder calls keepLocksFresh() before work that may keep its main thread busy;
 * until then, or until the lock has been held ON_DEMAND_GRACE_MS and the event loop turns, no
 * thread is started for it (the lock was made a moment ago, so it is fresh).
 */
export function startRefreshing(path: string, token: string, interval: number, onDemand = false): void {
  heldLocks.set(path, token);
  if (!onDemand || guardStarted()) {
    hand(path, token, interval);
    return;
  }
  const timer = setTimeout(keepLocksFresh, ON_DEMAND_GRACE_MS);
  timer.unref();
  waiting.set(path, { token, interval, timer });
}

/** Hands every held on-demand lock to the guard thread (started now if need be). */
export function keepLocksFresh(): void {
  for (const [path, { token, interval, timer }] of waiting) {
    clearTimeout(timer);
    hand(path, token, interval);
  }
  waiting.clear();
}

function hand(path: string, token: string, interval: number): void {
  handed.add(path);
  refreshLock(path, token, interval);
}

/** Stops refreshing; returns why the lock was lost, if it was. */
export function stopRefreshing(path: string): string | undefined {
  heldLocks.delete(path);
  const pending = waiting.get(path);
  if (pending) clearTimeout(pending.timer);
  waiting.delete(path);
  // Called again on the way out (a lock never handed over must not start the thread to release).
  return handed.delete(path) ? stopRefreshingLock(path) : undefined;
}
