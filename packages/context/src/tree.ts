import { ContextError } from "./errors.js";
import { byteCompare, cleanRelative, goClean, isClean } from "./gopath.js";
import { EMPTY, type ContextRecord, type FileBytes, recordKind } from "./record.js";
import { tarsumV1 } from "./tarsum.js";
import type { ContextEntry } from "./types.js";

/** Where a node's bytes come from: its tar record (a file's, shared by its hard links) or nothing. */
interface Content {
  data(): Buffer;
  /** A large file's bytes in chunks (ContextRecord.chunks). */
  chunks?(): Iterable<Buffer>;
  /** The file's bytes to refer to (ContextRecord.bytes). */
  bytes?(): FileBytes;
}

const NO_CONTENT: Content = { data: () => EMPTY };

/** A path of the unpacked context. */
export class ContextNode implements ContextEntry {
  readonly children: Map<string, ContextNode> | undefined;
  private cachedHash: string | undefined;

  constructor(
    private readonly tree: ContextTree,
    public path: string,
    public readonly type: "file" | "dir" | "symlink",
    public mode: number,
    /** The mtime in whole seconds: a Date per node is ~100 bytes, and only a COPY that runs reads it. */
    private mtimeSeconds: number,
    public readonly size: number,
    private readonly content: Content,
    public readonly linkname?: string,
    public readonly hardlinkTo?: string,
  ) {
    this.children = type === "dir" ? new Map() : undefined;
  }

  get mtime(): Date {
    return new Date(this.mtimeSeconds * 1000);
  }

  set mtime(d: Date) {
    this.mtimeSeconds = Math.floor(d.getTime() / 1000);
  }

  data(): Buffer {
    return this.type === "file" ? this.content.data() : EMPTY;
  }

  get hash(): string {
    return (this.cachedHash ??= this.tree.sumOf(this.path) ?? this.path);
  }

  /** A large file's content in chunks (see ContextRecord.chunks); undefined: use data(). */
  get chunks(): (() => Iterable<Buffer>) | undefined {
    const content = this.content;
    return this.type === "file" && content.chunks ? () => content.chunks!() : undefined;
  }

  /** The file's bytes to refer to, not read (see ContextRecord.bytes); undefined: use data(). */
  get bytes(): (() => FileBytes) | undefined {
    const content = this.content;
    return this.type === "file" && content.bytes ? () => content.bytes!() : undefined;
  }

  mtimeSecondsOf(): number {
    return this.mtimeSeconds;
  }

  /** Where the content comes from, shared by hard links to this node. */
  contentSource(): Content {
    return this.content;
  }
}

export type Resolution = { ok: true; rel: string } | { ok: false; reason: string };

type Lookup = { node: ContextNode } | { missing: true } | { notDir: true };

// moby/sys/symlink gives up after this many path components.
const MAX_ITERATIONS = 255;

/**
 * The context as the daemon holds it after unpacking the tar (moby FromArchive): a tree of
 * nodes, plus the tarsum of every tar entry keyed by its cleaned name. As in Docker, the sums
 * are never updated after unpacking: removing a path from the tree leaves its sum.
 */
export class ContextTree {
  readonly root: ContextNode;
  /** A tar entry's record until its tarsum is first asked for, then the tarsum. */
  private readonly sums = new Map<string, ContextRecord | string>();
  private readonly implicitTime: Date;
  /**
   * The directory the last entry went into, when its path crossed no symlink: the next entry of
   * a tar in walk order goes into the same one, and adding a child cannot change how a link-free
   * path resolves. Cleared by remove().
   */
  private lastDir: { rel: string; node: ContextNode } | undefined;

  constructor(now: Date = new Date()) {
    this.implicitTime = new Date(Math.floor(now.getTime() / 1000) * 1000);
    this.root = new ContextNode(this, "", "dir", 0o755, this.implicitTime.getTime() / 1000, 0, NO_CONTENT);
  }

