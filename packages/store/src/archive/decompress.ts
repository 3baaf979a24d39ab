import { decompress } from "@tsbuild/archive";

/**
 * archive.DecompressStream for load and import: gzip, bzip2, xz and zstd are inflated, anything
 * else passes through. What comes out is streamed to disk, never held, so no memory budget
 * applies here (ADD, which holds files in memory, passes one).
 */
export function decompressed(input: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  return decompress(input);
}
