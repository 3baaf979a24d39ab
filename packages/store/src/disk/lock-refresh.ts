import { Worker } from "node:worker_threads";

/**
 * Refreshes held lock directories' mtimes from a worker thread, so a holder whose main thread
 * is busy (a RUN hashing 1.5 GB synchronously) still looks alive to processes that can only
 * judge it by time (another host on a shared filesystem). The worker also checks that the lock
 * still names its holder, and says so when it does not.
 */
const SOURCE = `
const { parentPort } = require("node:worker_threads");
const fs = require("node:fs");
const held = new Map();
parentPort.on("message", (m) => {
  if (m.op === "hold") held.set(m.path, m.token);
  else held.delete(m.path);
});
setInterval(() => {
  const now = new Date();
  for (const [path, token] of held) {
    try {
      const owner = JSON.parse(fs.readFileSync(path + "/owner.json", "utf8"));
      if (owner.token !== token) throw new Error("the lock now names another holder");
      fs.utimesSync(path, now, now);
    } catch (e) {
      held.delete(path);
      parentPort.postMessage({ path, error: String(e && e.message || e) });
    }
  }
}, INTERVAL);
`;

let worker: Worker | undefined;
const lost = new Map<string, string>();

/**
 * The locks this process holds (path → token), under a global symbol: the shell's watchdog
 * (which never imports the store) removes them before it kills a process stuck in a step.
 */
const HELD_LOCKS = Symbol.for("tsbuild.heldLocks");
const held: Map<string, string> = ((globalThis as { [HELD_LOCKS]?: Map<string, string> })[HELD_LOCKS] ??= new Map());

function refresher(interval: number): Worker {
  if (worker) return worker;
  // The source is CommonJS: the process's own flags (node --input-type=module) must not apply.
  worker = new Worker(SOURCE.replace("INTERVAL", String(interval)), { eval: true, execArgv: [] });
  worker.on("message", (m: { path: string; error: string }) => lost.set(m.path, m.error));
  worker.on("error", () => (worker = undefined));
  // A held lock is released by the code holding it; the worker must not keep Node alive.
  worker.unref();
  return worker;
}

export function startRefreshing(path: string, token: string, interval: number): void {
  lost.delete(path);
  held.set(path, token);
  refresher(interval).postMessage({ op: "hold", path, token });
}

/** Stops refreshing; returns why the lock was lost, if it was. */
export function stopRefreshing(path: string): string | undefined {
  held.delete(path);
  worker?.postMessage({ op: "release", path });
  const why = lost.get(path);
  lost.delete(path);
  return why;
}
