import { mergedView, type MergedView } from "@tsbuild/explain";
import { MAX_SYMLINK_HOPS, type LayerEntry } from "@tsbuild/image";
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
    const pending = components(path);
    const stack: string[] = [];
    let links = 0;
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === "..") {
        stack.pop();
        continue;
      }
      const at = "/" + [...stack, part].join("/");
      const o = view.paths.get(at);
      if (!o && !view.hasChildren(at)) return undefined;
      if (pending.length > 0 && o?.type === "symlink") {
        if (++links > MAX_SYMLINK_HOPS) return undefined;
        const target = o.linkname ?? "";
        if (target.startsWith("/")) stack.length = 0;
        pending.unshift(...components(target));
        continue;
      }
      // A directory no layer lists (an imported tar may leave parents out) is still one.
      if (pending.length > 0 && o && o.type !== "dir") return undefined;
      stack.push(part);
    }
    if (stack.length === 0) return undefined;
    const resolved = "/" + stack.join("/");
    const found = view.paths.get(resolved);
    return found ? { path: resolved, entry: found.entry, layer: found.layer } : undefined;
  }
}

function components(path: string): string[] {
  return path.split("/").filter((p) => p !== "" && p !== ".");
}
