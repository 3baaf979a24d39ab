import type { FileBytes } from "./record.js";

/** One path of the build context, as the daemon sees it after receiving (and unpacking) the context tar. */
export interface ContextEntry {
  /** Relative to the context root: "a/b.txt", no leading "./", no trailing "/". */
  path: string;
  type: "file" | "dir" | "symlink";
  /** Permission bits (the 0o7777 part) as the tar carried them; 0o777 for a symlink. */
  mode: number;
  /** File bytes; 0 for a directory; the target's length for a symlink (what lstat reports). */
  size: number;
  /** Whole seconds. */
  mtime: Date;
  /** Target of a symlink. */
  linkname?: string;
  /**
   * For a file sent as a hard link to an earlier entry (the CLI does this for files sharing an
   * inode), that entry's path. The content is the same; COPY keeps such files linked.
   */
  hardlinkTo?: string;
  /**
   * File content (read lazily for a directory context); empty for directories and symlinks.
   * Read-only: a directory context hands the buffer it read for the tarsum to the next caller.
   */
  data(): Buffer;
  /** A large file's content in chunks, read as iterated (the route that never holds it whole). */
  chunks?(): Iterable<Buffer>;
  /**
   * A directory context's file: its bytes to refer to rather than hold, each read checked
   * against the file that was hashed (an error if it changed since).
   */
  bytes?(): FileBytes;
  /**
   * The tarsum v1 hex of this entry as Docker computes it. A directory that the tar only
   * implies (it holds entries but has none of its own) has no tarsum: Docker then uses its
   * path, and so does this field.
   */
  hash: string;
}

/** One source of a COPY/ADD after Docker's resolution: a wildcard yields one per match. */
export interface ResolvedSource {
  /** The source as written in the instruction. */
  pattern: string;
  /** The path Docker names the source by (cleaned; "" for the context root). Its base name is the file name a file source gets in a destination directory. */
  path: string;
  /** `path` with symlinks followed inside the context: where the content comes from. */
  resolvedPath: string;
  /** The entry at resolvedPath; undefined for the context root. */
  entry?: ContextEntry;
  isDir: boolean;
  /** For a directory, everything below it in walk order (symlinks not followed); empty for a file. */
  children: ContextEntry[];
  /** "file:<hex>" or "dir:<hex>", the hash Docker puts in the history for this source alone. */
  hash: string;
}
