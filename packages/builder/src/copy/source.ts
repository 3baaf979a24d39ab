import type { ExternalBytes } from "@tsbuild/fs-snapshot";

/** One thing COPY/ADD copies, whether it comes from the build context or another image's filesystem. */
export interface SourceItem {
  /** Path relative to the source (e.g. "lib/util.js"); "" is the source itself. */
  rel: string;
  type: "file" | "dir" | "symlink";
  mode: number;
  uid: number;
  gid: number;
  mtime: Date;
  linkname?: string;
  /** Identifies a file with several names (hard links) in its source filesystem. */
  inode?: string;
  data(): Buffer;
  /**
   * The bytes as buffers in order, when the source can give them so (a stage's filesystem): a
   * file larger than one Buffer (a zero placeholder of gigabytes) is copied and hashed by these.
   */
  chunks?(): Iterable<Buffer>;
  /** A build context's file: the bytes to refer to, not read (RootFS.writeExternal). */
  bytes?(): ExternalBytes;
}

export interface CopySource {
  /** The source path as matched (used for the destination name of a single file). */
  path: string;
  isDir: boolean;
  /** For a directory: its descendants (not itself), parents before children. For a file: one item. */
  items: SourceItem[];
  /** The directory's own metadata, for a directory source. */
  self?: SourceItem;
}
