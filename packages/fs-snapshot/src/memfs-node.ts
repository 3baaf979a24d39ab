import { createRequire } from "node:module";
import type { Volume } from "memfs";
import { SpillRange, spillThreshold, type ExternalBytes, type SpillFile } from "./spill.js";

/**
 * Typed access to memfs's core objects. RootFS drives the memfs `Superblock`, `Link` (a directory
 * entry) and `Node` (an inode) directly rather than through the fs-style Volume methods, because
 * those check permissions without a root bypass, stamp `new Date()` on every change, and replace
 * entries on rename without POSIX checks. See README "memfs".
 */
export type Superblock = Volume["_core"];
export type Link = Superblock["root"];
export type INode = ReturnType<Link["getNode"]>;

export const S_IFMT = 0o170000;
export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;
export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;
export const S_IFIFO = 0o010000;

export type NodeKind = "file" | "dir" | "symlink" | "char" | "block" | "fifo";

const KIND_BITS: Record<NodeKind, number> = {
  file: S_IFREG, dir: S_IFDIR, symlink: S_IFLNK, char: S_IFCHR, block: S_IFBLK, fifo: S_IFIFO,
};

export function typeBits(kind: NodeKind): number {
  return KIND_BITS[kind];
}

export function kindOf(node: INode): NodeKind {
  switch (node.mode & S_IFMT) {
    case S_IFDIR: return "dir";
    case S_IFLNK: return "symlink";
    case S_IFCHR: return "char";
    case S_IFBLK: return "block";
    case S_IFIFO: return "fifo";
    default: return "file";
  }
}

export function isDir(node: INode): boolean {
  return (node.mode & S_IFMT) === S_IFDIR;
}

export function isSymlink(node: INode): boolean {
  return (node.mode & S_IFMT) === S_IFLNK;
}

type Memfs = { Volume: typeof Volume };
let memfs: Memfs | undefined;

/**
 * memfs, loaded on first use: it is a CommonJS package of some thirty modules, and a build whose
 * steps all come from the cache (or a CLI command that never builds) has no filesystem to hold.
 */
function loadMemfs(): Memfs {
  return (memfs ??= createRequire(import.meta.url)("memfs") as Memfs);
}

/** A fresh volume; its root is re-stamped by the caller (memfs creates it 0777 with the process's ids). */
export function createSuperblock(): Superblock {
  return loadMemfs().Volume.fromJSON({})._core;
}

/**
 * A new inode registered in `sb`. memfs's Node constructor asks the OS for the process's uid and
 * gid (three calls per node, about a third of the time it takes to apply a 50k-file layer) and
 * allocates four Dates; this builds the same object directly. The shape is checked against a
 * constructed node once, and the constructor is used instead if memfs ever changes it.
 */
export function createNode(sb: Superblock, mode: number, uid: number, gid: number, time: Date): INode {
  if (!nodeShape().fast) {
    const node = sb.createNode(mode);
    node.uid = uid;
    node.gid = gid;
    node.mtime = time;
    node.atime = time;
    return node;
  }
  const node = rawNode((sb as unknown as InoAllocator).newInoNumber(), mode, uid, gid, time);
  sb.inodes[node.ino] = node;
  return node;
}

interface InoAllocator {
  newInoNumber(): number;
}

interface NodeShape {
  prototype: object;
  /** The deprecated per-node event bus; nothing here subscribes, so one instance serves every node. */
  changes: unknown;
  /** Whether rawNode builds what memfs's constructor builds. */
  fast: boolean;
}

let shape: NodeShape | undefined;

function nodeShape(): NodeShape {
  if (shape) return shape;
  const reference = createSuperblock().createNode(S_IFREG | 0o644);
  shape = { prototype: Object.getPrototypeOf(reference), changes: reference.changes, fast: false };
  shape.fast =
    typeof (createSuperblock() as unknown as Partial<InoAllocator>).newInoNumber === "function" &&
    Object.keys(rawNode(1, S_IFREG | 0o644, 0, 0, new Date(0))).sort().join() === Object.keys(reference).sort().join();
  return shape;
}

const EMPTY = Buffer.alloc(0);

function rawNode(ino: number, mode: number, uid: number, gid: number, time: Date): INode {
  return new (rawNodeClass())(ino, mode, uid, gid, time) as unknown as INode;
}

type RawNodeClass = new (ino: number, mode: number, uid: number, gid: number, time: Date) => object;
let RawNode: RawNodeClass | undefined;

