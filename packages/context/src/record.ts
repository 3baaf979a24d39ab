import type { Stats } from "node:fs";
import type { TarsumHeader } from "./tarsum.js";

/**
 * One entry of the context tar as the daemon receives it: the header fields tarsum hashes,
 * the mtime (not hashed, but kept on the copied files), and the content.
 * A directory context is turned into records the way the docker CLI tars it; a tar context
 * yields its own entries.
 */
export interface ContextRecord {
  header: TarsumHeader;
  mtime: Date;
  /** Content of a regular file; empty for everything else. */
  data(): Buffer;
  /** A large file's content a megabyte at a time (read again at each iteration), never whole. */
  chunks?(): Iterable<Buffer>;
  /** A directory context's file: its lstat, which keys the sum cache (sum-cache.ts). */
  stat?: Stats;
  /** The tarsum when it is known without reading the content (sum-cache.ts). */
  tarsum?: () => string;
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
