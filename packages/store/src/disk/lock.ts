import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { serialized } from "../lock.js";
import { OWNER_FILE, currentOwner, ownerIsDead, readOwner } from "./lock-owner.js";
import { startRefreshing, stopRefreshing } from "./lock-refresh.js";
import type { LockOptions } from "../types.js";

/** A lock whose holder cannot be checked (another host, no owner file) is stale after this long unrefreshed. */
const STALE_MS = Number(process.env.TSBUILD_LOCK_STALE_MS) || 10_000;
/** A lock directory made a moment ago may not have its owner file yet. */
const OWNERLESS_GRACE_MS = 2_000;
/** Long enough for a big layer import queued behind another writer. */
const WAIT_LIMIT_MS = 15 * 60_000;

/**
 * Runs fn holding the root's writer lock: first the in-process queue, then a lock directory
 * (mkdir is atomic across processes) naming its holder. A holder on this host keeps the lock
 * for as long as its process lives, whatever its event loop does; a dead holder's lock is taken
 * over at once. The directory's mtime is refreshed from a worker thread for waiters that can
 * judge it only by time (with refreshOnDemand, from when the holder asks or a moment has passed).
 */
export function withRootLock<T>(root: string, lockPath: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  return serialized(root, async () => {
    await mkdir(root, { recursive: true });
    const token = randomBytes(12).toString("hex");
    await acquire(root, lockPath, token);
    startRefreshing(lockPath, token, Math.max(200, Math.floor(STALE_MS / 4)), opts.refreshOnDemand === true);
    let lostWhy: string | undefined;
    try {
      const result = await fn();
      lostWhy = stopRefreshing(lockPath);
      if (lostWhy || readOwner(join(lockPath, OWNER_FILE))?.token !== token) {
        throw new Error(`the store lock ${lockPath} was lost during the operation: ${lostWhy ?? "another process took it"}`);
      }
      return result;
    } finally {
      lostWhy ??= stopRefreshing(lockPath);
      if (readOwner(join(lockPath, OWNER_FILE))?.token === token) await rm(lockPath, { recursive: true, force: true });
    }
  });
}

async function acquire(root: string, lockPath: string, token: string): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  let delay = 20;
  for (;;) {
    try {
      await mkdir(lockPath);
      await writeFile(join(lockPath, OWNER_FILE), JSON.stringify(currentOwner(token)));
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new Error(`cannot lock the store at ${root}: ${(e as Error).message}`);
    }
    if (await isStale(lockPath)) {
      await breakLock(lockPath);
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`cannot lock the store at ${root}: ${lockPath} is held by ${describe(lockPath)} (waited ${WAIT_LIMIT_MS / 60_000} minutes)`);
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(500, Math.ceil(delay * 1.3));
  }
}

async function isStale(lockPath: string): Promise<boolean> {
  let mtime: number;
  try {
    mtime = (await stat(lockPath)).mtimeMs;
  } catch {
    return false; // gone already: the next mkdir will tell
  }
  const owner = readOwner(join(lockPath, OWNER_FILE));
  if (owner) {
    if (ownerIsDead(owner)) return true;
    // Alive on this host: never stale, however long since the last refresh.
    if (owner.host === currentOwner("").host) return false;
    return Date.now() - mtime > STALE_MS;
  }
  return Date.now() - mtime > Math.min(STALE_MS, OWNERLESS_GRACE_MS);
}

/**
 * Moves the stale lock aside under a unique name (atomic: of several waiters that judged it
 * stale only one moves it) and removes it; the others retry mkdir.
 */
async function breakLock(lockPath: string): Promise<void> {
  const aside = `${lockPath}.stale-${randomBytes(6).toString("hex")}`;
  try {
    const before = readOwner(join(lockPath, OWNER_FILE))?.token;
    await rename(lockPath, aside);
    // Another waiter may have broken the stale lock and taken a fresh one in between: put it back.
    const moved = readOwner(join(aside, OWNER_FILE))?.token;
    if (moved !== before && moved !== undefined) {
      await rename(aside, lockPath).catch(() => undefined);
      return;
    }
  } catch {
    return;
  }
  await rm(aside, { recursive: true, force: true });
}

function describe(lockPath: string): string {
  const o = readOwner(join(lockPath, OWNER_FILE));
  return o ? `process ${o.pid} on ${o.host}` : "an unknown process";
}

/** Lock directories moved aside by a breaker that died before removing them. */
export async function removeStaleLockLeftovers(root: string, lockName: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith(`${lockName}.stale-`)) await rm(join(root, n), { recursive: true, force: true });
}