/**
 * Inodes built by a constructor on memfs's prototype, not Object.create and fifteen assignments:
 * V8 then keeps every field in the object itself (an object from Object.create spilled most of
 * them to a separate property array: one more object per inode, ~9 MB for a 50k-file base).
 */
function rawNodeClass(): RawNodeClass {
  if (RawNode) return RawNode;
  const { prototype, changes } = nodeShape();
  function FastNode(this: Record<string, unknown>, ino: number, mode: number, uid: number, gid: number, time: Date) {
    this.changes = changes;
    this._uid = uid;
    this._gid = gid;
    this._atime = time;
    this._mtime = time;
    this._ctime = time;
    this._btime = time;
    this.buf = EMPTY;
    this.capacity = 0;
    this.size = 0;
    this.rdev = 0;
    this._nlink = 1;
    this.mode = mode;
    this.ino = ino;
  }
  FastNode.prototype = prototype;
  return (RawNode = FastNode as unknown as RawNodeClass);
}

/** The entry named `name` in a directory; memfs keeps "." and ".." in the same map. */
export function childOf(dir: Link, name: string): Link | undefined {
  if (name === "." || name === "..") return undefined;
  return dir.children.get(name);
}

export function childNames(dir: Link): string[] {
  const out: string[] = [];
  for (const name of dir.children.keys()) if (name !== "." && name !== "..") out.push(name);
  return out;
}

export function hasChildren(dir: Link): boolean {
  for (const name of dir.children.keys()) if (name !== "." && name !== "..") return true;
  return false;
}

/** Path components below the root ([] for the root). memfs keeps `steps` = ["", ...names]. */
export function componentsOf(link: Link): string[] {
  return link.steps.slice(1);
}

export function pathOf(link: Link): string {
  return link.steps.length <= 1 ? "/" : link.steps.join("/");
}

// memfs keeps file bytes in `buf` with `size` used bytes and `capacity` allocated; the latter two
// are private in its typings. Bytes [0, size) are never rewritten in place by this package (only
// appends past `size`, or a whole new buffer), so views of them can be shared freely.
//
// A file may also continue past `size` in `tail` segments: runs of zeros held as a count (a sized
// placeholder: what `truncate -s`, `dd if=/dev/zero` and large zero writes make) and buffers
// appended after them. Such a file can be larger than any Node Buffer; its readers take it in
// chunks (contentChunks) or ranges. Segments are never modified once stored, like [0, size).
//
// The third kind of segment is a range of the tree's spill file (spill.ts): a file whose bytes in
// memory would pass spillThreshold() has them moved there, and its later writes go there too, so
// no file holds more than the threshold in Node's heap. The spill file is append-only, so such a
// range is as immutable as a buffer segment.
export type Segment = Buffer | number | SpillRange;

interface NodeStorage {
  buf: Buffer;
  size: number;
  capacity: number;
  tail?: Segment[];
}

function storage(node: INode): NodeStorage {
  return node as unknown as NodeStorage;
}

export interface ContentState {
  buf: Buffer;
  size: number;
  capacity: number;
  tail: Segment[] | undefined;
}

/** The largest file held as one Buffer; a larger file is only read in chunks or ranges. */
export const MATERIALISE_LIMIT = 1 << 30;

/** Length of the chunks of zeros handed out for placeholders (one shared, never written, buffer). */
export const ZERO_CHUNK = 1 << 20;
let zeroChunk: Buffer | undefined;

function zeroChunkBuffer(): Buffer {
  return (zeroChunk ??= Buffer.alloc(ZERO_CHUNK));
}

let storedZeros: Buffer | undefined;

/**
 * `n` (at most ZERO_CHUNK) zero bytes as a view of one shared buffer that is never written (a
 * file's stored bytes are never rewritten in place), for files whose content is zeros kept as
 * bytes. Not the placeholders' chunk: a reader that broke the never-modify rule on such a file
 * would not reach every placeholder's bytes.
 */
export function zeroView(n: number): Buffer {
  return (storedZeros ??= Buffer.alloc(ZERO_CHUNK)).subarray(0, n);
}

/** Appended buffers smaller than this are merged into the segment before them. */
const MERGE_BELOW = 1 << 16;

/** A file too large to be read whole: the message names the size and the limit. */
export class FileTooLargeError extends Error {
  readonly code = "EFBIG";
  constructor(readonly bytes: number) {
    super(`a file of ${bytes} bytes is too large to be read whole into memory (limit ${MATERIALISE_LIMIT} bytes)`);
  }
}

