import { whiteoutOf, type LayerEntry } from "@tsbuild/image";
import type { FileChange } from "./types.js";

/*
 * tsbuild's own account of the layers: stack them the way overlay2 does (later entries replace
 * earlier ones, `.wh.NAME` deletes NAME and everything under it, `.wh..wh..opq` empties the
 * directory below) and note, for every copy a layer stores, which later layer hides it.
 * Byte counts follow Docker's layer size: file bytes plus symlink target lengths; directories,
 * whiteouts, devices and hard links (an inode already counted) are 0.
 */

export interface Hidden {
  path: string;
  size: number;
  byLayer: number;
  how: "deleted" | "overwritten";
  /** sha256 of the hidden file's content, to spot a file moved by copy-and-delete. */
  sha256?: string;
}

export interface LayerChanges {
  added: FileChange[];
  modified: FileChange[];
  deleted: FileChange[];
  hidden: Hidden[];
}

/** A path as the stacked layers show it, and the layer whose copy is seen. */
export interface Occupant {
  layer: number;
  type: LayerEntry["type"];
  size: number;
  sha256?: string;
  linkname?: string;
  mode: string;
  uid: number;
  gid: number;
  /** The layer's entry for the path. */
  entry: LayerEntry;
}


export function bytesOf(e: LayerEntry): number {
  if (e.type === "file") return e.size ?? 0;
  if (e.type === "symlink") return Buffer.byteLength(e.linkname ?? "");
  return 0;
}

/** The filesystem as the layers stacked so far show it, with a directory index for subtree removal. */
class View {
  readonly paths = new Map<string, Occupant>();
  private readonly children = new Map<string, Set<string>>();

  /** A directory that holds something, listed in a layer or only implied by a path below it. */
  hasChildren(path: string): boolean {
    return (this.children.get(path)?.size ?? 0) > 0;
  }

  set(path: string, o: Occupant): void {
    this.paths.set(path, o);
    const parent = parentOf(path);
    let set = this.children.get(parent);
    if (!set) this.children.set(parent, (set = new Set()));
    set.add(path);
  }

  /** The path and everything below it, deepest last. */
  subtree(path: string): Array<[string, Occupant]> {
    const out: Array<[string, Occupant]> = [];
    const o = this.paths.get(path);
    if (o) out.push([path, o]);
    out.push(...this.below(path));
    return out;
  }

  below(path: string): Array<[string, Occupant]> {
    const out: Array<[string, Occupant]> = [];
    for (const child of this.children.get(path) ?? []) {
      const o = this.paths.get(child);
      if (o) out.push([child, o]);
      out.push(...this.below(child));
    }
    return out;
  }

  remove(path: string): void {
    for (const child of [...(this.children.get(path) ?? [])]) this.remove(child);
    this.children.delete(path);
    this.paths.delete(path);
    this.children.get(parentOf(path))?.delete(path);
  }
}

function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** "./usr/bin/" → "/usr/bin"; the root → "/". */
export function absPath(p: string): string {
  // The usual name ("usr/bin/env": no "." or empty component) needs no splitting.
  if (p !== "" && p[0] !== "." && p[0] !== "/" && p[p.length - 1] !== "/" && !p.includes("//") && !p.includes("/.")) return "/" + p;
  const parts = p.split("/").filter((x) => x && x !== ".");
  return "/" + parts.join("/");
}

const bySizeThenPath = (a: FileChange, b: FileChange) =>
  (b.previousSize ?? b.size) - (a.previousSize ?? a.size) || b.size - a.size || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Stacks the layers (bottom first); returns each layer's changes and the final view. */
export function stackLayers(layers: LayerEntry[][]): { changes: LayerChanges[]; view: Map<string, Occupant>; merged: MergedView } {
  const view = new View();
  const changes: LayerChanges[] = layers.map(() => ({ added: [], modified: [], deleted: [], hidden: [] }));

  const hide = (path: string, o: Occupant, byLayer: number, how: Hidden["how"]) => {
    if (o.size > 0 && o.layer < byLayer) changes[o.layer].hidden.push({ path, size: o.size, byLayer, how, sha256: o.sha256 });
  };
  /** Removes path and its tree from the view; the bytes it held, for `previousSize`. */
  const removeTree = (path: string, layer: number, how: Hidden["how"], self: boolean): number => {
    let bytes = 0;
    for (const [p, o] of self ? view.subtree(path) : view.below(path)) {
      if (o.layer >= layer) continue;
      hide(p, o, layer, how);
      bytes += o.size;
    }
    if (self) view.remove(path);
    else for (const [p, o] of view.below(path)) if (o.layer < layer) view.remove(p);
    return bytes;
  };

  layers.forEach((entries, i) => {
    const c = changes[i];
    for (const e of entries) {
      const path = absPath(e.path);
      if (path === "/") continue;
      const whiteout = whiteoutOf(baseName(path));
      if (whiteout?.kind === "meta") continue;
      if (whiteout?.kind === "opaque") {
        const dir = parentOf(path);
        for (const [child, o] of view.below(dir).filter(([p]) => parentOf(p) === dir)) {
          if (o.layer >= i) continue;
          const previousSize = removeTree(child, i, "deleted", true);
          c.deleted.push({ path: child, type: o.type, size: 0, previousSize });
        }
        continue;
      }
      if (whiteout) {
        const target = parentOf(path) === "/" ? "/" + whiteout.name : parentOf(path) + "/" + whiteout.name;
        const o = view.paths.get(target);
        const previousSize = removeTree(target, i, "deleted", true);
        c.deleted.push({ path: target, type: o?.type ?? "file", size: 0, previousSize });
        continue;
      }
      const occupant: Occupant = { layer: i, type: e.type, size: e.type === "hardlink" ? 0 : bytesOf(e), sha256: e.sha256, linkname: e.linkname, mode: e.mode, uid: e.uid, gid: e.gid, entry: e };
      const below = view.paths.get(path);
      if (!below) {
        c.added.push({ path, type: e.type, size: occupant.size });
      } else if (below.layer < i) {
        if (below.type === "dir" && e.type === "dir") {
          // Every parent of a changed path is in the tar again; only a changed mode or owner is a change.
          if (below.mode !== e.mode || below.uid !== e.uid || below.gid !== e.gid) {
            c.modified.push({ path, type: "dir", size: 0, previousSize: 0, sameContent: true });
          }
        } else {
          hide(path, below, i, "overwritten");
          const previousSize = below.size + (below.type === "dir" ? removeTree(path, i, "overwritten", false) : 0);
          const sameContent = e.type === below.type && (e.type === "file" ? e.sha256 !== undefined && e.sha256 === below.sha256 : e.linkname === below.linkname);
          c.modified.push({ path, type: e.type, size: occupant.size, previousSize, ...(sameContent ? { sameContent } : {}) });
        }
      }
      view.set(path, occupant);
    }
    c.added.sort(bySizeThenPath);
    c.modified.sort(bySizeThenPath);
    c.deleted.sort(bySizeThenPath);
  });
  for (const c of changes) c.hidden.sort((a, b) => b.size - a.size || a.byLayer - b.byLayer || (a.path < b.path ? -1 : 1));
  return { changes, view: view.paths, merged: view };
}

/** The stacked filesystem, for lookups: each path's visible copy, and whether a path is a directory with contents. */
export interface MergedView {
  readonly paths: ReadonlyMap<string, Occupant>;
  hasChildren(path: string): boolean;
}

/** The filesystem the layers (bottom first) show, stacked by the same rules as the analysis. */
export function mergedView(layers: LayerEntry[][]): MergedView {
  return stackLayers(layers).merged;
}
