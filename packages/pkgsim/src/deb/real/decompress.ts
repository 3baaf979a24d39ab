import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { gunzipSync } from "node:zlib";
import { xzChunks } from "./xz.js";

const zstdDecompress = (data: Uint8Array) => (createRequire(import.meta.url)("fzstd") as typeof import("fzstd")).decompress(data);

export type Compression = "none" | "gzip" | "xz" | "zstd";

/** By magic number, as dpkg-deb and apt detect it (never by file name alone). */
export function compressionOf(data: Uint8Array): Compression {
  if (data[0] === 0x1f && data[1] === 0x8b) return "gzip";
  if (data[0] === 0xfd && data[1] === 0x37 && data[2] === 0x7a && data[3] === 0x58 && data[4] === 0x5a && data[5] === 0) return "xz";
  if (data[0] === 0x28 && data[1] === 0xb5 && data[2] === 0x2f && data[3] === 0xfd) return "zstd";
  return "none";
}

export async function decompress(data: Buffer): Promise<Buffer> {
  const out = await decompressChunks(data);
  return out.length === 1 ? out[0] : Buffer.concat(out);
}

/** The decompressed bytes as the decoder gives them, in pieces (a tar reader takes them as they are: no joined copy). */
export async function decompressChunks(data: Buffer): Promise<Buffer[]> {
  switch (compressionOf(data)) {
    case "gzip":
      return [gunzipSync(data)];
    case "zstd": {
      const u = zstdDecompress(data);
      return [Buffer.from(u.buffer, u.byteOffset, u.byteLength)];
    }
    case "xz":
      try {
        return (await inWorker(data)) ?? (await xzChunks(data));
      } catch (e) {
        if (e instanceof WorkerGone) return xzChunks(data);
        throw e;
      }
    default:
      return [data];
  }
}

/**
 * xz decoded on a worker thread (xz-worker.ts), so that a .deb's data.tar.xz decodes while the
 * main thread unpacks the previous one: undefined when there is no worker script beside this
 * module (the TypeScript sources under test) or the worker failed, and the caller decodes here.
 * The worker keeps the process alive only while a request is pending.
 */
export async function inWorker(data: Uint8Array): Promise<Buffer[] | undefined> {
  const w = xzWorker();
  if (!w) return undefined;
  const id = ++w.next;
  const done = new Promise<Buffer[]>((resolve, reject) => w.pending.set(id, { resolve, reject }));
  if (w.pending.size === 1) w.worker.ref();
  w.worker.postMessage({ id, data });
  return done;
}

/** The worker is gone (not the stream's fault): what it had is decoded on the main thread. */
class WorkerGone extends Error {}

interface XzWorker {
  worker: Worker;
  next: number;
  pending: Map<number, { resolve: (c: Buffer[]) => void; reject: (e: Error) => void }>;
}

/**
 * Up to two workers (never more than the machine's cores): with one, the main thread waited on it
 * for a third of an `apt-get install nodejs npm`; a second starts only when the first is busy.
 */
const MAX_WORKERS = Math.max(1, Math.min(2, availableParallelism()));
const workers: XzWorker[] = [];
let unavailable = false;

function xzWorker(): XzWorker | undefined {
  if (unavailable) return undefined;
  const idle = workers.find((w) => w.pending.size === 0);
  if (idle) return idle;
  if (workers.length >= MAX_WORKERS) return workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  const script = new URL("./xz-worker.js", import.meta.url);
  if (script.protocol !== "file:" || !existsSync(fileURLToPath(script))) {
    unavailable = true;
    return undefined;
  }
  const w: XzWorker = { worker: new Worker(script), next: 0, pending: new Map() };
  w.worker.unref();
  w.worker.on("message", (m: { id: number; chunks?: Uint8Array[]; error?: string }) => {
    const p = w.pending.get(m.id);
    if (!p) return;
    w.pending.delete(m.id);
    if (w.pending.size === 0) w.worker.unref();
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve(m.chunks!.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
  });
  const fail = (e: Error) => {
    // requests in flight are decoded on the main thread (WorkerGone), and so are later ones
    const at = workers.indexOf(w);
    if (at >= 0) workers.splice(at, 1);
    unavailable = true;
    for (const p of w.pending.values()) p.reject(e);
    w.pending.clear();
  };
  w.worker.on("error", (e) => fail(new WorkerGone(`the xz worker failed: ${e.message}`)));
  w.worker.on("exit", (code) => fail(new WorkerGone(`the xz worker stopped (exit code ${code})`)));
  workers.push(w);
  return w;
}
