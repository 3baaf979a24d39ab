import { Readable } from "node:stream";
import { whiteoutOf } from "@tsbuild/image";
import { isFsError } from "./errors.js";
import { childNames, childOf, isDir, isSymlink, makedev, pathOf, setParts, type INode, type Link, type NodeKind } from "./memfs-node.js";
import { resolvePath } from "./resolve.js";
import { spillThreshold } from "./spill.js";
import type { HollowLayer } from "./base-memo.js";
import { forEachHollowTarEntry, forEachTarEntry, forEachVerifiedTarEntry, type TarEntry } from "./tar-reader.js";
import type { Tree } from "./tree.js";


/**
 * Applies one image layer the way Docker's overlay2 driver makes it visible (pkg/archive Unpack in a
 * chroot, then the overlay stack): names are cleaned and confined to the root ("../x" and "/x" both
 * land at /x), parents are resolved through symlinks inside the tree, missing parents are created
 * 0755 root:root, `.wh.NAME` deletes NAME, `DIR/.wh..wh..opq` empties DIR of everything this layer
 * did not itself put there, an entry replaces whatever non-directory (or directory, unless it is a
 * directory too) was at its path, and directory mtimes are set last.
 */
export async function applyLayerTo(tree: Tree, input: Buffer | NodeJS.ReadableStream, now: () => Date, opts: ApplyOptions = {}): Promise<void> {
  const apply = new LayerApplier(tree, now, opts.cacheParents ?? true);
  await forEachTarEntry(input, (e) => apply.entry(e), tree.spill);
  apply.finish();
}

export interface ApplyOptions {
  /** Resolve each entry's parent from the root, as before the cache (the tests' reference). */
  cacheParents?: boolean;
}

/** Past this many bytes a verified layer is walked as it streams instead of held first. */
export const HOLD_MAX = 256 * 1024 * 1024;

/**
 * applyLayerTo for a layer whose bytes a store has verified against its diffID: read into
 * chunks first (a memory store hands over its own buffers; the tree keeps views of the bodies
 * either way) and walked synchronously, with no promise per entry. A layer larger than
 * HOLD_MAX goes on through the streaming walk from where the chunks end, so a huge sparse file
 * is never held whole.
 */
export async function applyVerifiedLayerTo(tree: Tree, input: Buffer | NodeJS.ReadableStream, now: () => Date): Promise<void> {
  if (Buffer.isBuffer(input)) return applyVerifiedChunks(tree, [input], now);
  const chunks: Buffer[] = [];
  let held = 0;
  const it = (input as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  for (;;) {
    const r = await it.next();
    if (r.done) return applyVerifiedChunks(tree, chunks, now);
    const c = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
    chunks.push(c);
    held += c.length;
    if (held > HOLD_MAX) break;
  }
  async function* rest(): AsyncGenerator<Buffer> {
    yield* chunks.splice(0);
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value as Buffer;
    }
  }
  await applyLayerTo(tree, Readable.from(rest(), { objectMode: false }), now);
}

/** A verified layer already held as buffers (views of them stay in the tree). */
export function applyVerifiedChunks(tree: Tree, chunks: readonly Buffer[], now: () => Date): void {
  const apply = new LayerApplier(tree, now);
  forEachVerifiedTarEntry(chunks, (e) => apply.entry(e), tree.spill);
  apply.finish();
}

/**
 * A verified layer given hollow (headers and padding, and its files' bodies by reference): the
 * tree's files refer to the bodies and read them when they are needed (a RUN reading the file,
 * a copy-up into the next layer), so materialising a base reads no file data at all.
 */
export function applyHollowLayer(tree: Tree, layer: HollowLayer, now: () => Date): void {
  const apply = new LayerApplier(tree, now);
  forEachHollowTarEntry(layer, (e) => apply.entry(e));
  apply.finish();
}

/** One layer's entries applied in order; `finish` sets the directory times. */
class LayerApplier {
  private readonly unpacked = new Set<Link>();
  private readonly dirTimes: Array<[INode, Date]> = [];
  /**
   * Directories already resolved, by their cleaned path: a layer lists a directory's entries
   * together, and resolving every entry's parent from the root was most of applying one. Adding
   * entries never changes where a resolved path leads; removing one can, so any removal clears it.
   */
  private readonly dirs = new Map<string, Link>();
  private readonly spillAbove = spillThreshold();

  constructor(
    private readonly tree: Tree,
    private readonly now: () => Date,
    private readonly cacheParents = true,
  ) {}

  entry(e: TarEntry): void {
    const { tree } = this;
    const comps = cleanComponents(e.name);
    if (comps.length === 0) return; // the root keeps its metadata, as in Unpack
    const name = comps[comps.length - 1];
    const whiteout = whiteoutOf(name);
    // Everything below a top-level AUFS metadata directory is bookkeeping too.
    if (whiteoutOf(comps[0])?.kind === "meta" && whiteout?.kind !== "opaque") return;
    const parent = this.parentDir(comps, e.name);
    if (whiteout) {
      if (whiteout.kind === "opaque") {
        this.dirs.clear();
        removeUnpacked(tree, parent, this.unpacked);
      } else if (whiteout.kind === "delete") {
        const victim = childOf(parent, whiteout.name);
        if (victim) this.remove(victim);
      }
      return;
    }
    const existing = childOf(parent, name);
    let link: Link;
    if (existing && e.type === "dir" && isDir(existing.node)) {
      link = existing;
      setMetadata(link.node, e);
    } else {
      if (existing) this.remove(existing);
      link = create(tree, parent, name, e, this.spillAbove);
      if (e.type === "hardlink") setMetadata(link.node, e);
    }
    if (e.type === "dir") this.dirTimes.push([link.node, e.mtime]);
    this.unpacked.add(link);
  }

