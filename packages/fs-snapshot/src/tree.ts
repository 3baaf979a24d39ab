import {
  S_IFDIR, S_IFMT, childNames, createNode, createSuperblock, isDir, saveContent, restoreContent, setContent, appendContent,
  resizeContent, setExternal, shareContent, typeBits, type INode, type Link, type NodeKind, type Superblock,
} from "./memfs-node.js";
import { SpillFile, type ExternalBytes } from "./spill.js";
import type { UndoLog } from "./undo.js";

export interface NodeInit {
  kind: NodeKind;
  perm: number;
  uid: number;
  gid: number;
  mtime: Date;
  symlink?: string;
  rdev?: number;
  /** Taken over without copying. */
  content?: Buffer;
  /** The bytes of a file outside the tree, referred to (read when needed), instead of `content`. */
  external?: ExternalBytes;
  /** spillThreshold(), when the caller has read it (it reads the environment: a layer's 50,000 files read it once). */
  spillAbove?: number;
}

/**
 * The structural edits of the memfs tree, each recording its inverse while an undo log is set.
 * Keeps memfs's bookkeeping right (link counts, the inode table, entry paths) and never lets memfs
 * stamp a directory's mtime as a side effect: callers decide every timestamp.
 */
export class Tree {
  readonly sb: Superblock;
  readonly root: Link;
  undo: UndoLog | null = null;
  /** Where this tree's large files keep their bytes (opened on first use). */
  readonly spill = new SpillFile();

  constructor(rootMtime: Date) {
    this.sb = createSuperblock();
    this.root = this.sb.root;
    const n = this.root.node;
    n.mode = S_IFDIR | 0o755;
    n.uid = 0;
    n.gid = 0;
    n.mtime = rootMtime;
    n.atime = rootMtime;
  }

  /** A new inode, not yet linked anywhere. */
  newNode(init: NodeInit): INode {
    const node = createNode(this.sb, typeBits(init.kind) | (init.perm & 0o7777), init.uid, init.gid, init.mtime);
    if (init.kind === "symlink") node.symlink = init.symlink ?? "";
    if (init.rdev) node.rdev = init.rdev;
    if (init.content) setContent(node, init.content, this.spill, init.spillAbove);
    else if (init.external) setExternal(node, init.external);
    return node;
  }

  /** A copy of a non-directory inode sharing its bytes (safe: stored bytes are never rewritten). */
  cloneNode(node: INode): INode {
    const copy = createNode(this.sb, node.mode, node.uid, node.gid, node.mtime);
    copy.atime = node.atime;
    copy.rdev = node.rdev;
    copy.symlink = node.symlink;
    shareContent(node, copy);
    return copy;
  }

  /** Names `node` as `dir/name`. `extraLink`: the node already has another name (a hard link). */
  addEntry(dir: Link, name: string, node: INode, extraLink = false): Link {
    if (extraLink) node.nlink++;
    const link = linkShape(this.sb).fast ? newLink(dir, name, node) : this.keepDirTimes(dir, () => dir.createChild(name, node));
    this.undo?.push(() => {
      this.keepDirTimes(dir, () => dir.deleteChild(link));
      if (extraLink) node.nlink--;
      else delete this.sb.inodes[node.ino];
    });
    return link;
  }

  /** Unlinks an entry; for a directory the whole subtree goes, dropping its names' link counts. */
  removeEntry(link: Link): void {
    const dir = link.parent;
    if (!dir || link === this.root) throw new Error("fs-snapshot: the root cannot be removed");
    this.keepDirTimes(dir, () => dir.deleteChild(link));
    const unlinked: INode[] = [];
    const released: INode[] = [];
    forEachLink(link, (l) => {
      const n = l.node;
      if (isDir(n)) {
        released.push(n);
        return;
      }
      n.nlink--;
      unlinked.push(n);
      if (n.nlink === 0) released.push(n);
    });
    for (const n of released) delete this.sb.inodes[n.ino];
    this.undo?.push(() => {
      for (const n of released) this.sb.inodes[n.ino] = n;
      for (const n of unlinked) n.nlink++;
      this.keepDirTimes(dir, () => dir.setChild(link.name, link));
    });
  }

  /** Moves an entry (and its subtree) to `to/name`; the destination name must be free. */
  moveEntry(link: Link, to: Link, name: string): void {
    const from = link.parent!;
    const oldName = link.name;
    this.relink(link, from, to, name);
    this.undo?.push(() => this.relink(link, to, from, oldName));
  }

  /** Points an entry at another inode (used to break a hard link). */
  replaceNode(link: Link, node: INode): void {
    const old = link.node;
    link.setNode(node);
    old.nlink--;
    this.undo?.push(() => {
      link.setNode(old);
      old.nlink++;
      delete this.sb.inodes[node.ino];
    });
  }

  setPerm(node: INode, perm: number): void {
    const old = node.mode;
    node.mode = (node.mode & S_IFMT) | (perm & 0o7777);
    this.undo?.push(() => {
      node.mode = old;
    });
  }

  setOwner(node: INode, uid: number, gid: number): void {
    const oldUid = node.uid;
    const oldGid = node.gid;
    node.uid = uid;
    node.gid = gid;
    this.undo?.push(() => {
      node.uid = oldUid;
      node.gid = oldGid;
    });
  }

