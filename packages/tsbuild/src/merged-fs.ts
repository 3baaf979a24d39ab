import { MAX_SYMLINK_HOPS, whiteoutOf, type LayerEntry } from "@tsbuild/image";
import type { ImageFile } from "./types.js";

interface FsNode {
  /** Undefined for a directory no layer has an entry for (an imported tar may leave parents out). */
  entry?: LayerEntry;
  layer: number;
  children: Map<string, FsNode>;
}


/**
 * The image's filesystem as overlay2 shows it, from the layers' entries alone: `.wh.NAME` hides
 * NAME, `DIR/.wh..wh..opq` hides what lower layers had in DIR, an entry replaces what was at its
 * path (a directory over a directory keeps the children). Cheap enough to build for every image:
 * no file content is held. (What each layer adds and deletes comes from @tsbuild/explain; this
 * is only the lookup, with symlinks followed, that the analysis does not offer.)
 */
export class MergedFilesystem {
  private readonly root: FsNode = { layer: -1, children: new Map() };

  /** Stacks the next layer on top. */
  apply(layer: number, entries: LayerEntry[]): void {
    const mine = new Set<FsNode>();
    for (const e of entries) {
      const parts = e.path.split("/").filter((p) => p !== "" && p !== ".");
      if (parts.length === 0) continue;
      const name = parts[parts.length - 1];
      const parentParts = parts.slice(0, -1);
      const parent = this.ensureDir(parentParts, layer);
      const whiteout = whiteoutOf(name);
      if (whiteout?.kind === "opaque") {
        for (const [childName, child] of parent.children) if (!mine.has(child)) parent.children.delete(childName);
      } else if (whiteout?.kind === "delete") {
        parent.children.delete(whiteout.name);
      } else if (!whiteout) {
        const existing = parent.children.get(name);
        const keepChildren = existing !== undefined && e.type === "dir" && (existing.entry === undefined || existing.entry.type === "dir");
        const node: FsNode = { entry: e, layer, children: keepChildren ? existing.children : new Map() };
        parent.children.set(name, node);
        mine.add(node);
      }
    }
  }

  /** The path as `ls -d` would find it: symlinks in parent directories followed, the last component not. */
  lookup(path: string): ImageFile | undefined {
    const pending = components(path);
    const stack: Array<{ name: string; node: FsNode }> = [];
    const current = () => (stack.length ? stack[stack.length - 1].node : this.root);
    let links = 0;
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === "..") {
        stack.pop();
        continue;
      }
      const node = current().children.get(part);
      if (!node) return undefined;
      if (pending.length > 0 && node.entry?.type === "symlink") {
        if (++links > MAX_SYMLINK_HOPS) return undefined;
        const target = node.entry.linkname ?? "";
        if (target.startsWith("/")) stack.length = 0;
        pending.unshift(...components(target));
        continue;
      }
      if (pending.length > 0 && node.entry && node.entry.type !== "dir") return undefined;
      stack.push({ name: part, node });
    }
    if (stack.length === 0) return undefined;
    const found = stack[stack.length - 1].node;
    const resolved = "/" + stack.map((s) => s.name).join("/");
    return found.entry ? { path: resolved, entry: found.entry, layer: found.layer } : undefined;
  }

  private ensureDir(parts: string[], layer: number): FsNode {
    let node = this.root;
    for (const part of parts) {
      let child = node.children.get(part);
      if (!child) node.children.set(part, (child = { layer, children: new Map() }));
      node = child;
    }
    return node;
  }
}

function components(path: string): string[] {
  return path.split("/").filter((p) => p !== "" && p !== ".");
}
