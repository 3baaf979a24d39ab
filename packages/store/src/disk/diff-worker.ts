import { Worker } from "node:worker_threads";
import { diffOps } from "./diff-ops.js";

/** Bytes copied into one message before it is sent (and its buffer transferred, not copied). */
const BATCH_BYTES = 1 << 20;
/** Operations in one message: a layer of tiny files is sent in batches too. */
const BATCH_OPS = 1024;
/** Messages the worker may have queued before the main thread waits for it (bounds memory). */
const IN_FLIGHT = 4;

type Op =
  | [op: "dir", rel: string, mode: number]
  | [op: "open", rel: string, mode: number]
  | [op: "data", offset: number, length: number]
  | [op: "close"]
  | [op: "link", target: string, rel: string]
  | [op: "symlink", linkname: string, rel: string];

// CommonJS, evaluated in the worker: the operations are diffOps itself, by its source text.
const SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const ops = (${diffOps.toString()})(require("node:fs"), require("node:path"), workerData.root, workerData.dirs);
let failed = false;
parentPort.on("message", (m) => {
  if (!failed) {
    try {
      const buf = m.buf && Buffer.from(m.buf);
      for (const op of m.ops) {
        switch (op[0]) {
          case "dir": ops.dir(op[1], op[2]); break;
          case "open": ops.open(op[1], op[2]); break;
          case "data": ops.data(buf.subarray(op[1], op[1] + op[2])); break;
          case "close": ops.close(); break;
          case "link": ops.link(op[1], op[2]); break;
          case "symlink": ops.symlink(op[1], op[2]); break;
        }
      }
    } catch (e) {
      failed = true;
      try { ops.abandon(); } catch {}
      parentPort.postMessage({ error: { message: String(e && e.message || e), code: e && e.code } });
      return;
    }
  }
  // The batch's buffer goes back to be filled again: no new 4 MiB buffer per batch, whose
  // memory would wait for this thread's garbage collector.
  if (m.buf) parentPort.postMessage({ done: true, end: m.end === true, buf: m.buf }, [m.buf]);
  else parentPort.postMessage({ done: true, end: m.end === true });
});
`;

/**
 * The same operations as diffOps, carried out by a worker thread in the order given. Data is
 * copied into batch buffers that are transferred to the worker; the caller waits only when
 * the worker is IN_FLIGHT batches behind. The first failure is reported by the next call.
 */
export class DiffWorker {
  private readonly worker: Worker;
  private ops: Op[] = [];
  private buf = new Uint8Array(BATCH_BYTES);
  /** Batch buffers the worker has handed back, to be filled again. */
  private readonly spare: Array<Uint8Array<ArrayBuffer>> = [];
  private used = 0;
  private inFlight = 0;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private ended: Promise<void> | undefined;
  private endedResolve: (() => void) | undefined;

  constructor(root: string, dirs: string[]) {
    // The source is CommonJS: the process's own flags (node --input-type=module) must not apply.
    this.worker = new Worker(SOURCE, { eval: true, execArgv: [], workerData: { root, dirs } });
    this.worker.on("message", (m: { done?: boolean; end?: boolean; buf?: ArrayBuffer; error?: { message: string; code?: string } }) => {
      if (m.buf && this.spare.length < IN_FLIGHT) this.spare.push(new Uint8Array(m.buf));
      if (m.error) {
        this.failure = Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {});
        this.endedResolve?.();
      } else {
        this.inFlight--;
        if (m.end) this.endedResolve?.();
      }
      this.wake?.();
    });
    this.worker.on("error", (e) => {
      this.failure ??= e;
      this.endedResolve?.();
      this.wake?.();
    });
  }

  dir(rel: string, mode: number): Promise<void> {
    return this.pushOp(["dir", rel, mode]);
  }

  open(rel: string, mode: number): Promise<void> {
    return this.pushOp(["open", rel, mode]);
  }

  async data(chunk: Uint8Array): Promise<void> {
    for (let off = 0; off < chunk.length; ) {
      if (this.used === BATCH_BYTES) await this.flush();
      const n = Math.min(chunk.length - off, BATCH_BYTES - this.used);
      this.buf.set(chunk.subarray(off, off + n), this.used);
      this.ops.push(["data", this.used, n]);
      this.used += n;
      off += n;
    }
  }

  async close(): Promise<void> {
    await this.pushOp(["close"]);
  }

  async link(target: string, rel: string): Promise<void> {
    await this.pushOp(["link", target, rel]);
  }

  async symlink(linkname: string, rel: string): Promise<void> {
    await this.pushOp(["symlink", linkname, rel]);
  }

  async finish(): Promise<void> {
    this.check();
    this.ended = new Promise((r) => (this.endedResolve = r));
    this.send(true);
    await this.ended;
    await this.worker.terminate();
    this.check();
  }

  async abort(): Promise<void> {
    await this.worker.terminate();
  }

  /** Queues an operation; a full batch (by count: a layer of tiny files) is sent. */
  private async pushOp(op: Op): Promise<void> {
    this.check();
    this.ops.push(op);
    if (this.ops.length >= BATCH_OPS) await this.flush();
  }

  private async flush(): Promise<void> {
    this.check();
    while (this.inFlight >= IN_FLIGHT && !this.failure) await new Promise<void>((r) => (this.wake = r));
    this.check();
    this.send(false);
  }

  private send(end: boolean): void {
    const buf = this.used > 0 ? this.buf.buffer : undefined;
    this.worker.postMessage({ ops: this.ops, buf, end }, buf ? [buf] : []);
    this.inFlight++;
    this.ops = [];
    if (buf) {
      this.buf = this.spare.pop() ?? new Uint8Array(BATCH_BYTES);
      this.used = 0;
    }
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}
