import { ArchiveFormatError, ExpansionLimitError, defaultMemoryLimit, readTar, type TarEntry } from "@tsbuild/archive";
import { ContextError } from "./errors.js";
import type { ContextRecord } from "./record.js";

const SUPPORTED = new Set(["0", "1", "2", "3", "4", "5", "6", "7"]);

const XATTR_PREFIX = "SCHILY.xattr.";

export interface TarContextOptions {
  /** Most bytes the context may hold once decompressed (`--memory`). */
  limit?: number;
}

/**
 * Reads a context tar (plain, gzip, bzip2, xz or zstd, as `docker build -` accepts it) into
 * records, headers kept as the tar has them: the daemon hashes the raw name, mode, uid and gid.
 * The context is held in memory, so it is counted against the memory budget as it arrives.
 */
export async function readTarContext(input: Buffer | NodeJS.ReadableStream, opts: TarContextOptions = {}): Promise<ContextRecord[]> {
  const limit = opts.limit ?? defaultMemoryLimit();
  const records: ContextRecord[] = [];
  let held = 0;
  try {
    await readTar(input as Buffer | AsyncIterable<unknown>, async (h, body) => {
      // archive.Untar skips PAX global headers (git archive writes one).
      if (h.typeflag === "g") return;
      if (!SUPPORTED.has(h.typeflag)) {
        throw new ContextError(`invalid build context tar: entry ${JSON.stringify(h.name)} has unsupported type ${JSON.stringify(h.typeflag)}`);
      }
      const chunks: Buffer[] = [];
      for await (const chunk of body) {
        held += chunk.length;
        if (held > limit) throw new ExpansionLimitError(limit);
        chunks.push(chunk);
      }
      records.push(toRecord(h, Buffer.concat(chunks)));
    }, { limit });
  } catch (e) {
    if (e instanceof ContextError) throw e;
    if (e instanceof ExpansionLimitError) throw new ContextError(`build context: ${e.message}`);
    if (e instanceof ArchiveFormatError) throw new ContextError(`invalid build context tar: ${e.message}`);
    throw new ContextError(`invalid build context tar: ${(e as Error).message}`);
  }
  return records;
}

function toRecord(h: TarEntry, data: Buffer): ContextRecord {
  let xattrs: Record<string, string> | undefined;
  for (const [key, value] of h.pax) {
    if (!key.startsWith(XATTR_PREFIX)) continue;
    (xattrs ??= {})[key.slice(XATTR_PREFIX.length)] = value.toString("utf8");
  }
  return {
    header: {
      name: h.name,
      mode: h.mode,
      uid: h.uid,
      gid: h.gid,
      size: h.size,
      typeflag: h.typeflag,
      linkname: h.linkname,
      devmajor: h.devmajor,
      devminor: h.devminor,
      xattrs,
    },
    mtime: new Date(h.mtime * 1000),
    data: () => data,
  };
}
