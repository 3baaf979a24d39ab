import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { toBuffer } from "../tar/byte-reader.js";

export class UnsupportedCompressionError extends Error {}

const MAGIC: Array<[string, number[]]> = [
  ["bzip2", [0x42, 0x5a, 0x68]],
  ["xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ["zstd", [0x28, 0xb5, 0x2f, 0xfd]],
];

/**
 * archive.DecompressStream: gzip input is inflated, anything else passes through as is.
 * bzip2, xz and zstd (which Docker also reads) have no decoder in Node and are refused.
 */
export async function* decompressed(input: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  const it = input[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLen = 0;
  let done = false;
  while (headLen < 6) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const b = toBuffer(r.value);
    head.push(b);
    headLen += b.length;
  }
  const start = Buffer.concat(head);
  async function* rest(): AsyncGenerator<Buffer> {
    if (start.length) yield start;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield toBuffer(r.value);
    }
  }
  if (start[0] === 0x1f && start[1] === 0x8b) {
    const gunzip = createGunzip();
    const feeding = pipeline(Readable.from(rest()), gunzip);
    feeding.catch(() => undefined);
    for await (const c of gunzip) yield c as Buffer;
    await feeding;
    return;
  }
  for (const [name, magic] of MAGIC) {
    if (magic.every((m, i) => start[i] === m)) throw new UnsupportedCompressionError(`${name}-compressed input is not supported (use an uncompressed or gzip tar)`);
  }
  yield* rest();
}
