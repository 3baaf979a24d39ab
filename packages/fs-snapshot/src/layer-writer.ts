import { createHash } from "node:crypto";
import { modeString, WHITEOUT_OPAQUE_DIR as OPAQUE_MARKER, WHITEOUT_PREFIX, type LayerEntry } from "@tsbuild/image";
import {
  childNames, childOf, contentChunks, contentSize, devMajor, devMinor, isDir, kindOf, typeBits, type INode, type Link, type NodeKind,
} from "./memfs-node.js";
import { sortNames } from "./names.js";
import { END_OF_ARCHIVE, encodeHeader, padding, zeroPadding, type TarHeader } from "@tsbuild/archive";
import { isFresh, type UpperDir } from "./upper.js";

export interface LayerOptions {
  /** Clamp: no header carries an mtime later than this (SOURCE_DATE_EPOCH style). */
  mtime?: Date;
  /** uname/gname for a uid/gid; Docker looks them up on the daemon's host. */
  userName(uid: number): string;
  groupName(gid: number): string;
}

export interface WrittenLayer {
  /**
   * The tar as written: headers, padding, and views of the file contents (nothing copied); the
   * contents of a file with spilled bytes as one iterable that reads them from disk when walked.
   */
  chunks: Array<Buffer | Iterable<Buffer>>;
  /** Some of `chunks` are iterables (read when walked), not buffers. */
  lazy: boolean;
  /** Length of the tar in bytes. */
  tarSize: number;
  /** The conformance shape; a regular file's sha256 is filled in by {@link hashEntries}. */
  entries: LayerEntry[];
  /** Regular files' entries (indexes into entries) and, at the same positions, the contents they describe. */
  unhashed: number[];
  unhashedData: Array<Iterable<Buffer>>;
  size: number;
  /** Tree entries inspected: proportional to the diff, never to the whole tree. */
  visited: number;
}

/**
 * Fills in the sha256 of every regular file's entry. Apart from the layer tar's own hash, this
 * is the only pass over the file contents, so it is left until someone asks for the entries.
 */
export function hashEntries(layer: WrittenLayer): LayerEntry[] {
  for (let k = 0; k < layer.unhashed.length; k++) {
    const h = createHash("sha256");
    for (const c of layer.unhashedData[k]) h.update(c);
    layer.entries[layer.unhashed[k]].sha256 = h.digest("hex");
  }
  layer.unhashed = [];
  layer.unhashedData = [];
  return layer.entries;
}

/** modeString of the permission bits, one string per distinct mode (a layer has a handful). */
const MODE_TEXT = new Map<number, string>();

function modeText(mode: number): string {
  let t = MODE_TEXT.get(mode);
  if (t === undefined) MODE_TEXT.set(mode, (t = modeString(mode)));
  return t;
}

const TYPEFLAG: Record<NodeKind, string> = { file: "0", symlink: "2", char: "3", block: "4", dir: "5", fifo: "6" };

/**
 * Serialises the step's upper layer as Docker's overlay2 driver does (pkg/archive with the overlay
 * whiteout converter): a lexical depth-first walk of the upper dir, whiteouts as `.wh.NAME` at
 * NAME's position, opaque directories followed by `.wh..wh..opq`, later names of an inode as hard
 * links to its first name.
 */
export function writeLayer(upper: UpperDir, root: Link, opts: LayerOptions): WrittenLayer {
  const w = new LayerWriter(opts);
  w.mergedDir(upper, root, "");
  return w.finish();
}

class LayerWriter {
  private readonly chunks: Array<Buffer | Iterable<Buffer>> = [];
  private lazy = false;
  private tarSize = 0;
  private readonly entries: LayerEntry[] = [];
  // Two parallel lists, not a pair per file.
  private readonly unhashed: number[] = [];
  private readonly unhashedData: Array<Iterable<Buffer>> = [];
  private readonly firstName = new Map<INode, string>();
  private size = 0;
  private visited = 0;

  constructor(private readonly opts: LayerOptions) {}

  /** A directory whose unrecorded children are unchanged: only the records matter. */
  mergedDir(rec: UpperDir, dir: Link, prefix: string): void {
    for (const name of sortNames([...rec.children.keys()])) {
      const child = rec.children.get(name)!;
      if (child.kind === "whiteout") {
        this.whiteout(prefix + WHITEOUT_PREFIX + name, child.mtime);
        continue;
      }
      const link = childOf(dir, name);
      this.visited++;
      if (!link) throw new Error(`fs-snapshot: journal records /${prefix}${name} but the tree has no such entry`);
      const rel = prefix + name;
      this.entry(rel, link.node);
      if (!isDir(link.node)) continue;
      if (child.kind !== "dir") throw new Error(`fs-snapshot: journal records /${rel} as a non-directory`);
      if (child.opaque) this.opaque(rel, link.node);
      if (isFresh(child)) this.wholeDir(link, rel + "/");
      else this.mergedDir(child, link, rel + "/");
    }
  }