  /** Unpacks one tar entry as moby's Untar would, and records its tarsum. */
  add(rec: ContextRecord): void {
    const h = rec.header;
    // A name already clean and relative (a directory walk's, most tars') is its own key and path.
    const plain = h.name !== "" && h.name.charCodeAt(0) !== 0x2f && isClean(h.name);
    const sumKey = plain ? h.name : goClean("/" + h.name).slice(1) || ".";
    if (!this.sums.has(sumKey)) this.sums.set(sumKey, rec);

    const rel = plain ? h.name : cleanRelative(goClean(h.name));
    if (rel === null) throw new ContextError(`invalid build context: tar entry ${JSON.stringify(h.name)} is outside of the context`);
    const kind = recordKind(h.typeflag);
    // The root's own entry, devices and fifos leave no node: COPY of them is not supported here.
    if (rel === "" || kind === "special") return;

    const slash = rel.lastIndexOf("/");
    const parent = this.mkdirAll(slash < 0 ? "" : rel.slice(0, slash), h.name);
    const base = rel.slice(slash + 1);
    // The parent reached without links: the path is the entry's own cleaned name, not a new string.
    const path = parent.path.length === slash && rel.startsWith(parent.path) ? rel : parent.path === "" ? base : `${parent.path}/${base}`;
    const existing = parent.children!.get(base);
    const mode = h.mode & 0o7777;
    const mtime = rec.mtimeSeconds ?? Math.floor(rec.mtime.getTime() / 1000);

    if (kind === "dir" && existing?.type === "dir") {
      existing.mode = mode;
      existing.mtime = new Date(mtime * 1000);
      return;
    }
    let node: ContextNode;
    if (kind === "dir") {
      node = new ContextNode(this, path, "dir", mode, mtime, 0, NO_CONTENT);
    } else if (kind === "symlink") {
      node = new ContextNode(this, path, "symlink", 0o777, mtime, Buffer.byteLength(h.linkname), NO_CONTENT, h.linkname);
    } else if (kind === "hardlink") {
      const target = this.hardlinkTarget(h.name, h.linkname);
      // A hard link shares the inode: the link's mode applies to both names.
      if (target.type === "file") target.mode = mode;
      node = new ContextNode(this, path, target.type, target.mode, target.mtimeSecondsOf(), target.size,
        target.contentSource(), target.linkname, target.path);
    } else {
      node = new ContextNode(this, path, "file", mode, mtime, h.size, rec);
    }
    parent.children!.set(base, node);
  }

  /** Docker's Hash(path): the tarsum of the path with symlinks followed, else the path itself; null if unresolvable. */
  hashOf(path: string): string | null {
    const r = this.resolve(path);
    if (!r.ok) return null;
    return this.sumOf(r.rel) ?? path;
  }

  /** The tarsum recorded for a cleaned relative path ("" is the root). */
  sumOf(rel: string): string | undefined {
    const key = rel === "" ? "." : rel;
    const known = this.sums.get(key);
    if (known === undefined || typeof known === "string") return known;
    const sum = known.knownTarsum ?? (known.tarsum ? known.tarsum() : recordTarsum(known));
    this.sums.set(key, sum);
    return sum;
  }

  /** The node at a cleaned relative path, symlinks not followed. */
  get(rel: string): ContextNode | undefined {
    const l = this.lookup(rel === "" ? [] : rel.split("/"));
    return "node" in l ? l.node : undefined;
  }

  /**
   * moby/sys/symlink FollowSymlinkInScope: resolves every symlink in path, the last one too,
   * with ".." and absolute targets kept inside the context root. Missing components are
   * accepted as they are. Fails when the path leaves the context, goes through a file, or
   * loops.
   */
  resolve(path: string): Resolution {
    const start = cleanRelative(path);
    if (start === null) return { ok: false, reason: "outside the context" };
    if (this.withoutLinks(start)) return { ok: true, rel: start };
    let pending = start === "" ? [] : start.split("/");
    let resolved: string[] = [];
    for (let n = 0; pending.length > 0; n++) {
      if (n > MAX_ITERATIONS) return { ok: false, reason: "too many links" };
      const p = pending.shift()!;
      if (p === "") continue;
      const cleanP = goClean("/" + [...resolved, p].join("/"));
      if (cleanP === "/") {
        resolved = [];
        continue;
      }
      const comps = cleanP.slice(1).split("/");
      const l = this.lookup(comps);
      if ("notDir" in l) return { ok: false, reason: "not a directory" };
      if ("missing" in l || l.node.type !== "symlink") {
        resolved = comps;
        continue;
      }
      const dest = l.node.linkname!;
      if (dest.startsWith("/")) resolved = [];
      pending = [...dest.split("/"), ...pending];
    }
    return { ok: true, rel: resolved.join("/") };
  }

