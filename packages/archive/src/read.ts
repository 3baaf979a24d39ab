import { ByteReader } from "./byte-reader.js";
import type { ByteSource } from "./bytes.js";
import { openCompressed, type DecompressOptions } from "./decompress.js";
import { ArchiveFormatError } from "./errors.js";
import type { Compression } from "./sniff.js";
import { BLOCK, decodeHeader, isZeroBlock } from "./tar-header.js";
import { walkTar, type TarEntry } from "./tar-reader.js";

export type EntryHandler = (e: TarEntry, body: AsyncIterable<Buffer>) => Promise<void> | void;

/**
 * Every member of a (possibly compressed) tar, streamed. A decoder failure in the middle of
 * a member names that member, as a truncated download would be reported.
 */
export async function readTar(input: ByteSource, onEntry: EntryHandler, opts: DecompressOptions = {}): Promise<Compression> {
  const { compression, chunks } = await openCompressed(input, opts);
  const reader = new ByteReader(chunks);
  let current: string | undefined;
  try {
    await walkTar(reader, {
      entry: (e, body) => {
        current = e.name;
        return onEntry(e, body);
      },
      entryEnd: () => {
        current = undefined;
      },
    });
  } catch (e) {
    if (e instanceof ArchiveFormatError && current !== undefined && !e.message.includes(JSON.stringify(current))) {
      e.message = `${e.message} (in the data of ${JSON.stringify(current)})`;
    }
    throw e;
  } finally {
    await chunks.return(undefined);
  }
  return compression;
}

/**
 * archive.IsArchivePath's question: does the input decompress to something whose first tar
 * header parses? Reads only the first block.
 */
export async function startsWithTar(input: ByteSource, opts: DecompressOptions = {}): Promise<boolean> {
  let opened;
  try {
    opened = await openCompressed(input, opts);
  } catch {
    return false;
  }
  try {
    const first = await new ByteReader(opened.chunks).read(BLOCK);
    if (first.length < BLOCK || isZeroBlock(first)) return false;
    decodeHeader(first);
    return true;
  } catch {
    return false;
  } finally {
    await opened.chunks.return(undefined).catch(() => undefined);
  }
}