  /** A directory that is entirely upper: everything in it goes into the layer. */
  private wholeDir(dir: Link, prefix: string): void {
    for (const name of sortNames(childNames(dir))) {
      const link = dir.children.get(name)!;
      this.visited++;
      this.entry(prefix + name, link.node);
      if (isDir(link.node)) this.wholeDir(link, prefix + name + "/");
    }
  }

  private entry(rel: string, node: INode): void {
    const kind = kindOf(node);
    const mode = node.mode & 0o7777;
    const uid = node.uid;
    const gid = node.gid;
    const mtime = this.seconds(node.mtime);
    if (kind !== "dir" && node.nlink > 1) {
      const first = this.firstName.get(node);
      if (first !== undefined) {
        this.add({ name: rel, typeflag: "1", mode: typeBits(kind) | mode, uid, gid, size: 0, mtime, linkname: first, uname: this.opts.userName(uid), gname: this.opts.groupName(gid) });
        this.entries.push({ path: rel, type: "hardlink", mode: modeText(mode), uid, gid, linkname: first });
        return;
      }
      this.firstName.set(node, rel);
    }
    // One object per header and per entry (the header is dropped once encoded): a layer of a
    // 20,000-file COPY made four per file, spreads included.
    const header: TarHeader = {
      name: kind === "dir" ? rel + "/" : rel, typeflag: TYPEFLAG[kind], mode: typeBits(kind) | mode, uid, gid, size: 0, mtime,
      uname: this.opts.userName(uid), gname: this.opts.groupName(gid),
    };
    const entry: LayerEntry = { path: rel, type: kind, mode: modeText(mode), uid, gid };
    if (kind === "file") {
      // A placeholder's zeros come as shared chunks: a 5 GiB zero file adds 5,120 references.
      const size = contentSize(node);
      const data = contentChunks(node);
      header.size = size;
      entry.size = size;
      this.unhashed.push(this.entries.length);
      this.unhashedData.push(data);
      this.size += size;
      this.add(header, data, size);
    } else if (kind === "symlink") {
      header.linkname = node.symlink;
      entry.linkname = node.symlink;
      this.size += Buffer.byteLength(node.symlink);
      this.add(header);
    } else {
      if (kind === "char" || kind === "block") {
        header.devmajor = devMajor(node.rdev);
        header.devminor = devMinor(node.rdev);
      }
      this.add(header);
    }
    this.entries.push(entry);
  }

  // The converter turns overlay's 0/0 char device into an empty 0600 file owned as the device was.
  private whiteout(rel: string, deleted: Date): void {
    this.add({ name: rel, typeflag: "0", mode: 0o600, uid: 0, gid: 0, size: 0, mtime: this.seconds(deleted), uname: this.opts.userName(0), gname: this.opts.groupName(0) });
    this.entries.push(emptyFileEntry(rel, "0600", 0, 0));
  }

  // The marker header is built fresh by the converter: permission bits only, no mtime (Go's zero time).
  private opaque(rel: string, dir: INode): void {
    const name = `${rel}/${OPAQUE_MARKER}`;
    const perm = dir.mode & 0o777;
    this.add({ name, typeflag: "0", mode: perm, uid: dir.uid, gid: dir.gid, size: 0, mtime: null, uname: this.opts.userName(dir.uid), gname: this.opts.groupName(dir.gid) });
    this.entries.push(emptyFileEntry(name, modeString(perm), dir.uid, dir.gid));
  }

  private add(h: TarHeader, body?: Iterable<Buffer>, length = 0): void {
    const header = encodeHeader(h);
    this.chunks.push(header);
    this.tarSize += header.length;
    if (body && length > 0) {
      // Buffers are listed one by one; anything else (spilled bytes) stays one part, read when walked.
      if (Array.isArray(body)) for (const c of body as Buffer[]) this.chunks.push(c);
      else {
        this.chunks.push(body);
        this.lazy = true;
      }
      const pad = padding(length);
      if (pad > 0) this.chunks.push(zeroPadding(pad));
      this.tarSize += length + pad;
    }
  }

  private seconds(d: Date): number {
    const t = this.opts.mtime && d.getTime() > this.opts.mtime.getTime() ? this.opts.mtime : d;
    return Math.floor(t.getTime() / 1000);
  }

  finish(): WrittenLayer {
    this.chunks.push(END_OF_ARCHIVE);
    this.tarSize += END_OF_ARCHIVE.length;
    return { chunks: this.chunks, lazy: this.lazy, tarSize: this.tarSize, entries: this.entries, unhashed: this.unhashed, unhashedData: this.unhashedData, size: this.size, visited: this.visited };
  }
}

const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

function emptyFileEntry(path: string, mode: string, uid: number, gid: number): LayerEntry {
  return { path, type: "file", mode, uid, gid, size: 0, sha256: EMPTY_SHA256 };
}