  finish(): void {
    for (const [node, mtime] of this.dirTimes) {
      node.mtime = mtime;
      node.atime = mtime;
    }
  }

  private remove(link: Link): void {
    this.dirs.clear();
    this.tree.removeEntry(link);
  }

  private parentDir(comps: string[], entryName: string): Link {
    if (comps.length === 1) return this.tree.root;
    const key = comps.length === 2 ? comps[0] : comps.slice(0, -1).join("/");
    let dir = this.cacheParents ? this.dirs.get(key) : undefined;
    if (!dir) {
      dir = ensureDir(this.tree, comps.slice(0, -1), entryName, this.now);
      if (this.cacheParents) this.dirs.set(key, dir);
    }
    return dir;
  }
}

/** The components of "/" + name cleaned as path.posix.normalize does ("." dropped, ".." stops at the root). */
function cleanComponents(name: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= name.length; i++) {
    if (i < name.length && name.charCodeAt(i) !== 47) continue;
    if (i > start) {
      const c = name.slice(start, i);
      if (c === "..") out.pop();
      else if (c !== ".") out.push(c);
    }
    start = i + 1;
  }
  return out;
}

function create(tree: Tree, parent: Link, name: string, e: TarEntry, spillAbove: number): Link {
  if (e.type === "hardlink") {
    let target;
    try {
      target = resolvePath(tree.root, "/" + e.linkname, false, "link");
    } catch (err) {
      throw new Error(`applyLayer: hard link ${e.name} -> ${e.linkname}: ${(err as Error).message}`);
    }
    if (!target.link) throw new Error(`applyLayer: hard link ${e.name} -> ${e.linkname}: no such file in the tree`);
    if (isDir(target.link.node)) throw new Error(`applyLayer: hard link ${e.name} -> ${e.linkname}: the target is a directory`);
    return tree.addEntry(parent, name, target.link.node, true);
  }
  const kind = nodeKind(e);
  const node = tree.newNode({
    kind, perm: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime,
    symlink: kind === "symlink" ? e.linkname : undefined,
    rdev: kind === "char" || kind === "block" ? makedev(e.devmajor, e.devminor) : 0,
    content: kind === "file" && !e.external ? e.data : undefined,
    external: kind === "file" ? e.external : undefined,
    spillAbove,
  });
  if (kind === "file" && e.parts) setParts(node, e.parts);
  return tree.addEntry(parent, name, node);
}

function nodeKind(e: TarEntry): NodeKind {
  if (e.type === "hardlink" || e.type === "other") throw new Error(`applyLayer: ${e.name}: unsupported tar entry type`);
  return e.type;
}

// Unpack's order: lchown, then chmod (skipped for symlinks and links to them), then times;
// directory times wait until the end because creating entries would disturb them. New nodes are
// created with their metadata; this is for merged directories and hard links.
function setMetadata(node: INode, e: TarEntry): void {
  if (node.uid !== e.uid || node.gid !== e.gid) {
    node.uid = e.uid;
    node.gid = e.gid;
  }
  if (isSymlink(node)) {
    node.mtime = e.mtime;
    return;
  }
  node.mode = (node.mode & ~0o7777) | (e.mode & 0o7777);
  if (!isDir(node)) {
    node.mtime = e.mtime;
    node.atime = e.mtime;
  }
}

/** An opaque marker: everything below `dir` that this layer did not unpack came from lower layers. */
function removeUnpacked(tree: Tree, dir: Link, unpacked: Set<Link>): void {
  for (const name of childNames(dir)) {
    const child = dir.children.get(name)!;
    if (!unpacked.has(child)) tree.removeEntry(child);
    else if (isDir(child.node)) removeUnpacked(tree, child, unpacked);
  }
}

/** The directory at `comps` (symlinks followed inside the tree), creating missing ones 0755 root:root. */
function ensureDir(tree: Tree, comps: string[], entryName: string, now: () => Date): Link {
  const found = lookupDir(tree, "/" + comps.join("/"), entryName);
  if (found) return found;
  let dir = tree.root;
  for (const c of comps) {
    const path = pathOf(dir) === "/" ? "/" + c : pathOf(dir) + "/" + c;
    const existing = lookupDir(tree, path, entryName);
    if (existing) {
      dir = existing;
      continue;
    }
    const r = resolvePath(tree.root, path, true, "mkdir");
    dir = tree.addEntry(r.parent, r.name, tree.newNode({ kind: "dir", perm: 0o755, uid: 0, gid: 0, mtime: now() }));
  }
  return dir;
}

/** The directory at `path`, or undefined when a component is missing. */
function lookupDir(tree: Tree, path: string, entryName: string): Link | undefined {
  let link: Link | undefined;
  try {
    link = resolvePath(tree.root, path, true, "mkdir").link;
  } catch (err) {
    if (isFsError(err, "ENOENT")) return undefined;
    throw new Error(`applyLayer: ${entryName}: ${(err as Error).message}`);
  }
  if (link && !isDir(link.node)) throw new Error(`applyLayer: ${entryName}: ${path} is not a directory`);
  return link;
}
