import type { Layer, LayerEntry } from "@tsbuild/image";

/** lstat/stat result. */
export interface Stat {
  type: "file" | "dir" | "symlink" | "char" | "block" | "fifo";
  /** Permission bits including setuid/setgid/sticky (the 0o7777 part only). */
  mode: number;
  uid: number;
  gid: number;
  /** File bytes; symlink: target length in bytes; anything else: 0. */
  size: number;
  mtime: Date;
  ino: number;
  nlink: number;
  /** Device number (Linux encoding) of a char/block device; 0 otherwise. Optional so that
   *  callers can describe nodes of their own (mounts) in the same shape. */
  rdev?: number;
}

export interface Owner {
  uid: number;
  gid: number;
}

export interface RootFSOptions {
  /** The time stamped on whatever an operation creates or changes without being told a time.
   *  Default: the wall clock at the moment of the operation. */
  defaultMtime?: Date;
  /** uname/gname written in layer tar headers. Docker looks them up in the daemon host's
   *  /etc/passwd and /etc/group ("root" for 0 on any Linux host); default: empty. */
  ownerNames?: { user(uid: number): string; group(gid: number): string };
}

export interface CommitOptions {
  /** Clamp: no header in the layer carries an mtime later than this. */
  mtime?: Date;
}

export interface LayerDiff {
  /** The layer tar (uncompressed), joined into one buffer on first access. */
  readonly tar: Buffer;
  /**
   * The same bytes as the buffers they were written from, without joining them: the way to hand
   * a large layer to a store (ImageStore.putLayer takes an iterable of chunks) without holding it
   * twice. The buffers are shared with the tree and must not be modified. A file's bytes spilled
   * to disk are read as the iteration reaches them; it can be iterated more than once.
   */
  tarChunks(): Iterable<Buffer>;
  /** Length of the tar in bytes. */
  readonly tarSize: number;
  /** "sha256:<hex>" of tar, computed on first access. */
  readonly diffID: string;
  /** Docker's layerdb size: regular file bytes + symlink target lengths, hard links once. */
  size: number;
  /** No entries: the tar is then exactly 1024 zero bytes. */
  empty: boolean;
  /** The conformance shape, in tar order (each file hashed on first access). */
  readonly entries: LayerEntry[];
  /** The same layer as @tsbuild/image's Layer (what an Image lists and ImageStore.writeImage takes). */
  layer(): Layer;
}

export interface WriteFileOptions {
  /** Mode of a new file (default 0o644); an existing file keeps its mode. */
  mode?: number;
  /** Owner of a new file (default 0:0); an existing file keeps its owner. */
  owner?: Owner;
  append?: boolean;
  /** The file's mtime after the write (default: now). */
  mtime?: Date;
  /**
   * The caller hands `data` over (a Buffer it will never modify or reuse): the tree keeps it
   * instead of a copy. For large copies (COPY of a big context) this halves the memory and skips
   * a pass over the bytes. Default: the bytes are copied.
   */
  adopt?: boolean;
}

export interface MkdirOptions {
  recursive?: boolean;
  /** Mode of the directory named (default 0o755); missing parents get 0o755. */
  mode?: number;
  /** Owner of every directory created (default 0:0). */
  owner?: Owner;
  /** mtime of every directory created (default: now). */
  mtime?: Date;
}
