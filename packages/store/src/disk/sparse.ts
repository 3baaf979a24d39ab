import { ftruncateSync, writeSync } from "node:fs";

const BLOCK = 4096;
const ZERO = Buffer.alloc(BLOCK);

/**
 * Writes a new (empty) file's content, leaving every all-zero 4 KiB block as a hole: the
 * simulated packages' placeholder files are zero-filled and make up most of an image's bytes, so
 * on a file system with sparse files they take no space, yet read back (and re-tar, and hash)
 * exactly as written. Blocks are aligned to file offsets so holes line up with the file system's.
 * Consecutive blocks with data go down in one write: a call per block was a third of the time
 * spent writing a 20,000-file layer.
 */
export async function writeSparse(fd: number, body: AsyncIterable<Buffer>): Promise<number> {
  let pos = 0;
  let end = 0;
  for await (const chunk of body) {
    let runStart = -1;
    let off = 0;
    while (off < chunk.length) {
      const next = Math.min(chunk.length, off + (BLOCK - ((pos + off) % BLOCK)));
      const zero = chunk.subarray(off, next).equals(ZERO.subarray(0, next - off));
      if (!zero && runStart < 0) runStart = off;
      if (zero && runStart >= 0) {
        writeRun(fd, chunk, runStart, off, pos);
        runStart = -1;
      }
      off = next;
    }
    if (runStart >= 0) {
      writeRun(fd, chunk, runStart, chunk.length, pos);
      end = pos + chunk.length;
    }
    pos += chunk.length;
  }
  // A trailing hole: the size comes from the truncate, never from writing the zeros.
  if (end !== pos) ftruncateSync(fd, pos);
  return pos;
}

function writeRun(fd: number, chunk: Buffer, from: number, to: number, chunkPos: number): void {
  for (let w = from; w < to; ) w += writeSync(fd, chunk, w, to - w, chunkPos + w);
}