  /**
   * Whether a cleaned path reaches its end (or a missing component) through directories only:
   * then resolving it changes nothing. One walk from the root, where the general algorithm
   * looks every prefix up again; a COPY of a large directory resolves each of its paths.
   */
  private withoutLinks(clean: string): boolean {
    let node: ContextNode | undefined = this.root;
    for (const comp of clean === "" ? [] : clean.split("/")) {
      if (!node.children) return false;
      node = node.children.get(comp);
      if (!node) return true;
      if (node.type === "symlink") return false;
    }
    return true;
  }

  /** Removes a path and everything below it, following symlinks as Docker's Remove does. */
  remove(path: string): void {
    const r = this.resolve(path);
    if (!r.ok || r.rel === "") return;
    this.lastDir = undefined;
    const slash = r.rel.lastIndexOf("/");
    const parent = this.get(slash < 0 ? "" : r.rel.slice(0, slash));
    parent?.children?.delete(r.rel.slice(slash + 1));
  }

  /** Depth-first, each directory's names in byte order: Go's filepath.Walk order. The start node is not yielded. */
  walk(from: ContextNode = this.root): ContextNode[] {
    // An array, not a generator: nested `yield*` costs a step per level for every node.
    const out: ContextNode[] = [];
    const visit = (dir: ContextNode) => {
      // A directory context's entries arrive in walk order: most directories are already sorted.
      const names = [...dir.children!.keys()];
      if (!sortedBytewise(names)) names.sort(byteCompare);
      for (const name of names) {
        const child = dir.children!.get(name)!;
        out.push(child);
        if (child.children) visit(child);
      }
    };
    if (from.children) visit(from);
    return out;
  }

  private lookup(comps: string[]): Lookup {
    let node = this.root;
    for (let i = 0; i < comps.length; i++) {
      if (!node.children) return { notDir: true };
      const next = node.children.get(comps[i]);
      if (!next) return { missing: true };
      node = next;
    }
    return { node };
  }

  /** The parent directory of a new entry: symlinks followed in scope, missing directories created. */
  private mkdirAll(rel: string, entryName: string): ContextNode {
    if (this.lastDir?.rel === rel) return this.lastDir.node;
    const linkFree = this.withoutLinks(rel);
    const r: Resolution = linkFree ? { ok: true, rel } : this.resolve(rel);
    if (!r.ok) throw new ContextError(`invalid build context: cannot unpack ${JSON.stringify(entryName)}: parent ${r.reason}`);
    let node = this.root;
    for (const comp of r.rel === "" ? [] : r.rel.split("/")) {
      let next = node.children!.get(comp);
      if (!next) {
        const path = node.path === "" ? comp : `${node.path}/${comp}`;
        // Untar creates missing parents with 0755 (0777 less the daemon's umask); no tar entry, so no tarsum.
        next = new ContextNode(this, path, "dir", 0o755, this.implicitTime.getTime() / 1000, 0, NO_CONTENT);
        node.children!.set(comp, next);
      }
      if (!next.children) {
        throw new ContextError(`invalid build context: cannot unpack ${JSON.stringify(entryName)}: ${next.path} is not a directory`);
      }
      node = next;
    }
    this.lastDir = linkFree ? { rel, node } : undefined;
    return node;
  }

  private hardlinkTarget(name: string, linkname: string): ContextNode {
    const rel = cleanRelative(linkname);
    const fail = (why: string) =>
      new ContextError(`invalid build context: hard link ${JSON.stringify(name)} -> ${JSON.stringify(linkname)}: ${why}`);
    if (rel === null || rel === "") throw fail("target outside of the context");
    const slash = rel.lastIndexOf("/");
    const dir = this.resolve(slash < 0 ? "" : rel.slice(0, slash));
    const parent = dir.ok ? this.get(dir.rel) : undefined;
    const target = parent?.children?.get(rel.slice(slash + 1));
    if (!target) throw fail("no such file");
    if (target.type === "dir") throw fail("target is a directory");
    return target;
  }
}

/** The record's tarsum from its header and content. */
export function recordTarsum(rec: ContextRecord): string {
  return tarsumV1(rec.header, recordKind(rec.header.typeflag) === "file" ? (rec.hashContent?.() ?? rec.chunks?.() ?? rec.data()) : undefined);
}

function sortedBytewise(names: string[]): boolean {
  for (let i = 1; i < names.length; i++) if (byteCompare(names[i - 1], names[i]) > 0) return false;
  return true;
}
