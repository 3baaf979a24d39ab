import { padding } from "./tar-header.js";
import { END_OF_ARCHIVE, encodeHeader } from "./tar-writer.js";

/**
 * A whole archive written in one synchronous call, for tars generated from data (a built-in
 * image's layer, an in-memory build context): the bytes must be the same on every machine, since
 * their sha256 is a diffID or a cache key. Headers come from the one Go-exact encoder.
 */
export type TarFileType = "file" | "dir" | "symlink" | "hardlink" | "char" | "block" | "fifo";

export interface TarFile {
  /** Path inside the archive, without a leading "/" (directories without the trailing "/"). */
  name: string;
  type: TarFileType;
  /** Permission bits (and setuid/setgid/sticky); the file-type bits are not written, as Go's FileInfoHeader does not. */
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** Regular files: the size when `content` is absent (the file is then that many zero bytes, a placeholder). */
  size?: number;
  content?: Buffer;
  /** Symlink target, or the hard link's first path (no leading "/"). */
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** Owner names (the shell's `tar -c` writes them, as GNU and busybox tar do); none by default. */
  uname?: string;
  gname?: string;
}

const TYPEFLAG: Record<TarFileType, string> = {
  file: "0", hardlink: "1", symlink: "2", char: "3", block: "4", dir: "5", fifo: "6",
};

/** Writes the entries, in the order given, into one tar Buffer. */
export function writeTar(entries: Iterable<TarFile>): Buffer {
  const headers: Buffer[] = [];
  const list: TarFile[] = [];
  let total = END_OF_ARCHIVE.length;
  for (const e of entries) {
    const size = e.type === "file" ? (e.content?.length ?? e.size ?? 0) : 0;
    const h = encodeHeader({
      name: e.type === "dir" ? e.name + "/" : e.name, typeflag: TYPEFLAG[e.type], mode: e.mode & 0o7777,
      uid: e.uid, gid: e.gid, size, mtime: e.mtime, linkname: e.linkname ?? "",
      devmajor: e.devmajor ?? 0, devminor: e.devminor ?? 0,
      ...(e.uname ? { uname: e.uname } : {}), ...(e.gname ? { gname: e.gname } : {}),
    });
    headers.push(h);
    list.push(e);
    total += h.length + size + padding(size);
  }
  // One zero-filled allocation: placeholder files and padding need no writes at all.
  const out = Buffer.alloc(total);
  let off = 0;
  for (let i = 0; i < list.length; i++) {
    off += headers[i].copy(out, off);
    const e = list[i];
    if (e.type !== "file") continue;
    const size = e.content?.length ?? e.size ?? 0;
    e.content?.copy(out, off);
    off += size + padding(size);
  }
  return out;
}
