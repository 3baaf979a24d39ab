import { Worker } from "node:worker_threads";

/**
 * A last resort for a step whose JavaScript never yields and never reaches a `checkStep()` (a
 * model's or an applet's own loop, a huge sort): a timer on another thread that, unless the
 * main thread disarms it first, prints the step's failure, releases the store locks this
 * process holds and kills the process.
 *
 * Killing is the only safe stop (see step-guard.ts: V8's TerminateExecution from another thread
 * aborts Node here), and SIGKILL is the only signal a stuck main thread cannot ignore (Node runs
 * signal handlers on the main thread). A kill at any point leaves the store as the crash suite
 * proves it can (nothing half-committed; temp entries removed at the next start). Only a
 * process that exists for the build may be killed: the CLI arms it, a library host opts in.
 *
 * Locks: the store registers the lock directories it holds under a global symbol (a contract
 * between packages that never import each other); the worker removes each one that still names
 * its holder's token, so a waiter on another host need not wait for the lock to go stale.
 */
const SOURCE = `
const { parentPort } = require("node:worker_threads");
const fs = require("node:fs");
const armed = new Map();
parentPort.on("message", (m) => {
  if (m.op === "arm") armed.set(m.id, setTimeout(() => fire(m), m.afterMs));
  else { clearTimeout(armed.get(m.id)); armed.delete(m.id); }
});
function fire(m) {
  try { fs.writeSync(2, m.message + "\\n"); } catch {}
  for (const [path, token] of m.locks) {
    try {
      const owner = JSON.parse(fs.readFileSync(path + "/owner.json", "utf8"));
      if (owner.token === token) fs.rmSync(path, { recursive: true, force: true });
    } catch {}
  }
  process.kill(m.pid, "SIGKILL");
}
`;

/** Where the store keeps the lock directories this process holds (path → token). */
export const HELD_LOCKS = Symbol.for("tsbuild.heldLocks");

let worker: Worker | undefined;
let nextId = 0;

function watchdog(): Worker {
  if (worker) return worker;
  // The source is CommonJS: the process's own flags (node --input-type=module) must not apply.
  worker = new Worker(SOURCE, { eval: true, execArgv: [] });
  worker.on("error", () => (worker = undefined));
  // Never what keeps Node alive: an idle build process exits as it would without it.
  worker.unref();
  return worker;
}

/** How long past its time limit a step may take to stop by itself before the process is killed. */
export function watchdogGraceMs(timeoutMs: number): number {
  return Math.min(60_000, Math.max(2_000, Math.round(timeoutMs / 4)));
}

export interface Watchdog {
  disarm(): void;
}

/**
 * Arms the watchdog: unless disarmed within `afterMs`, `message` goes to stderr and the process
 * is killed (exit status 137, as Docker reports a killed container).
 */
export function armWatchdog(afterMs: number, message: string): Watchdog {
  const id = ++nextId;
  const held = (globalThis as { [HELD_LOCKS]?: Map<string, string> })[HELD_LOCKS];
  const w = watchdog();
  w.postMessage({ op: "arm", id, afterMs, message, pid: process.pid, locks: [...(held ?? [])] });
  let done = false;
  return {
    disarm() {
      if (done) return;
      done = true;
      w.postMessage({ op: "disarm", id });
    },
  };
}