function segLength(seg: Segment): number {
  return typeof seg === "number" ? seg : seg.length;
}

function isSpilled(seg: Segment): seg is SpillRange {
  return seg instanceof SpillRange;
}

function tailLength(s: NodeStorage): number {
  let n = 0;
  if (s.tail) for (const seg of s.tail) n += segLength(seg);
  return n;
}

/** The file's bytes: a view when stored as one buffer, else a new Buffer. Callers must not modify it. */
export function contentView(node: INode): Buffer {
  const s = storage(node);
  if (!s.tail?.length) return s.size === 0 ? Buffer.alloc(0) : s.buf.subarray(0, s.size);
  const total = contentSize(node);
  if (total > MATERIALISE_LIMIT) throw new FileTooLargeError(total);
  return contentRange(node, 0, total);
}

export function contentSize(node: INode): number {
  const s = storage(node);
  return s.size + tailLength(s);
}

/** Bytes of the file that are not stored (placeholder zeros). */
export function placeholderSize(node: INode): number {
  let n = 0;
  for (const seg of storage(node).tail ?? []) if (typeof seg === "number") n += seg;
  return n;
}

/** Bytes of the file kept in the spill file (on disk, not in memory). */
export function spilledSize(node: INode): number {
  let n = 0;
  for (const seg of storage(node).tail ?? []) if (isSpilled(seg)) n += seg.length;
  return n;
}

/** Bytes of the file held in Node's memory (neither placeholder zeros nor spilled). */
export function inMemorySize(node: INode): number {
  const s = storage(node);
  let n = s.size;
  for (const seg of s.tail ?? []) if (Buffer.isBuffer(seg)) n += seg.length;
  return n;
}

/** Whether contentView returns a view of the stored bytes (else it made a new Buffer). */
export function contentIsOneBuffer(node: INode): boolean {
  return !storage(node).tail?.length;
}

/**
 * The file's bytes as buffers in order (stored bytes, shared chunks of zeros, spilled ranges read
 * a megabyte at a time as the iteration reaches them): what the layer writer, hashing and the
 * shell's streaming applets walk. It can be iterated any number of times, and it is a snapshot:
 * the segments are taken now, and later writes to the node never change them.
 */
export function contentChunks(node: INode): Iterable<Buffer> {
  const s = storage(node);
  // A file that is one external or spilled range (a copied context file): the range itself, no
  // list or closure per file (20,000 of them were a big context's layer).
  if (s.size === 0 && s.tail?.length === 1 && isSpilled(s.tail[0])) return s.tail[0];
  // Bytes in memory only (nearly every file): the list made directly, no generator per file.
  if (!s.tail?.length) return s.size > 0 ? [s.buf.subarray(0, s.size)] : [];
  if (!s.tail.some(isSpilled)) {
    const out: Buffer[] = s.size > 0 ? [s.buf.subarray(0, s.size)] : [];
    for (const seg of s.tail) {
      if (typeof seg !== "number") {
        if (seg.length > 0) out.push(seg as Buffer);
        continue;
      }
      const z = zeroChunkBuffer();
      let n = seg;
      for (; n >= ZERO_CHUNK; n -= ZERO_CHUNK) out.push(z);
      if (n > 0) out.push(z.subarray(0, n));
    }
    return out;
  }
  const segs: Segment[] = [];
  if (s.size > 0) segs.push(s.buf.subarray(0, s.size));
  for (const seg of s.tail ?? []) if (segLength(seg) > 0) segs.push(seg);
  // Without spilled bytes the list is cheap to make whole (zeros are references to one buffer).
  if (!segs.some(isSpilled)) return [...segmentChunks(segs)];
  return { [Symbol.iterator]: () => segmentChunks(segs) };
}

function* segmentChunks(segs: Segment[]): Generator<Buffer> {
  for (const seg of segs) {
    if (typeof seg === "number") yield* zeroChunks(seg);
    else if (isSpilled(seg)) yield* seg.chunks();
    else yield seg;
  }
}

function* zeroChunks(n: number): Generator<Buffer> {
  const z = zeroChunkBuffer();
  for (; n >= ZERO_CHUNK; n -= ZERO_CHUNK) yield z;
  if (n > 0) yield z.subarray(0, n);
}

