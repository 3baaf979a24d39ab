import { Crc64 } from "./crc64.js";
import { FILE_TYPE, cleanName, type TarSplitEntry } from "./entry.js";

/** Yields the data of one member, read from wherever the layer keeps its files. */
export type FileGetter = (name: string, size: number) => AsyncIterable<Buffer> | Iterable<Buffer>;

export class IntegrityError extends Error {}

/**
 * Rebuilds the original tar stream from tar-split records and file contents, as tar-split's
 * asm.WriteOutputTarStream: segments verbatim, each member's data checked against its crc64.
 * With `checkFiles: false` the crc64s are not computed (a pass over every byte in JavaScript):
 * for a caller that verifies the whole stream's sha256 anyway, and only needs them to name the
 * damaged file once that check has failed.
 */
/**
 * assemble over records and files read synchronously (a store's own files): the same checks, no
 * promise per member. The tar's sha256 is the caller's to check, as with `checkFiles: false`.
 * `seen` carries the duplicate check across calls over successive batches of one layer's records.
 */
export function* assembleSync(
  records: Iterable<TarSplitEntry>, getFile: (name: string, size: number) => Iterable<Buffer>, seen = new Set<string>(),
): Generator<Buffer> {
  for (const r of records) {
    if (r.type !== FILE_TYPE) {
      if (r.payload.length > 0) yield r.payload;
      continue;
    }
    claimName(seen, r.name);
    if (r.size === 0) continue;
    let got = 0;
    for (const chunk of getFile(r.name, r.size)) {
      got += chunk.length;
      if (got > r.size) throw lengthError(r, got);
      yield chunk;
    }
    if (got < r.size) throw lengthError(r, got);
  }
}

export async function* assemble(records: AsyncIterable<TarSplitEntry>, getFile: FileGetter, opts: { checkFiles?: boolean } = {}): AsyncGenerator<Buffer> {
  const checkFiles = opts.checkFiles ?? true;
  const seen = new Set<string>();
  for await (const r of records) {
    if (r.type !== FILE_TYPE) {
      if (r.payload.length > 0) yield r.payload;
      continue;
    }
    claimName(seen, r.name);
    if (r.size === 0) continue;
    const crc = checkFiles ? new Crc64() : undefined;
    let got = 0;
    for await (const chunk of getFile(r.name, r.size)) {
      got += chunk.length;
      if (got > r.size) throw lengthError(r, got);
      crc?.update(chunk);
      yield chunk;
    }
    if (got < r.size) throw lengthError(r, got);
    if (crc && (!r.payload || !crc.digest().equals(r.payload))) {
      throw new IntegrityError(`file integrity checksum failed for ${JSON.stringify(r.name)}`);
    }
  }
}

/** A layer names each file once (tar-split refuses duplicates, and so does Docker's store). */
function claimName(seen: Set<string>, name: string): void {
  const key = cleanName(name);
  if (seen.has(key)) throw new IntegrityError(`duplicates of file paths not supported: ${JSON.stringify(name)}`);
  seen.add(key);
}

function lengthError(r: { name: string; size: number }, got: number): IntegrityError {
  return got > r.size
    ? new IntegrityError(`file ${JSON.stringify(r.name)} is longer than the ${r.size} bytes the layer recorded`)
    : new IntegrityError(`file ${JSON.stringify(r.name)} has ${got} bytes, the layer recorded ${r.size}`);
}
