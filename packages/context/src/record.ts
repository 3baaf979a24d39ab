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
