import { createHash } from "node:crypto";
import { posix } from "node:path";
import { isIgnored, parseDockerignore } from "./dockerignore.js";
import { EMPTY, type ContextRecord } from "./record.js";

/** One file of an in-memory context: its text or bytes, or the details. */
export type ContextFile =
  | string
  | Buffer
  | {
      content?: string | Buffer;
      /** Permission bits; default 0o644 for a file, 0o755 for a directory. */
      mode?: number;
      /** Makes the path a symbolic link to this target (content is then ignored). */
      symlink?: string;
      /** Makes the path a directory (content is then ignored). */
      directory?: boolean;
      /** Seconds since the epoch; default `FilesContextOptions.mtime`. */
      mtime?: number;
    };

export interface FilesContextOptions {
  /** Where the Dockerfile is among the files, or its text (added as `docker build -f -` adds it). Default { path: "Dockerfile" }. */
  dockerfile?: { path: string } | { text: string };
  /** Seconds since the epoch for files that give none (default 0, so layers are reproducible). */
  mtime?: number;
}

interface Entry {
  name: string;
  type: "file" | "dir" | "symlink";
  mode: number;
  mtime: number;
  content?: Buffer;
  linkname?: string;
}

interface Node {
  entry?: Entry;
  children: Map<string, Node>;
}

/**
 * The records the docker CLI would send for a directory holding `files`, without writing a tar:
 * .dockerignore applied (the Dockerfile and .dockerignore always sent), implied parent
 * directories 0755, uid/gid 0, permission bits only, directory names ending in "/", entries in
 * the CLI's walk order (depth first, names byte-sorted). A Dockerfile given as text is added the
 * way `docker build -f -` adds it: under a `.dockerfile.<hex>` name listed in .dockerignore. The
 * CLI picks a random name; here it is derived from the text, so building the same thing twice
 * hits the cache.
 */
export function filesContextRecords(files: Record<string, ContextFile>, opts: FilesContextOptions = {}): { records: ContextRecord[]; dockerfileName: string } {
  const defaultMtime = opts.mtime ?? 0;
  const dockerfile = opts.dockerfile ?? { path: "Dockerfile" };
  const entries = new Map<string, Entry>();
  for (const [rawPath, file] of Object.entries(files)) {
    const path = cleanPath(rawPath);
    entries.set(path, toEntry(path, file, defaultMtime));
  }
  addImpliedDirectories(entries, defaultMtime);
  let dockerfileName: string;
  if ("text" in dockerfile) {
    dockerfileName = ".dockerfile." + createHash("sha256").update(dockerfile.text).digest("hex").slice(0, 20);
    addInjected(entries, dockerfileName, Buffer.from(dockerfile.text), defaultMtime);
  } else {
    dockerfileName = cleanPath(dockerfile.path);
  }
  const ignore = entries.get(".dockerignore");
  const patterns = ignore?.type === "file" ? parseDockerignore(ignore.content ?? EMPTY) : [];
  const alwaysSent = new Set([".dockerignore", dockerfileName]);
  const kept = [...entries.values()].filter((e) => alwaysSent.has(e.name) || !isIgnored(e.name, patterns));
  return { records: walkOrder(kept).map(toRecord), dockerfileName };
}

/** The entry as the daemon reads it from the CLI's tar: the header tarsum hashes, the mtime, the bytes. */
function toRecord(e: Entry): ContextRecord {
  const data = e.content ?? EMPTY;
  return {
    header: {
      name: e.type === "dir" ? e.name + "/" : e.name,
      mode: e.mode & 0o7777,
      uid: 0,
      gid: 0,
      size: e.type === "file" ? data.length : 0,
      typeflag: e.type === "file" ? "0" : e.type === "dir" ? "5" : "2",
      linkname: e.linkname ?? "",
      devmajor: 0,
      devminor: 0,
    },
    mtime: new Date(e.mtime * 1000),
    data: () => data,
  };
}

function cleanPath(raw: string): string {
  const clean = posix.normalize(raw.replace(/\/+$/, ""));
  if (raw === "" || clean === "." || clean.startsWith("/") || clean === ".." || clean.startsWith("../")) {
    throw new Error(`context file path ${JSON.stringify(raw)} must be relative and inside the context`);
  }
  return clean.replace(/^\.\//, "");
}

function toEntry(path: string, file: ContextFile, defaultMtime: number): Entry {
  if (typeof file === "string" || Buffer.isBuffer(file)) {
    return { name: path, type: "file", mode: 0o644, mtime: defaultMtime, content: Buffer.from(file) };
  }
  const mtime = file.mtime ?? defaultMtime;
  if (file.symlink !== undefined) return { name: path, type: "symlink", mode: 0o777, mtime, linkname: file.symlink };
  if (file.directory) return { name: path, type: "dir", mode: file.mode ?? 0o755, mtime };
  return { name: path, type: "file", mode: file.mode ?? 0o644, mtime, content: Buffer.from(file.content ?? "") };
}

function addInjected(entries: Map<string, Entry>, name: string, content: Buffer, mtime: number): void {
  const ignore = entries.get(".dockerignore");
  const listed = ignore?.type === "file"
    ? Buffer.concat([ignore.content ?? EMPTY, Buffer.from(`\n${name}\n`)])
    : Buffer.from(`.dockerignore\n${name}\n`);
  entries.set(".dockerignore", { ...(ignore ?? { name: ".dockerignore", type: "file", mode: 0o600, mtime }), content: listed });
  entries.set(name, { name, type: "file", mode: 0o600, mtime, content });
}

/** "a/b/c" implies directories "a" and "a/b" (0755), as a directory on disk would hold them. */
function addImpliedDirectories(entries: Map<string, Entry>, mtime: number): void {
  for (const path of [...entries.keys()]) {
    for (let i = path.indexOf("/"); i > 0; i = path.indexOf("/", i + 1)) {
      const dir = path.slice(0, i);
      const existing = entries.get(dir);
      if (!existing) entries.set(dir, { name: dir, type: "dir", mode: 0o755, mtime });
      else if (existing.type !== "dir") throw new Error(`context file ${JSON.stringify(dir)} is not a directory, but ${JSON.stringify(path)} is under it`);
    }
  }
}

/**
 * Parents before children, siblings in byte order. A directory left out by .dockerignore while
 * an exception keeps something below it gets no entry of its own, as with the CLI.
 */
function walkOrder(entries: Entry[]): Entry[] {
  const root: Node = { children: new Map() };
  for (const e of entries) {
    let node = root;
    for (const part of e.name.split("/")) {
      let child = node.children.get(part);
      if (!child) node.children.set(part, (child = { children: new Map() }));
      node = child;
    }
    node.entry = e;
  }
  const out: Entry[] = [];
  const visit = (node: Node) => {
    const names = [...node.children.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const name of names) {
      const child = node.children.get(name)!;
      if (child.entry) out.push(child.entry);
      visit(child);
    }
  };
  visit(root);
  return out;
}
