// A worker thread (of up to two) that decodes xz for decompress.ts, so that the next .debs' data.tar.xz decode
// (the WebAssembly decoder: most of an `apt-get install nodejs npm`'s CPU) runs beside the main
// thread's unpacking instead of before it. One request at a time, in the order they come.
import { parentPort } from "node:worker_threads";
import { xzChunks } from "./xz.js";

let queue: Promise<void> = Promise.resolve();

parentPort?.on("message", (m: { id: number; data: Uint8Array }) => {
  queue = queue.then(async () => {
    try {
      const chunks = await xzChunks(m.data);
      // each chunk is the decoder's own copy: handed over, not copied
      parentPort!.postMessage({ id: m.id, chunks }, chunks.map((c) => c.buffer as ArrayBuffer));
    } catch (e) {
      parentPort!.postMessage({ id: m.id, error: (e as Error).message ?? String(e) });
    }
  });
});
