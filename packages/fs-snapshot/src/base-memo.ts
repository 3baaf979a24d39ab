import { applyHollowLayer, applyVerifiedChunks, applyVerifiedLayerTo, HOLD_MAX } from "./apply-layer.js";
import { inMemorySize, isDir, type INode, type Link } from "./memfs-node.js";
import type { ExternalBytes } from "./spill.js";
import { Tree } from "./tree.js";

/**
 * An image layer whose diffID its source has already verified (a store checks every tar it is
 * given; a built-in image is a pure function of its spec). Never a network layer not yet hashed:
 * the memo below trusts the diffID to name the bytes.
 */
export interface VerifiedLayer {
  diffID: string;
  open(): Promise<Buffer | NodeJS.ReadableStream>;
  /** The same tar as buffers when the source holds it (or can rebuild it) whole and it is at most `maxBytes`. */
  chunks?(maxBytes: number): Promise<Buffer[] | undefined>;
  /**
   * The layer hollow, when its source keeps the members' data as files it can refer to (a disk
   * store's diff/): what materialising prefers, since no file's bytes are read until needed.
   */
  hollow?(): Promise<HollowLayer | undefined>;
}

/**
 * A layer's members without their data: each member's header as archive's tar reader folds it
 * (PAX records and long names applied, global headers left out), in tar order, with its data as
 * bytes the tree can refer to. The source vouches that these are the layer whose diffID it gives
 * (a disk store's tar-split and diff/, from which it rebuilds the verified tar).
 */
export interface HollowLayer {
  /** Names the layer in errors. */
  what?: string;
  /** Where the bodies are (a store's diff/ directory): part of the base memo's key. */
  source: string;
  members(visit: (m: HollowMember) => void): void;
}

/** One member; `mtime` in seconds (a PAX time keeps its fraction). `visit` may not keep it. */
export interface HollowMember {
  name: string;
  linkname: string;
  typeflag: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  devmajor: number;
  devminor: number;
  body?: ExternalBytes;
}

/** How many materialised bases the process keeps, and how many file bytes they may hold between them. */
const MAX_TREES = 4;
const MAX_BYTES = 256 * 1024 * 1024;

interface Memo {
  tree: Promise<Tree>;
  bytes: number;
}

/**
 * Base trees by their layers' diffIDs (and the clock that stamped any directory the tars left
 * out): every build on the same base used to re-read and re-apply its layer tars, ~110 ms for
 * debian in process (issue 16). A kept tree is never handed out or changed: a build gets a copy
 * (new inodes and entries, file bytes shared, as `Tree.cloneNode` shares them). Docker likewise
 * extracts a pulled layer once and stacks it under every container.
 */
const memo = new Map<string, Memo>();

/**
 * Bases materialised once, not kept: a tree is kept (and copied) from the second time its
 * layers are asked for, so a process that builds once (the CLI) pays no copy on top of applying.
 */
const seen = new Set<string>();
const MAX_SEEN = 64;

/** Fills `into` (an empty tree) with the layers applied in order, from a kept tree when there is one. */
export async function applyVerifiedLayers(into: Tree, layers: readonly VerifiedLayer[], now: () => Date, clockKey: string): Promise<void> {
  // A hollow layer's tree refers to its source's files, so its key names them too: a tree kept
  // from one store must not be copied for a build on another (which may be gone by then, as a
  // removed layer's files are), even for the same diffIDs.
  const hollows = await Promise.all(layers.map((l) => l.hollow?.()));
  const key = clockKey + "\n" + layers.map((l, i) => (hollows[i] ? `${l.diffID} ${hollows[i]!.source}` : l.diffID)).join("\n");
  let kept = memo.get(key);
  if (kept) {
    memo.delete(key); // refresh its place: the map's order is the eviction order
    memo.set(key, kept);
  } else if (!seen.has(key)) {
    seen.add(key);
    if (seen.size > MAX_SEEN) seen.delete(seen.values().next().value!);
    for (const [i, l] of layers.entries()) await applyOne(into, l, hollows[i], now);
    return;
  } else {
    kept = { tree: materialise(layers, hollows, now), bytes: 0 };
    memo.set(key, kept);
    const entry = kept;
    kept.tree.then(
      (tree) => {
        entry.bytes = bytesOf(tree.root);
        evict();
      },
      () => memo.delete(key),
    );
  }
  copyTree(await kept.tree, into);
}

async function materialise(layers: readonly VerifiedLayer[], hollows: ReadonlyArray<HollowLayer | undefined>, now: () => Date): Promise<Tree> {
  const tree = new Tree(now());
  for (const [i, l] of layers.entries()) await applyOne(tree, l, hollows[i], now);
  return tree;
}

async function applyOne(tree: Tree, l: VerifiedLayer, hollow: HollowLayer | undefined, now: () => Date): Promise<void> {
  if (hollow) return applyHollowLayer(tree, hollow, now);
  const chunks = await l.chunks?.(HOLD_MAX);
  if (chunks) applyVerifiedChunks(tree, chunks, now);
  else await applyVerifiedLayerTo(tree, await l.open(), now);
}

function evict(): void {
  let bytes = 0;
  for (const m of memo.values()) bytes += m.bytes;
  for (const [key, m] of memo) {
    if (memo.size <= MAX_TREES && bytes <= MAX_BYTES) break;
    memo.delete(key);
    bytes -= m.bytes;
  }
}

/** File bytes held in memory below `root`, each inode once (busybox's hundreds of hard links are one file). */
function bytesOf(root: Link): number {
  const counted = new Set<INode>();
  let n = 0;
  const stack = [root];
  while (stack.length > 0) {
    const l = stack.pop()!;
    if (isDir(l.node)) {
      for (const [name, child] of l.children) if (child && name !== "." && name !== "..") stack.push(child);
    } else if (!counted.has(l.node)) {
      counted.add(l.node);
      n += inMemorySize(l.node); // bytes a hollow layer's files refer to are not held
    }
  }
  return n;
}

/**
 * Copies everything below `from`'s root into `into`'s root (which keeps its own metadata, as a
 * layer never changes the root's), in the same entry order, hard links kept as shared inodes.
 */
function copyTree(from: Tree, into: Tree): void {
  const copies = new Map<INode, INode>();
  const stack: Array<[Link, Link]> = [[from.root, into.root]];
  while (stack.length > 0) {
    const [src, dst] = stack.pop()!;
    for (const [name, child] of src.children) {
      if (!child || name === "." || name === "..") continue;
      const node = child.node;
      const shared = copies.get(node);
      if (shared) {
        into.addEntry(dst, name, shared, true);
        continue;
      }
      const copy = isDir(node) ? copyDir(into, node) : into.cloneNode(node);
      copy.ctime = node.ctime;
      copy.btime = node.btime;
      if (node.nlink > 1 && !isDir(node)) copies.set(node, copy);
      const link = into.addEntry(dst, name, copy);
      if (isDir(node)) stack.push([child, link]);
    }
  }
}

function copyDir(into: Tree, node: INode): INode {
  const copy = into.newNode({ kind: "dir", perm: node.mode, uid: node.uid, gid: node.gid, mtime: node.mtime });
  copy.atime = node.atime;
  return copy;
}
