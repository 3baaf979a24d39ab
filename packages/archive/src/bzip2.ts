import { createRequire } from "node:module";
import { ArchiveFormatError, ExpansionLimitError } from "./errors.js";

interface SeekBzip {
  new (input: unknown, output: unknown): BunzipState;
  Stream: new () => { readByte?: () => number; writeByte?: (b: number) => void; eof?: () => boolean; seek?: (p: number) => void };
}
interface BunzipState {
  _init_block(): boolean;
  _read_bunzip(): void;
  _start_bunzip(input: unknown, output: unknown): void;
  reader: { read(bits: number): number };
  streamCRC: number;
}

/**
 * bzip2 decoded one block at a time (a block expands to at most ~46 MB), so the caller can
 * count and stop between blocks. seek-bzip's `decode` runs a whole stream into one growing
 * buffer; its per-block steps (`_init_block`, `_read_bunzip`, the same loop `decode` runs,
 * multistream included) are used directly for that reason. `check` may throw to stop.
 */
export function* bunzipBlocks(input: Buffer, check: (produced: number) => void): Generator<Buffer> {
  const Bunzip = createRequire(import.meta.url)("seek-bzip") as SeekBzip;
  const inStream = new Bunzip.Stream();
  let pos = 0;
  inStream.readByte = () => (pos < input.length ? input[pos++] : -1);
  inStream.eof = () => pos >= input.length;
  inStream.seek = (p: number) => { pos = p; };
  let block = Buffer.allocUnsafe(1 << 20);
  let filled = 0;
  let total = 0;
  const out = new Bunzip.Stream();
  out.writeByte = (b: number) => {
    if (filled === block.length) {
      const bigger = Buffer.allocUnsafe(block.length * 2);
      block.copy(bigger);
      block = bigger;
      check(total + filled);
    }
    block[filled++] = b;
  };
  let bz: BunzipState;
  try {
    bz = new Bunzip(inStream, out);
  } catch (e) {
    throw bzipError(e);
  }
  for (;;) {
    if (pos >= input.length) return;
    let more: boolean;
    try {
      more = bz._init_block();
      if (more) bz._read_bunzip();
    } catch (e) {
      throw bzipError(e);
    }
    if (more) {
      total += filled;
      check(total);
      yield Buffer.from(block.subarray(0, filled));
      filled = 0;
      continue;
    }
    const expected = bz.reader.read(32) >>> 0;
    if (expected !== bz.streamCRC >>> 0) throw new ArchiveFormatError("bzip2 data is corrupt: bad stream checksum");
    if (pos >= input.length) return;
    try {
      bz._start_bunzip(inStream, out);
    } catch (e) {
      throw bzipError(e);
    }
  }
}

function bzipError(e: unknown): Error {
  if (e instanceof ArchiveFormatError || e instanceof ExpansionLimitError) return e;
  const msg = (e as Error)?.message ?? String(e);
  return new ArchiveFormatError(`bzip2 data is corrupt: ${msg.replace(/^Error:\s*/, "")}`);
}