  setTimes(node: INode, atime: Date, mtime: Date): void {
    const oldA = node.atime;
    const oldM = node.mtime;
    node.atime = atime;
    node.mtime = mtime;
    this.undo?.push(() => {
      node.atime = oldA;
      node.mtime = oldM;
    });
  }

  setMtime(node: INode, mtime: Date): void {
    this.setTimes(node, node.atime, mtime);
  }

  /** Replaces the bytes, taking ownership of `buf`. */
  replaceContent(node: INode, buf: Buffer): void {
    const old = saveContent(node);
    setContent(node, buf, this.spill);
    this.undo?.push(() => restoreContent(node, old));
  }

  /** Replaces the bytes by a reference to an external file's. */
  replaceExternal(node: INode, bytes: ExternalBytes): void {
    const old = saveContent(node);
    setExternal(node, bytes);
    this.undo?.push(() => restoreContent(node, old));
  }

  /** ftruncate(2): zeros past the current end are a placeholder, not bytes. */
  resizeContent(node: INode, size: number): void {
    const old = saveContent(node);
    resizeContent(node, size);
    this.undo?.push(() => restoreContent(node, old));
  }

  appendContent(node: INode, data: Buffer): void {
    const old = saveContent(node);
    appendContent(node, data, this.spill);
    this.undo?.push(() => restoreContent(node, old));
  }

  private relink(link: Link, from: Link, to: Link, name: string): void {
    this.keepDirTimes(from, () =>
      this.keepDirTimes(to, () => {
        from.deleteChild(link);
        link.name = name;
        to.setChild(name, link);
        link.syncSteps();
      }),
    );
  }

  // memfs sets a directory's mtime to the wall clock whenever an entry is added or removed.
  private keepDirTimes<T>(dir: Link, fn: () => T): T {
    const node = dir.node;
    const mtime = node.mtime;
    const atime = node.atime;
    const out = fn();
    node.mtime = mtime;
    node.atime = atime;
    return out;
  }
}

/** Visits `link` and everything below it (iteratively: trees can be deep). */
export function forEachLink(link: Link, visit: (l: Link) => void): void {
  const stack: Link[] = [link];
  while (stack.length > 0) {
    const l = stack.pop()!;
    visit(l);
    if (isDir(l.node)) for (const name of childNames(l)) stack.push(l.children.get(name)!);
  }
}

interface LinkShape {
  prototype: object;
  /** The deprecated per-link event bus; nothing here subscribes, so one instance serves every link. */
  changes: unknown;
  /** Whether newLink builds what memfs's createChild builds. */
  fast: boolean;
}

let shape: LinkShape | undefined;

function linkShape(sb: Superblock): LinkShape {
  if (shape) return shape;
  const root = sb.root;
  shape = { prototype: Object.getPrototypeOf(root), changes: root.changes, fast: false };
  const a = createSuperblock();
  const b = createSuperblock();
  const made = a.root.createChild("f", createNode(a, S_IFDIR | 0o755, 0, 0, new Date(0)));
  const raw = newLink(b.root, "f", createNode(b, S_IFDIR | 0o755, 0, 0, new Date(0)), shape);
  shape.fast = Object.keys(raw).sort().join() === Object.keys(made).sort().join() && raw.steps.join("/") === made.steps.join("/");
  return shape;
}

/**
 * The children of every link that is not a directory: one shared empty map, not a Map per file
 * (50,000 of them were a fifth of what a 50k-file base keeps alive, and of its GC). Nothing adds
 * entries below a non-directory; if anything tried, it fails here rather than share them.
 */
class NoChildren extends Map<string, Link> {
  override set(name: string): this {
    throw new Error(`a non-directory cannot hold entries (${name})`);
  }
}
const NO_CHILDREN: Map<string, Link> = new NoChildren();

/**
 * memfs's createChild without its side effects: it allocates an event bus per link and stamps the
 * directory's mtime (and ctime) with new Dates that addEntry then had to put back, per entry; a
 * 50k-file base makes 50k links. Built directly, as memfs-node's createNode builds inodes, once
 * the shape is checked against a link memfs made.
 */
function newLink(dir: Link, name: string, node: INode, s: LinkShape = shape!): Link {
  const link = new (linkClass(s))(dir, name, node) as unknown as Link;
  dir.children.set(name, link);
  dir.length++;
  if (isDir(node)) {
    link.children.set(".", link);
    link.children.set("..", dir);
    node.nlink++;
    dir.node.nlink++;
  }
  return link;
}

type LinkClass = new (dir: Link, name: string, node: INode) => object;
let MadeLink: LinkClass | undefined;

/** Links built by a constructor on memfs's prototype: V8 keeps their fields in the object (see rawNode). */
function linkClass(s: LinkShape): LinkClass {
  if (MadeLink) return MadeLink;
  function FastLink(this: Record<string, unknown>, dir: Link, name: string, node: INode) {
    this.changes = s.changes;
    this.children = isDir(node) ? new Map() : NO_CHILDREN;
    this._steps = dir.steps.concat(name);
    this.ino = node.ino;
    this.length = 0;
    this.vol = dir.vol;
    this.parent = dir;
    this.name = name;
    this.node = node;
  }
  FastLink.prototype = s.prototype;
  return (MadeLink = FastLink as unknown as LinkClass);
}
