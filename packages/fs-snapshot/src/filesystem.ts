import type { MkdirOptions, Owner, Stat, WriteFileOptions } from "./types.js";

/**
 * What a step's programs may do to a filesystem: the calls of the POSIX file API that a RUN's
 * commands, COPY and the simulated package managers make, with Node-style errors (code, errno,
 * syscall, path). RootFS implements it over its tree, journaling each change into the open step;
 * the shell's volume view implements it by routing each call to the image or a volume. Steps
 * (begin, commit, abort) and layers are the builder's, not part of it.
 */
export interface FileSystem {
  /** Whether a step is open (a change outside one is not journaled). */
  readonly stepOpen: boolean;

  lstat(p: string): Stat;
  stat(p: string): Stat;
  /** Follows symlinks; false for a dangling link. */
  exists(p: string): boolean;
  /** A copy of the file's bytes. */
  readFile(p: string): Buffer;
  /** Bytes [offset, offset+length), clipped to the file's end: the route for large files. */
  readRange(p: string, offset: number, length: number): Buffer;
  /**
   * The file's bytes as buffers in order, for files of any size: shared (never modify them), and
   * read from disk as the iteration goes for a file spilled there. Iterable more than once.
   */
  readChunks(p: string): Iterable<Buffer>;
  /** Bytes of the file not held in memory: zeros held as a size only, and bytes spilled to disk. */
  placeholderBytes(p: string): number;
  /** Cuts or extends with zeros kept as a placeholder; creates a missing file. */
  truncate(p: string, size: number, opts?: WriteFileOptions): void;
  /** Names in byte order. */
  readdir(p: string): string[];
  readlink(p: string): string;
  realpath(p: string): string;

  writeFile(p: string, data: Buffer | Uint8Array | string, opts?: WriteFileOptions): void;
  mkdir(p: string, opts?: MkdirOptions): void;
  symlink(target: string, p: string, opts?: { owner?: Owner; mtime?: Date }): void;
  mknod(p: string, type: "fifo" | "char" | "block", opts?: { mode?: number; owner?: Owner; major?: number; minor?: number }): void;
  link(existing: string, newPath: string): void;
  unlink(p: string): void;
  rmdir(p: string): void;
  rm(p: string, opts?: { recursive?: boolean; force?: boolean }): void;
  rename(from: string, to: string): void;
  chmod(p: string, mode: number): void;
  chown(p: string, owner: Owner, opts?: { noFollow?: boolean }): void;
  utimes(p: string, atime: Date, mtime: Date, opts?: { noFollow?: boolean }): void;
}

/** Whether anything is at `path`, a dangling symlink included (exists() follows links). */
export function lexists(fs: FileSystem, path: string): boolean {
  try {
    fs.lstat(path);
    return true;
  } catch {
    return false;
  }
}
