import { createRequire } from "node:module";
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";

// Loaded on first use, as @tsbuild/archive does: xz-decompress sets up its WebAssembly when
// loaded (~20 ms), and every RUN loads this module, apt or not.
const xzDecompress = () => createRequire(import.meta.url)("xz-decompress") as typeof import("xz-decompress");
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
    case "xz": {
      // The input as one chunk: a Blob would copy it and hand it over in 64 KiB pieces
      const input = new ReadableStream<Uint8Array>({ start: (c) => { c.enqueue(data); c.close(); } });
      const web = new (xzDecompress().XzReadableStream)(input);
      const chunks: Buffer[] = [];
      // Each chunk is already the decoder's own copy (a slice of its WebAssembly memory): wrapped, not copied again
      for await (const c of Readable.fromWeb(web as import("node:stream/web").ReadableStream<Uint8Array>)) {
        const u = c as Uint8Array;
        chunks.push(Buffer.from(u.buffer, u.byteOffset, u.byteLength));
      }
      return chunks;
    }
    default:
      return [data];
  }
}
