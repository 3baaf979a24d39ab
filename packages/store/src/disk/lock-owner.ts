import { readFileSync } from "node:fs";
import { hostname } from "node:os";

/** Who holds a root's lock: written into the lock directory by the process that made it. */
export interface LockOwner {
  pid: number;
  host: string;
  /** /proc/<pid>/stat start time, so a recycled pid is not mistaken for the holder. */
  start: string;
  token: string;
}

export const OWNER_FILE = "owner.json";

/** Field 22 of /proc/<pid>/stat (start time in clock ticks); "" where there is no /proc. */
export function processStart(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    // The command name (field 2) may hold spaces and parentheses: count from the last ")".
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? "";
  } catch {
    return "";
  }
}

export function currentOwner(token: string): LockOwner {
  return { pid: process.pid, host: hostname(), start: processStart(process.pid), token };
}

/**
 * Whether the owner is known to be gone: only a process on this host can be checked, and a
 * pid that is alive but started at another time is another process.
 */
export function ownerIsDead(o: LockOwner): boolean {
  if (o.host !== hostname()) return false;
  try {
    process.kill(o.pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
  const start = processStart(o.pid);
  return start !== "" && o.start !== "" && start !== o.start;
}

export function readOwner(file: string): LockOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(file, "utf8")) as LockOwner;
    return typeof o.pid === "number" && typeof o.host === "string" ? o : undefined;
  } catch {
    return undefined;
  }
}
