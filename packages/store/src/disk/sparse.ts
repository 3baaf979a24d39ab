import { ftruncateSync, writeSync } from "node:fs";

const BLOCK = 4096;
const ZERO = Buffer.alloc(BLOCK);

/**
 * Writes a new (empty) file's content, leaving every all-zero 4 KiB block as a hole: the
 * simulated packages' placeholder files are zero-filled and make up most of an image's bytes, so
 * on a file system with sparse files they take no space, yet read back (and re-tar, and hash)
 * exactly as written. Blocks are aligned to file offsets so holes line up with the file system's.
 */
export async function writeSparse(fd: number, body: AsyncIterable<Buffer>): Promise<number> {
  let pos = 0;
  for await (const chunk of body) {
    let off = 0;
    while (off < chunk.length) {
      const end = Math.min(chunk.length, off + (BLOCK - (pos % BLOCK)));
      const piece = chunk.subarray(off, end);
      if (!piece.equals(ZERO.subarray(0, piece.length))) {
        for (let w = 0; w < piece.length; ) w += writeSync(fd, piece, w, piece.length - w, pos + w);
      }
      pos += piece.length;
      off = end;
    }
  }
  // A trailing hole: the size comes from the truncate, never from writing the zeros.
  ftruncateSync(fd, pos);
  return pos;
}
