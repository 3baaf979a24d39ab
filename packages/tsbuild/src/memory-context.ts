import { createHash } from "node:crypto";
import { posix } from "node:path";
import { writeTar, type TarFile as TarEntry } from "@tsbuild/archive";
import { isIgnored, parseDockerignore } from "@tsbuild/context";
import type { ContextFile } from "./types.js";

interface Node {
  entry?: TarEntry;
  children: Map<string, Node>;
}

/**
 * The context tar the docker CLI would send for a directory holding `files`: .dockerignore
 * applied (the Dockerfile and .dockerignore always sent), implied parent directories 0755,
 * uid/gid 0, permission bits only, entries in the CLI's walk order (depth first, names
 * byte-sorted). A Dockerfile given as text is added the way `docker build -f -` adds it: under
 * a `.dockerfile.<hex>` name listed in .dockerignore. The CLI picks a random name; here it is
 * derived from the text, so building the same thing twice hits the cache.
 */
export function memoryContextTar(
  files: Record<string, ContextFile>,
  dockerfile: { path: string } | { text: string },
  defaultMtime: number,
): { tar: Buffer; dockerfileName: string } {
  const entries = new Map<string, TarEntry>();
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
  const patterns = ignore?.type === "file" ? parseDockerignore(ignore.content ?? Buffer.alloc(0)) : [];
  const alwaysSent = new Set([".dockerignore", dockerfileName]);
  const kept = [...entries.values()].filter((e) => alwaysSent.has(e.name) || !isIgnored(e.name, patterns));
  return { tar: writeTar(walkOrder(kept)), dockerfileName };
}

function cleanPath(raw: string): string {
  const clean = posix.normalize(raw.replace(/\/+$/, ""));
  if (raw === "" || clean === "." || clean.startsWith("/") || clean === ".." || clean.startsWith("../")) {
    throw new Error(`context file path ${JSON.stringify(raw)} must be relative and inside the context`);
  }
  return clean.replace(/^\.\//, "");
}

function toEntry(path: string, file: ContextFile, defaultMtime: number): TarEntry {
  const base = { name: path, uid: 0, gid: 0 };
  if (typeof file === "string" || Buffer.isBuffer(file)) {
    return { ...base, type: "file", mode: 0o644, mtime: defaultMtime, content: Buffer.from(file) };
  }
  const mtime = file.mtime ?? defaultMtime;
  if (file.symlink !== undefined) return { ...base, type: "symlink", mode: 0o777, mtime, linkname: file.symlink };
  if (file.directory) return { ...base, type: "dir", mode: file.mode ?? 0o755, mtime };
  return { ...base, type: "file", mode: file.mode ?? 0o644, mtime, content: Buffer.from(file.content ?? "") };
}

function addInjected(entries: Map<string, TarEntry>, name: string, content: Buffer, mtime: number): void {
  const ignore = entries.get(".dockerignore");
  const listed = ignore?.type === "file"
    ? Buffer.concat([ignore.content ?? Buffer.alloc(0), Buffer.from(`\n${name}\n`)])
    : Buffer.from(`.dockerignore\n${name}\n`);
  entries.set(".dockerignore", { ...(ignore ?? { name: ".dockerignore", type: "file", mode: 0o600, uid: 0, gid: 0, mtime }), content: listed });
  entries.set(name, { name, type: "file", mode: 0o600, uid: 0, gid: 0, mtime, content });
}

/** "a/b/c" implies directories "a" and "a/b" (0755), as a directory on disk would hold them. */
function addImpliedDirectories(entries: Map<string, TarEntry>, mtime: number): void {
  for (const path of [...entries.keys()]) {
    for (let i = path.indexOf("/"); i > 0; i = path.indexOf("/", i + 1)) {
      const dir = path.slice(0, i);
      const existing = entries.get(dir);
      if (!existing) entries.set(dir, { name: dir, type: "dir", mode: 0o755, uid: 0, gid: 0, mtime });
      else if (existing.type !== "dir") throw new Error(`context file ${JSON.stringify(dir)} is not a directory, but ${JSON.stringify(path)} is under it`);
    }
  }
}

/**
 * Parents before children, siblings in byte order. A directory left out by .dockerignore while
 * an exception keeps something below it gets no entry of its own, as with the CLI.
 */
function walkOrder(entries: TarEntry[]): TarEntry[] {
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
  const out: TarEntry[] = [];
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
