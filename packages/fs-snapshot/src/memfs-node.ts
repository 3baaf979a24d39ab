import { createRequire } from "node:module";
import type { Volume } from "memfs";

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
  const { prototype, changes } = nodeShape();
  const n = Object.create(prototype) as Record<string, unknown>;
  n.changes = changes;
  n._uid = uid;
  n._gid = gid;
  n._atime = time;
  n._mtime = time;
  n._ctime = time;
  n._btime = time;
  n.buf = EMPTY;
  n.capacity = 0;
  n.size = 0;
  n.rdev = 0;
  n._nlink = 1;
  n.mode = mode;
  n.ino = ino;
  return n as unknown as INode;
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
interface NodeStorage {
  buf: Buffer;
  size: number;
  capacity: number;
}

function storage(node: INode): NodeStorage {
  return node as unknown as NodeStorage;
}

export interface ContentState {
  buf: Buffer;
  size: number;
  capacity: number;
}

/** The file's bytes without copying. Callers must not modify the view. */
export function contentView(node: INode): Buffer {
  const s = storage(node);
  return s.size === 0 ? Buffer.alloc(0) : s.buf.subarray(0, s.size);
}

export function contentSize(node: INode): number {
  return storage(node).size;
}

/** Takes ownership of `buf` (no copy). Capacity = length, so a later append reallocates. */
export function setContent(node: INode, buf: Buffer): void {
  const s = storage(node);
  s.buf = buf;
  s.size = buf.length;
  s.capacity = buf.length;
}

/** Appends past the used bytes (memfs grows the buffer geometrically); never touches [0, size). */
export function appendContent(node: INode, data: Buffer): void {
  if (data.length === 0) return;
  const mtime = node.mtime;
  node.write(data, 0, data.length, storage(node).size);
  node.mtime = mtime;
}

export function saveContent(node: INode): ContentState {
  const s = storage(node);
  return { buf: s.buf, size: s.size, capacity: s.capacity };
}

export function restoreContent(node: INode, state: ContentState): void {
  const s = storage(node);
  s.buf = state.buf;
  s.size = state.size;
  s.capacity = state.capacity;
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
