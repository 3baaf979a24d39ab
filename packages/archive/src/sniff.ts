export type Compression = "none" | "gzip" | "bzip2" | "xz" | "zstd";

/** How many leading bytes `compressionOf` needs to decide. */
export const SNIFF_BYTES = 6;

/** The magic numbers pkg/archive.DetectCompression looks for, in its order. */
export function compressionOf(head: Uint8Array): Compression {
  const starts = (bytes: number[]) => head.length >= bytes.length && bytes.every((b, i) => head[i] === b);
  if (starts([0x42, 0x5a, 0x68])) return "bzip2";
  if (starts([0x1f, 0x8b, 0x08])) return "gzip";
  if (starts([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return "xz";
  if (starts([0x28, 0xb5, 0x2f, 0xfd])) return "zstd";
  return "none";
}
