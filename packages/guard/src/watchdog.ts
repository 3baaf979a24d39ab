import { heldLocks } from "./locks.js";
import { post } from "./thread.js";

export interface Watchdog {
  disarm(): void;
}

let nextId = 0;

/**
 * Arms the watchdog: unless disarmed within `afterMs`, `message` goes to stderr, the store locks
 * this process holds are removed and the process is killed (exit status 137, as Docker reports a
 * killed container). SIGKILL is the only stop a stuck main thread cannot ignore.
 */
export function armWatchdog(afterMs: number, message: string): Watchdog {
  const id = ++nextId;
  post({ op: "arm", id, afterMs, message, pid: process.pid, locks: [...heldLocks] });
  let done = false;
  return {
    disarm() {
      if (done) return;
      done = true;
      post({ op: "disarm", id });
    },
  };
}
