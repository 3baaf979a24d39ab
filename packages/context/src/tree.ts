import { ContextError } from "./errors.js";
import { byteCompare, cleanRelative, goClean } from "./gopath.js";
import { EMPTY, type ContextRecord, recordKind } from "./record.js";
import { tarsumV1 } from "./tarsum.js";
import type { ContextEntry } from "./types.js";

/** A path of the unpacked context. */
export class ContextNode implements ContextEntry {
  readonly children: Map<string, ContextNode> | undefined;
  private cachedHash: string | undefined;

  constructor(
    private readonly tree: ContextTree,
    public path: string,
    public readonly type: "file" | "dir" | "symlink",
    public mode: number,
    public mtime: Date,
    public readonly size: number,
    private readonly content: () => Buffer,
    public readonly linkname?: string,
    public readonly hardlinkTo?: string,
    private readonly streamed?: () => Iterable<Buffer>,
  ) {
    this.children = type === "dir" ? new Map() : undefined;
  }

  data(): Buffer {
    return this.type === "file" ? this.content() : EMPTY;
  }

  get hash(): string {
    return (this.cachedHash ??= this.tree.sumOf(this.path) ?? this.path);
  }

  /** A large file's content in chunks (see ContextRecord.chunks); undefined: use data(). */
  get chunks(): (() => Iterable<Buffer>) | undefined {
    return this.type === "file" ? this.streamed : undefined;
  }

  /** The content reader, shared by hard links to this node. */
  contentReader(): () => Buffer {
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
  private readonly sums = new Map<string, () => string>();
  private readonly implicitTime: Date;

  constructor(now: Date = new Date()) {
    this.implicitTime = new Date(Math.floor(now.getTime() / 1000) * 1000);
    this.root = new ContextNode(this, "", "dir", 0o755, this.implicitTime, 0, () => EMPTY);
  }

  /** Unpacks one tar entry as moby's Untar would, and records its tarsum. */
  add(rec: ContextRecord): void {
    const h = rec.header;
    const sumKey = goClean("/" + h.name).slice(1) || ".";
    if (!this.sums.has(sumKey)) this.sums.set(sumKey, lazySum(rec));

    const rel = cleanRelative(goClean(h.name));
    if (rel === null) throw new ContextError(`invalid build context: tar entry ${JSON.stringify(h.name)} is outside of the context`);
    const kind = recordKind(h.typeflag);
    // The root's own entry, devices and fifos leave no node: COPY of them is not supported here.
    if (rel === "" || kind === "special") return;

    const slash = rel.lastIndexOf("/");
    const parent = this.mkdirAll(slash < 0 ? "" : rel.slice(0, slash), h.name);
    const base = rel.slice(slash + 1);
    const path = parent.path === "" ? base : `${parent.path}/${base}`;
    const existing = parent.children!.get(base);
    const mode = h.mode & 0o7777;
    const mtime = new Date(Math.floor(rec.mtime.getTime() / 1000) * 1000);

    if (kind === "dir" && existing?.type === "dir") {
      existing.mode = mode;
      existing.mtime = mtime;
      return;
    }
    let node: ContextNode;
    if (kind === "dir") {
      node = new ContextNode(this, path, "dir", mode, mtime, 0, () => EMPTY);
    } else if (kind === "symlink") {
      node = new ContextNode(this, path, "symlink", 0o777, mtime, Buffer.byteLength(h.linkname), () => EMPTY, h.linkname);
    } else if (kind === "hardlink") {
      const target = this.hardlinkTarget(h.name, h.linkname);
      // A hard link shares the inode: the link's mode applies to both names.
      if (target.type === "file") target.mode = mode;
      node = new ContextNode(this, path, target.type, target.mode, target.mtime, target.size,
        target.contentReader(), target.linkname, target.path, target.chunks);
    } else {
      node = new ContextNode(this, path, "file", mode, mtime, h.size, () => rec.data(), undefined, undefined, rec.chunks && (() => rec.chunks!()));
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
    return this.sums.get(rel === "" ? "." : rel)?.();
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
    const slash = r.rel.lastIndexOf("/");
    const parent = this.get(slash < 0 ? "" : r.rel.slice(0, slash));
    parent?.children?.delete(r.rel.slice(slash + 1));
  }

  /** Depth-first, each directory's names in byte order: Go's filepath.Walk order. The start node is not yielded. */
  *walk(from: ContextNode = this.root): Generator<ContextNode> {
    if (!from.children) return;
    const names = [...from.children.keys()].sort(byteCompare);
    for (const name of names) {
      const child = from.children.get(name)!;
      yield child;
      yield* this.walk(child);
    }
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
    const r = this.resolve(rel);
    if (!r.ok) throw new ContextError(`invalid build context: cannot unpack ${JSON.stringify(entryName)}: parent ${r.reason}`);
    let node = this.root;
    for (const comp of r.rel === "" ? [] : r.rel.split("/")) {
      let next = node.children!.get(comp);
      if (!next) {
        const path = node.path === "" ? comp : `${node.path}/${comp}`;
        // Untar creates missing parents with 0755 (0777 less the daemon's umask); no tar entry, so no tarsum.
        next = new ContextNode(this, path, "dir", 0o755, this.implicitTime, 0, () => EMPTY);
        node.children!.set(comp, next);
      }
      if (!next.children) {
        throw new ContextError(`invalid build context: cannot unpack ${JSON.stringify(entryName)}: ${next.path} is not a directory`);
      }
      node = next;
    }
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
  return tarsumV1(rec.header, recordKind(rec.header.typeflag) === "file" ? (rec.chunks?.() ?? rec.data()) : undefined);
}

function lazySum(rec: ContextRecord): () => string {
  let sum: string | undefined;
  return () => (sum ??= rec.tarsum ? rec.tarsum() : recordTarsum(rec));
}
