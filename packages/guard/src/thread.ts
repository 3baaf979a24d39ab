import { Worker } from "node:worker_threads";

/**
 * What must go on while the main thread is busy, in one thread per process: keeping the store
 * locks it holds fresh (a waiter on another host judges a lock by its mtime) and the step watchdog
 * (a RUN stuck in JavaScript that never yields is killed past its limit). One thread, because
 * starting one is a whole Node environment: two of them were a tenth of a small build.
 *
 * The source is CommonJS: the process's own flags (node --input-type=module) must not apply.
 */
const SOURCE = `
const { parentPort } = require("node:worker_threads");
const fs = require("node:fs");
const held = new Map();
const armed = new Map();
let every = Infinity;
let refresher;
parentPort.on("message", (m) => {
  switch (m.op) {
    case "hold":
      held.set(m.path, m.token);
      if (m.interval < every) {
        every = m.interval;
        clearInterval(refresher);
        refresher = setInterval(refresh, every);
      }
      break;
    case "release":
      held.delete(m.path);
      break;
    case "arm":
      armed.set(m.id, setTimeout(() => fire(m), m.afterMs));
      break;
    case "disarm":
      clearTimeout(armed.get(m.id));
      armed.delete(m.id);
      break;
  }
});
function ownerToken(path) {
  return JSON.parse(fs.readFileSync(path + "/owner.json", "utf8")).token;
}
function refresh() {
  const now = new Date();
  for (const [path, token] of held) {
    try {
      if (ownerToken(path) !== token) throw new Error("the lock now names another holder");
      fs.utimesSync(path, now, now);
    } catch (e) {
      held.delete(path);
      parentPort.postMessage({ path, error: String(e && e.message || e) });
    }
  }
}
function fire(m) {
  try { fs.writeSync(2, m.message + "\\n"); } catch {}
  // A waiter on another host need not wait for these to go stale.
  for (const [path, token] of m.locks) {
    try {
      if (ownerToken(path) === token) fs.rmSync(path, { recursive: true, force: true });
    } catch {}
  }
  process.kill(m.pid, "SIGKILL");
}
`;

export type GuardMessage =
  | { op: "hold"; path: string; token: string; interval: number }
  | { op: "release"; path: string }
  | { op: "arm"; id: number; afterMs: number; message: string; pid: number; locks: [string, string][] }
  | { op: "disarm"; id: number };

let worker: Worker | undefined;
const listeners = new Set<(m: { path: string; error: string }) => void>();

/** Started on first use; never what keeps an idle process alive. */
export function post(m: GuardMessage): void {
  if (!worker) {
    const w = new Worker(SOURCE, { eval: true, execArgv: [] });
    w.on("message", (reply: { path: string; error: string }) => {
      for (const l of listeners) l(reply);
    });
    w.on("error", () => {
      if (worker === w) worker = undefined;
    });
    w.unref();
    worker = w;
  }
  worker.postMessage(m);
}

/** Whether the thread has been started (a message posted). */
export function started(): boolean {
  return worker !== undefined;
}

export function onLockLost(l: (m: { path: string; error: string }) => void): void {
  listeners.add(l);
}
