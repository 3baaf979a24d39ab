import type { LayerEntry } from "@tsbuild/image";
import type { ImageFile } from "./types.js";

interface FsNode {
  /** Undefined for a directory no layer has an entry for (an imported tar may leave parents out). */
  entry?: LayerEntry;
  layer: number;
  children: Map<string, FsNode>;
}

export interface LayerChanges {
  added: string[];
  modified: string[];
  deleted: string[];
}

const WHITEOUT = ".wh.";
const OPAQUE = ".wh..wh..opq";
const MAX_SYMLINKS = 40;

/**
 * The image's filesystem as overlay2 shows it, from the layers' entries alone: `.wh.NAME` hides
 * NAME, `DIR/.wh..wh..opq` hides what lower layers had in DIR, an entry replaces what was at its
 * path (a directory over a directory keeps the children). Cheap enough to build for every image:
 * no file content is held.
 */
export class MergedFilesystem {
  private readonly root: FsNode = { layer: -1, children: new Map() };

  /** Applies the next layer; returns what it adds, changes and deletes (absolute paths, tar order). */
  apply(layer: number, entries: LayerEntry[]): LayerChanges {
    const changes: LayerChanges = { added: [], modified: [], deleted: [] };
    const mine = new Set<FsNode>();
    // What an opaque marker hid: a path the layer then puts back was changed, not deleted.
    const hiddenByOpaque = new Set<string>();
    for (const e of entries) {
      const parts = e.path.split("/").filter((p) => p !== "" && p !== ".");
      if (parts.length === 0) continue;
      const name = parts[parts.length - 1];
      const parentParts = parts.slice(0, -1);
      const parent = this.ensureDir(parentParts, layer);
      const dirPath = "/" + parentParts.map((p) => p + "/").join("");
      if (name === OPAQUE) {
        for (const [childName, child] of parent.children) {
          if (mine.has(child)) continue;
          parent.children.delete(childName);
          changes.deleted.push(dirPath + childName);
          hiddenByOpaque.add(dirPath + childName);
        }
      } else if (name.startsWith(WHITEOUT)) {
        const target = name.slice(WHITEOUT.length);
        parent.children.delete(target);
        changes.deleted.push(dirPath + target);
      } else {
        const path = dirPath + name;
        const existing = parent.children.get(name);
        if (existing && mine.has(existing)) {
          // A second entry for the path in one layer: the later one wins, nothing new to report.
        } else if (existing?.entry) changes.modified.push(path);
        else if (hiddenByOpaque.delete(path)) {
          changes.deleted.splice(changes.deleted.indexOf(path), 1);
          changes.modified.push(path);
        } else changes.added.push(path);
        const keepChildren = existing !== undefined && e.type === "dir" && (existing.entry === undefined || existing.entry.type === "dir");
        const node: FsNode = { entry: e, layer, children: keepChildren ? existing.children : new Map() };
        parent.children.set(name, node);
        mine.add(node);
      }
    }
    return changes;
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
        if (++links > MAX_SYMLINKS) return undefined;
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
