import type { TarsumHeader } from "./tarsum.js";

/** What lstat said of a directory context's file, as far as the sum cache keys by it (plain numbers). */
export interface FileStat {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  dev: number;
  /** st_mode: type and permission bits. */
  mode: number;
}

/**
 * A context file's bytes left where they are, for a caller that would otherwise hold them (a
 * COPY into an in-memory tree): read when needed, each read checked against the file the walk
 * saw and hashed (inode, size, mtime), so the bytes read are the bytes the tarsum covered.
 */
export interface FileBytes {
  readonly length: number;
  /** Bytes [offset, offset+length) into `out` at `at`; a ContextError if the file changed. */
  readInto(out: Buffer, at: number, offset: number, length: number): void;
  /** Bytes [offset, offset+length) in fresh buffers of at most `chunk` bytes, the file opened once. */
  readChunks(offset: number, length: number, chunk: number): Iterable<Buffer>;
}

/**
 * One entry of the context tar as the daemon receives it: the header fields tarsum hashes,
 * the mtime (not hashed, but kept on the copied files), and the content.
 * A directory context is turned into records the way the docker CLI tars it; a tar context
 * yields its own entries.
 */
export interface ContextRecord {
  header: TarsumHeader;
  mtime: Date;
  /** `mtime` in whole seconds, when the record has it without making a Date (a directory context's files). */
  mtimeSeconds?: number;
  /** Content of a regular file; empty for everything else. */
  data(): Buffer;
  /** A large file's content a megabyte at a time (read again at each iteration), never whole. */
  chunks?(): Iterable<Buffer>;
  /**
   * The content to hash, as views of a buffer reused from one to the next (each is valid until
   * the next is taken): a directory context's file, read without a buffer of its own.
   */
  hashContent?(): Iterable<Uint8Array>;
  /** A directory context's file, to refer to instead of reading (FileBytes). */
  bytes?(): FileBytes;
  /** A directory context's file: its lstat, which keys the sum cache (sum-cache.ts). */
  stat?: FileStat;
  /** The tarsum when it is known without reading the content (sum-cache.ts). */
  tarsum?: () => string;
  /** The tarsum the sum cache found (then `tarsum` returns it): a field, not a closure per file. */
  knownTarsum?: string;
}

export type RecordKind = "file" | "hardlink" | "symlink" | "dir" | "special";

export function recordKind(typeflag: string): RecordKind {
  switch (typeflag) {
    case "0":
    case "7":
    case "\0":
      return "file";
    case "1":
      return "hardlink";
    case "2":
      return "symlink";
    case "5":
      return "dir";
    default:
      return "special";
  }
}

export const EMPTY = Buffer.alloc(0);