/** Bytes [offset, offset+length) (clipped to the file), copied. */
export function contentRange(node: INode, offset: number, length: number): Buffer {
  const s = storage(node);
  const total = contentSize(node);
  const start = Math.min(Math.max(0, offset), total);
  const end = Math.min(total, start + Math.max(0, length));
  if (end - start > MATERIALISE_LIMIT) throw new FileTooLargeError(end - start);
  const out = Buffer.alloc(end - start);
  let pos = 0;
  const segs: Segment[] = [s.buf.subarray(0, s.size), ...(s.tail ?? [])];
  for (const seg of segs) {
    const len = segLength(seg);
    const from = Math.max(start, pos);
    const to = Math.min(end, pos + len);
    if (from < to && isSpilled(seg)) seg.copyTo(out, from - start, from - pos, to - pos);
    else if (from < to && Buffer.isBuffer(seg)) seg.copy(out, from - start, from - pos, to - pos);
    pos += len;
    if (pos >= end) break;
  }
  return out;
}

/**
 * Takes ownership of `buf` (no copy). Capacity = length, so a later append reallocates. Given a
 * spill file, bytes past the spill threshold go there instead (and `buf` is not kept).
 */
export function setContent(node: INode, buf: Buffer, spill?: SpillFile, threshold?: number): void {
  const s = storage(node);
  if (spill && buf.length > (threshold ?? spillThreshold())) {
    s.buf = EMPTY;
    s.size = 0;
    s.capacity = 0;
    s.tail = [spill.append(buf)];
    return;
  }
  s.buf = buf;
  s.size = buf.length;
  s.capacity = buf.length;
  if (s.tail) s.tail = undefined;
}

/** The file's bytes are those of an external file, referred to, not held (read when needed). */
export function setExternal(node: INode, bytes: ExternalBytes): void {
  const s = storage(node);
  s.buf = EMPTY;
  s.size = 0;
  s.capacity = 0;
  s.tail = bytes.length > 0 ? [new SpillRange(bytes, 0, bytes.length)] : undefined;
}

/** The file's bytes are `parts` in order (buffers taken over, numbers are runs of zeros). */
export function setParts(node: INode, parts: Segment[]): void {
  setContent(node, Buffer.alloc(0));
  storage(node).tail = parts.slice();
}

/**
 * Cuts or extends the file to `size` bytes as ftruncate(2) does: the first min(size, current)
 * bytes stay, the rest reads as zeros and is kept as a placeholder (never allocated).
 */
export function resizeContent(node: INode, size: number): void {
  const s = storage(node);
  const total = contentSize(node);
  if (size <= s.size) {
    s.buf = s.buf.subarray(0, size);
    s.size = size;
    s.capacity = size;
    if (s.tail) s.tail = undefined;
    return;
  }
  // Bytes past `size` in a geometrically grown buffer may be stale: later appends must not reuse them.
  s.buf = s.buf.subarray(0, s.size);
  s.capacity = s.size;
  const tail: Segment[] = [];
  let pos = s.size;
  for (const seg of s.tail ?? []) {
    if (pos >= size) break;
    const len = Math.min(segLength(seg), size - pos);
    tail.push(typeof seg === "number" ? len : isSpilled(seg) ? seg.slice(0, len) : seg.subarray(0, len));
    pos += len;
  }
  if (size > total) pushSegment(tail, size - total);
  s.tail = tail;
}

/**
 * Adds `seg` at the end of `tail`, joined with the last segment where the two are one run (zeros,
 * adjacent spill ranges, small buffers). A buffer is copied unless `owned` says the caller hands
 * it over (no one else will write to it).
 */
export function pushSegment(tail: Segment[], seg: Segment, owned = false): void {
  const last = tail[tail.length - 1];
  if (typeof seg === "number") {
    if (typeof last === "number") tail[tail.length - 1] = last + seg;
    else tail.push(seg);
  } else if (isSpilled(seg)) {
    if (last !== undefined && isSpilled(last) && last.joins(seg)) tail[tail.length - 1] = new SpillRange(last.file, last.offset, last.length + seg.length);
    else tail.push(seg);
  } else if (last !== undefined && Buffer.isBuffer(last) && last.length + seg.length <= MERGE_BELOW) {
    tail[tail.length - 1] = Buffer.concat([last, seg]);
  } else {
    tail.push(owned ? seg : Buffer.from(seg));
  }
}

/** Whether every byte of `data` is zero. */
/** A block of zeros that allZero compares against (memcmp, 64 KiB at a time). */
const ZERO_BLOCK = new Uint8Array(64 * 1024);

