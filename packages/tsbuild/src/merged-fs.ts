import { mergedView, type MergedView } from "@tsbuild/explain";
import { walkPath, type LayerEntry, type PathNodes } from "@tsbuild/image";
import type { ImageFile } from "./types.js";

/**
 * The image's filesystem as overlay2 shows it, stacked by @tsbuild/explain's layer view (the
 * analysis's own rules for whiteouts, opaque directories and replacement), with the one thing the
 * analysis does not offer: a path lookup with symlinks followed. No file content is held.
 */
export class MergedFilesystem {
  private readonly layers: LayerEntry[][] = [];
  private view: MergedView | undefined;

  /** Stacks the next layer on top. */
  apply(layer: number, entries: LayerEntry[]): void {
    this.layers[layer] = entries;
    this.view = undefined;
  }

  /** The path as `ls -d` would find it: symlinks in parent directories followed, the last component not. */
  lookup(path: string): ImageFile | undefined {
    const view = (this.view ??= mergedView(this.layers));
    const w = walkPath("/", components(path), false, pathNodes(view));
    if (!w.ok || w.node === undefined || w.node === "/") return undefined;
    const found = view.paths.get(w.node);
    return found ? { path: w.node, entry: found.entry, layer: found.layer } : undefined;
  }
}

/** The stacked view's paths as nodes of a walk; a directory no layer lists (an imported tar may leave parents out) is still one. */
function pathNodes(view: MergedView): PathNodes<string> {
  return {
    child: (dir, name) => {
      const p = (dir === "/" ? "" : dir) + "/" + name;
      return view.paths.has(p) || view.hasChildren(p) ? p : undefined;
    },
    isDir: (p) => {
      const o = view.paths.get(p);
      return o === undefined || o.type === "dir";
    },
    linkTarget: (p) => {
      const o = view.paths.get(p);
      return o?.type === "symlink" ? (o.linkname ?? "") : undefined;
    },
  };
}

function components(path: string): string[] {
  return path.split("/").filter((p) => p !== "" && p !== ".");
}
