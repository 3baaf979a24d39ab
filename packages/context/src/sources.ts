import { sha256Hex } from "@tsbuild/image";
import { ContextError } from "./errors.js";
import { byteCompare, goClean } from "./gopath.js";
import { containsWildcards, goMatch } from "./gomatch.js";
import type { ContextNode, ContextTree } from "./tree.js";
import type { ResolvedSource } from "./types.js";

/**
 * COPY/ADD sources resolved the way the classic builder does it (moby builder/dockerfile/copy.go
 * calcCopyInfo, copyWithWildcards, copyInfoForFile, walkSource).
 */
export function resolveSources(tree: ContextTree, srcs: string[], allowWildcards: boolean): ResolvedSource[] {
  const out: ResolvedSource[] = [];
  for (const src of srcs) out.push(...calcCopyInfo(tree, src, src, allowWildcards));
  // Checked over all sources together: a wildcard matching nothing is fine next to another source.
  if (out.length === 0) throw new ContextError("no source files were specified");
  return out;
}

/** One source: its own hash. Several: "multi:" over their prefixed hashes in source order. */
export function sourceHash(sources: ResolvedSource[]): string {
  if (sources.length === 0) throw new ContextError("no source files were specified");
  if (sources.length === 1) return sources[0].hash;
  return hashStrings("multi", sources.map((s) => s.hash));
}

function calcCopyInfo(tree: ContextTree, pattern: string, origPath: string, allowWildcards: boolean): ResolvedSource[] {
  let p = origPath;
  if (p.startsWith("/")) p = p.slice(1);
  if (p.startsWith("./")) p = p.slice(2);

  if (allowWildcards && containsWildcards(p)) {
    const found: ResolvedSource[] = [];
    // Every path of the context is tried, in walk order; matching directories are still entered.
    for (const node of tree.walk()) {
      if (safeMatch(p, node.path)) found.push(...calcCopyInfo(tree, pattern, node.path, false));
    }
    return found;
  }

  const r = tree.resolve(p);
  // The daemon words every resolution failure (".." escaping, a path through a file, a link loop) this way.
  if (!r.ok) throw new ContextError(`forbidden path outside the build context: ${p} ()`);
  const node = r.rel === "" ? tree.root : tree.get(r.rel);
  if (!node) {
    throw new ContextError(`file not found in build context or excluded by .dockerignore: stat ${p}: file does not exist`, r.rel);
  }
  const path = goClean(p) === "." ? "" : goClean(p);
  const base = { pattern, path, resolvedPath: r.rel, entry: node === tree.root ? undefined : node };
  if (node.type !== "dir") {
    return [{ ...base, isDir: false, children: [], hash: "file:" + tree.hashOf(p)! }];
  }
  const children = tree.walk(node);
  return [{ ...base, isDir: true, children, hash: dirHash(tree, node, children) }];
}

/** walkSource: the directory itself (unless it is the root) and everything below, each by Docker's Hash, sorted. */
function dirHash(tree: ContextTree, dir: ContextNode, children: ContextNode[]): string {
  const hashes: string[] = [];
  for (const node of dir === tree.root ? children : [dir, ...children]) {
    // A path Docker cannot hash (a link loop, a link through a file) is left out, as walkSource does.
    // The walk reached every node through directories, so only a symlink's own path resolves to
    // another place: any other node's hash is that of its path, without resolving it again.
    const h = node.type === "symlink" ? tree.hashOf(node.path) : node.hash;
    if (h !== null) hashes.push(h);
  }
  hashes.sort(byteCompare);
  return hashStrings("dir", hashes);
}

function hashStrings(prefix: string, items: string[]): string {
  return `${prefix}:${sha256Hex(items.join(","))}`;
}

/** filepath.Match with errors read as "no match", as copyWithWildcards reads them. */
function safeMatch(pattern: string, name: string): boolean {
  try {
    return goMatch(pattern, name);
  } catch {
    return false;
  }
}