/** Per buffer never written again (adopted), how many bytes from its start are known to be zeros. */
const knownZero = new WeakMap<ArrayBufferLike, number>();

/**
 * allZero, remembered for a buffer its caller will never write (writeFile's `adopt`): the shared
 * zero buffers placeholders are views of (an `apk add nodejs` adopts 55 MB of them per build)
 * are compared once per process, not once per file.
 */
export function allZeroAdopted(data: Uint8Array): boolean {
  const end = data.byteOffset + data.length;
  const known = knownZero.get(data.buffer) ?? 0;
  if (known >= end) return true;
  if (!allZero(data)) return false;
  if (data.byteOffset === 0) knownZero.set(data.buffer, end);
  return true;
}

export function allZero(data: Uint8Array): boolean {
  // Native compares: reading the bytes as BigUint64 words made a BigInt per 8 bytes (17 ms of a
  // 29 ms apk build that writes package placeholders).
  for (let off = 0; off < data.length; off += ZERO_BLOCK.length) {
    const len = Math.min(ZERO_BLOCK.length, data.length - off);
    if (Buffer.compare(data.subarray(off, off + len), len === ZERO_BLOCK.length ? ZERO_BLOCK : ZERO_BLOCK.subarray(0, len)) !== 0) return false;
  }
  return true;
}

/**
 * Appends past the used bytes (memfs grows the buffer geometrically); never touches [0, size).
 * A file with a tail grows its tail instead: zeros as a count, other bytes as a new segment.
 * Given a spill file, a file whose bytes in memory would pass the spill threshold has them moved
 * there first, and a file already spilled appends there.
 */
export function appendContent(node: INode, data: Buffer, spill?: SpillFile): void {
  if (data.length === 0) return;
  const s = storage(node);
  if (spill && (hasSpilled(s) || inMemorySize(node) + data.length > spillThreshold()) && !allZero(data)) {
    const tail = spillStored(s, spill);
    pushSegment(tail, spill.append(data));
    s.buf = EMPTY;
    s.size = 0;
    s.capacity = 0;
    s.tail = tail;
    return;
  }
  if (s.tail?.length) {
    const tail = s.tail.slice();
    pushSegment(tail, allZero(data) ? data.length : data);
    s.tail = tail;
    return;
  }
  const mtime = node.mtime;
  node.write(data, 0, data.length, s.size);
  node.mtime = mtime;
}

function hasSpilled(s: NodeStorage): boolean {
  return s.tail?.some(isSpilled) === true;
}

/**
 * The file's segments with every in-memory byte written to the spill file: a new list, so the
 * old state (kept by an undo record) still reads as it did.
 */
function spillStored(s: NodeStorage, spill: SpillFile): Segment[] {
  const tail: Segment[] = [];
  if (s.size > 0) pushSegment(tail, spill.append(s.buf.subarray(0, s.size)));
  for (const seg of s.tail ?? []) pushSegment(tail, Buffer.isBuffer(seg) ? spill.append(seg) : seg);
  return tail;
}

/** `to` gets `from`'s bytes, sharing them (stored bytes are never rewritten in place). */
export function shareContent(from: INode, to: INode): void {
  restoreContent(to, { ...saveContent(from), capacity: storage(from).size });
}

export function saveContent(node: INode): ContentState {
  const s = storage(node);
  return { buf: s.buf, size: s.size, capacity: s.capacity, tail: s.tail };
}

export function restoreContent(node: INode, state: ContentState): void {
  const s = storage(node);
  s.buf = state.buf;
  s.size = state.size;
  s.capacity = state.capacity;
  if (state.tail || s.tail) s.tail = state.tail;
}

// Linux dev_t encoding (glibc makedev), computed with arithmetic: the high parts exceed 32 bits.
export function makedev(major: number, minor: number): number {
  return (minor & 0xff) + (major & 0xfff) * 2 ** 8 + Math.floor(minor / 2 ** 8) * 2 ** 20 + Math.floor(major / 2 ** 12) * 2 ** 44;
}

export function devMajor(rdev: number): number {
  return (Math.floor(rdev / 2 ** 8) & 0xfff) + Math.floor(rdev / 2 ** 44) * 2 ** 12;
}

export function devMinor(rdev: number): number {
  return (rdev & 0xff) + (Math.floor(rdev / 2 ** 20) & 0xffffff) * 2 ** 8;
}
