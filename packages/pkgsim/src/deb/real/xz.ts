import { createRequire } from "node:module";
import { Readable } from "node:stream";

// Loaded on first use, as @tsbuild/archive does: xz-decompress sets up its WebAssembly when
// loaded (~20 ms), and every RUN loads this module, apt or not.
const xzDecompress = () => createRequire(import.meta.url)("xz-decompress") as typeof import("xz-decompress");

/** An xz stream's decompressed bytes in the decoder's pieces (each its own copy of the decoder's memory). */
export async function xzChunks(data: Uint8Array): Promise<Buffer[]> {
  // The input as one chunk: a Blob would copy it and hand it over in 64 KiB pieces
  const input = new ReadableStream<Uint8Array>({ start: (c) => { c.enqueue(data); c.close(); } });
  const web = new (xzDecompress().XzReadableStream)(input);
  const chunks: Buffer[] = [];
  for await (const c of Readable.fromWeb(web as import("node:stream/web").ReadableStream<Uint8Array>)) {
    const u = c as Uint8Array;
    chunks.push(Buffer.from(u.buffer, u.byteOffset, u.byteLength));
  }
  return chunks;
}
